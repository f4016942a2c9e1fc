"""Ingest's helper processes end with the ingest that started them.

Local ingest workers are forked by multiprocessing's forkserver, itself started by the ingest
process. Killed with SIGKILL, an ingest cannot stop them, and they would wait forever on pipes
nobody writes to (about 380 MB a crash). So each asks the kernel to kill it when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG)``): the forkserver when the ingest dies, each worker when the
forkserver dies. The forkserver imports this module as a preload (``die_with_the_ingest``); the
workers call ``die_with_parent`` when they start. Elsewhere, without ``prctl``, nothing happens.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys

INGEST_PID_ENV = "TIMELINE_INGEST_PID"   # the ingest process's id, set before it starts its pool
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent (``parent``) dies; exit now if it already has."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):   # no prctl: the helpers outlive a killed ingest, as before
        return
    if os.getppid() != parent:   # the parent died before the request took effect
        os._exit(1)


def die_with_the_ingest() -> None:
    """In a direct child of the ingest process (the forkserver): die when the ingest dies."""
    try:
        ingest = int(os.environ.get(INGEST_PID_ENV, "0"))
    except ValueError:
        return
    if ingest > 1 and os.getppid() == ingest:
        die_with_parent(ingest)


die_with_the_ingest()
