"""Ingest on a Dask distributed cluster: connect, make sure the cluster runs this code, run the units.

The scheduler deserialises every task graph, so it must import ``pipeline`` as much as the workers
do. Before any article is sent, a probe runs on the scheduler and on every worker: it imports what
the tasks need and reports ``pipeline.__version__`` and the Python version. A scheduler or worker
that cannot, or that runs another version, stops the run with one line saying what to install
where, instead of a corpus of failed articles.

With ``ship_code`` the client first uploads its own ``pipeline`` package, data files included, as
one Python file (``ship_module``) with Dask's file-upload plugins, the ones ``Client.upload_file``
registers: ``SchedulerUploadFile`` for the scheduler and ``UploadFile`` for the workers, present and
joining later. Each of them writes the file into its own local directory and imports it; the import
unpacks the package beside it and puts it first on ``sys.path``. Nothing restarts, and workers
started with ``--no-nanny`` take it too. (Dask's ``UploadDirectory`` unpacks into the nanny's
directory, which the nannies of one machine share: two of them unpacking at once fail.) A run whose
code is already there uploads nothing.

Faults: a worker that dies has its tasks run again by Dask on the others (the client writes each
unit's outcome once, in input order); a lost scheduler stops the run with one line (every article
written so far is whole, and a re-run adds the rest).
"""
from __future__ import annotations

import hashlib
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

import pipeline
from pipeline import paths

DASK_CONNECT_TIMEOUT = "15s"   # distributed keeps retrying a refused connection until this
WORKER_WAIT_S = 15             # how long to wait for the scheduler's first worker
# What the tasks need: the scheduler unpickles process_unit and its Unit (pipeline.ingest); the
# workers run them.
SCHEDULER_MODULES = ("pipeline.ingest",)
WORKER_MODULES = ("pipeline.ingest", "pipeline.article", "pipeline.extract")
SHIP_PREFIX = "timeline-"
SHIP_PLUGIN = "timeline-ship-code"
# The client's own Dask logging: quiet while this process runs the cluster, which reports every
# problem in one line of its own (a lost scheduler otherwise logs pages of tracebacks).
QUIET_LOGGERS = ("distributed", "tornado")


class ClusterError(RuntimeError):
    """The cluster cannot run this ingest; the message is one line saying what to do."""


def _python() -> str:
    return "%d.%d" % sys.version_info[:2]


def _make_probe():
    """The probe function. It is made inside a function so that cloudpickle sends the function
    itself rather than a reference to this module: the remote side needs nothing of the project to
    load and run it."""
    def probe(modules):
        import importlib
        import socket
        import sys as remote_sys
        out = {"host": socket.gethostname(), "python": "%d.%d" % remote_sys.version_info[:2],
               "version": None, "path": "", "error": ""}
        try:
            package = importlib.import_module("pipeline")
            out["version"] = str(getattr(package, "__version__", "unknown"))
            out["path"] = str(getattr(package, "__file__", "") or "")
            for name in modules:
                importlib.import_module(name)
        except Exception as err:  # noqa: BLE001 - reported to the client, which explains it
            out["error"] = f"{type(err).__name__}: {str(err).strip().splitlines()[0] if str(err).strip() else ''}"
        return out
    return probe


def _problem(report: Any, ship_code: bool) -> str | None:
    """What is wrong with one probe report (None: it runs this code)."""
    mine = pipeline.__version__
    install = f"install timeline {mine} there (pip install . in a checkout of this version) and restart it"
    if not isinstance(report, dict):   # the probe itself failed (a worker died meanwhile...)
        return f"did not answer the version probe ({type(report).__name__}: {_first_line(report)})"
    if report["version"] is None:
        fix = install + (", or add --ship-code" if not ship_code else "")
        return f"cannot import pipeline ({report['error']}): {fix}"
    if report["python"] != _python():
        return f"runs Python {report['python']}, this client Python {_python()}: use Python {_python()} there"
    if report["version"] != mine:
        return (f"runs timeline {report['version']}, this client {mine}: "
                + install + (", or add --ship-code" if not ship_code else ""))
    if report["error"]:
        return f"cannot import the pipeline's modules ({report['error']}): {install}"
    return None


