"""Real-browser helpers: ``streamlit run dashboard.py`` on a free loopback port, and chromium.

In CI (CI=true) these tests must run, so a missing chromium is an error there; elsewhere they skip.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """The chromium binary, or None (a failure in CI, a skip elsewhere)."""
    found = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("chromium is required in CI (.ci/run installs it)")
    pytest.skip("chromium not installed")
    return None


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DashboardServer:
    """``streamlit run dashboard.py`` against one store, stopped on exit."""

    def __init__(self, db_url: str, extra_env: dict[str, str] | None = None,
                 script: Path = REPO / "dashboard.py") -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        env = {k: v for k, v in os.environ.items() if k != "TIMELINE_EDITOR_SECRET"}
        env.update({"TIMELINE_DB": db_url, **(extra_env or {})})
        # The server's output is kept for the error message if it dies before answering.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> None:
        """Block until the server answers its health check."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}: {self.log.read()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("streamlit did not become healthy")

    def stop(self) -> None:
        """Terminate the server (kill if it lingers)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@contextmanager
def serving(db_url: str, extra_env: dict[str, str] | None = None) -> Iterator[DashboardServer]:
    """A dashboard server on ``db_url``, answering, stopped when the block ends."""
    srv = DashboardServer(db_url, extra_env)
    try:
        srv.wait()
        yield srv
    finally:
        srv.stop()


def stored_events(db_url: str):
    """The events of the store at ``db_url`` as the dashboard reads them."""
    from pipeline.store import open_store
    with open_store(db_url) as store:
        return store.events_frame()