def check_cluster(client, address: str, ship_code: bool = False) -> None:
    """Raise ``ClusterError`` unless the scheduler and every worker run this client's pipeline."""
    probe = _make_probe()
    try:
        report = client.run_on_scheduler(probe, SCHEDULER_MODULES)
    except OSError:
        raise
    except Exception as err:  # noqa: BLE001 - e.g. a scheduler configured to refuse pickled functions
        report = err
    problem = _problem(report, ship_code)
    if problem:
        raise ClusterError(f"the Dask scheduler at {address} (host {report.get('host', '?')}) {problem}"
                           if isinstance(report, dict) else f"the Dask scheduler at {address} {problem}")
    reports = client.run(probe, WORKER_MODULES, on_error="return")
    bad = [(worker, p) for worker, r in sorted(reports.items()) if (p := _problem(r, ship_code))]
    if bad:
        worker, problem = bad[0]
        host = reports[worker].get("host", "?") if isinstance(reports[worker], dict) else "?"
        more = f", and {len(bad) - 1} more of the {len(reports)} workers" if len(bad) > 1 else ""
        raise ClusterError(f"Dask worker {worker} (host {host}{more}) {problem}")


def code_files() -> list[tuple[str, Path]]:
    """What ``--ship-code`` carries: the package's modules and the data files, as (name in the
    package, source file)."""
    files = [(p.name, p) for p in sorted(paths.PACKAGE_DIR.glob("*.py"))]
    root = paths.data_dir()
    return files + [(f"data/{rel.as_posix()}", root / rel) for rel in paths.data_files(root)]


# The shipped file: the package as a zip archive (base64), unpacked on import into a folder named
# after the version and the content beside the file, which goes first on sys.path. The pipeline
# modules this process imported before are forgotten, so that the next import takes the new code.
SHIP_TEMPLATE = '''"""The timeline pipeline {version} shipped by ingest --ship-code (generated)."""
import base64, importlib, io, os, shutil, sys, zipfile

NAME = {name!r}
ARCHIVE = {archive!r}

def _install():
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), NAME)
    if not os.path.isdir(target):
        part = target + ".part-%d" % os.getpid()
        zipfile.ZipFile(io.BytesIO(base64.b64decode(ARCHIVE))).extractall(part)
        try:
            os.rename(part, target)
        except OSError:  # unpacked meanwhile by another process sharing the folder
            shutil.rmtree(part, ignore_errors=True)
    if target in sys.path:
        sys.path.remove(target)
    sys.path.insert(0, target)
    for module in [m for m in sys.modules if m == "pipeline" or m.startswith("pipeline.")]:
        del sys.modules[module]
    importlib.invalidate_caches()

_install()
'''


def ship_module(folder: Path) -> tuple[Path, str]:
    """Write the shipped file of this client's package into ``folder``; return it and the name of
    the folder it unpacks into (``timeline-VERSION-DIGEST``)."""
    import base64
    import io
    import zipfile

    files = code_files()
    digest = hashlib.sha256()
    for name, src in files:
        digest.update(name.encode() + b"\0" + src.read_bytes() + b"\0")
    short = digest.hexdigest()[:12]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, src in files:
            archive.write(src, f"pipeline/{name}")
    unpacked = f"{SHIP_PREFIX}{pipeline.__version__}-{short}"
    module = folder / f"timeline_code_{short}.py"
    module.write_text(SHIP_TEMPLATE.format(version=pipeline.__version__, name=unpacked,
                                           archive=base64.b64encode(buffer.getvalue()).decode("ascii")),
                      encoding="utf-8")
    return module, unpacked


def ship_code(client) -> bool:
    """Upload this client's pipeline to the scheduler and the workers; return False when every one
    of them already runs exactly this code."""
    from distributed.diagnostics.plugin import SchedulerUploadFile, UploadFile

    probe = _make_probe()
    with tempfile.TemporaryDirectory(prefix="timeline-ship-") as tmp:
        module, unpacked = ship_module(Path(tmp))
        reports = [client.run_on_scheduler(probe, ()), *client.run(probe, (), on_error="return").values()]
        if all(isinstance(r, dict) and unpacked in Path(r["path"]).parts for r in reports):
            return False
        # One name: a later upload replaces this one for workers that join later.
        client.register_plugin(SchedulerUploadFile(str(module), load=True), name=SHIP_PLUGIN)
        client.register_plugin(UploadFile(str(module), load=True), name=SHIP_PLUGIN)
    return True


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


class DaskRunner:
    """Runs units on the workers of a Dask distributed cluster (``ingest --scheduler``)."""

    def __init__(self, address: str, ship: bool = False) -> None:
        from distributed import Client, as_completed
        self.address = address
        # Every logger of those families that has a level of its own (Dask's configuration gives
        # some, e.g. distributed.client), and the families' roots for the others.
        names = {n for n in logging.root.manager.loggerDict if n.split(".")[0] in QUIET_LOGGERS} | set(QUIET_LOGGERS)
        self._levels = {name: logging.getLogger(name).level for name in names}
        for name in names:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            self.client = Client(address, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except BaseException:
            self._restore_logging()
            raise
        try:
            try:
                self.client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except TimeoutError:
                raise ClusterError(f"the Dask scheduler at {address} has no workers: start some with "
                                   f"`dask worker {address}`") from None
            if ship:
                ship_code(self.client)
            check_cluster(self.client, address, ship)
            self.threads = max(1, sum(self.client.nthreads().values()))
            # Results are fetched by the client's event loop as tasks finish, not one round trip
            # at a time by the writer.
            self.completed = as_completed(loop=self.client.loop, with_results=True, raise_errors=False)
        except BaseException:
            self.close()
            raise

    def submit(self, unit):
        from dataclasses import replace

        from pipeline.ingest import _read_bytes, process_unit
        if unit.text is None and unit.data is None:
            # Cluster workers need not share this machine's files: ship the bytes (the window
            # bounds how many are in flight).
            unit = replace(unit, data=_read_bytes(unit.path))
        future = self.client.submit(process_unit, unit, pure=False)
        self.completed.add(future)
        return future

    def wait(self, pending) -> list:
        """Some finished futures with their outcomes (blocks until there is one, or the scheduler is
        lost: a lost scheduler cancels the futures, but one whose result was being fetched at that
        moment would never be reported)."""
        completed = self.completed
        while True:
            with completed.thread_condition:   # what as_completed notifies when it queues a result
                while not completed.has_ready():
                    if self.client.status != "running":
                        raise self._lost()
                    completed.thread_condition.wait(timeout=0.25)
            decided = []
            for future, result in completed.next_batch(block=False):
                if future.status in ("pending", "lost") and self.client.status == "running":
                    # Its worker died while the result was being fetched ("Couldn't gather keys"):
                    # Dask runs the task again on another worker; wait for that run.
                    completed.add(future)
                    continue
                decided.append((future, self._outcome(future, result)))
            if decided:
                return decided

    def _lost(self) -> ClusterError:
        return ClusterError(f"lost the connection to the Dask scheduler at {self.address}: the articles "
                            "written so far are complete; run the same command again to add the rest")

    def _outcome(self, future, result):
        from pipeline.ingest import Outcome
        if future.status == "finished":
            return result
        if future.status == "cancelled" or self.client.status != "running":
            raise self._lost()
        exc = result[1] if isinstance(result, tuple) and len(result) == 3 else result
        text = _first_line(exc)
        if isinstance(exc, ImportError) or "deserializ" in text.lower():
            # process_unit never raises: this is the environment of a worker (or of the scheduler)
            # that joined after the probe, and every other article would fail the same way.
            raise ClusterError(f"the Dask cluster at {self.address} cannot run the pipeline ({type(exc).__name__}: "
                               f"{text}): install timeline {pipeline.__version__} on every scheduler and "
                               "worker machine, or add --ship-code")
        # A worker died with the unit too often (KilledWorker), or another fault of this unit.
        return Outcome("", error=f"worker failed: {type(exc).__name__}: {text}")

    def close(self) -> None:
        try:
            self.client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone
            pass
        self._restore_logging()

    def _restore_logging(self) -> None:
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
