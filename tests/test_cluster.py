"""A real Dask cluster, started the way its operators start one (loopback only).

``dask scheduler`` and each ``dask worker`` are separate commands of this venv, run in a temporary
folder without PYTHONPATH: they import ``pipeline`` only because ``make install`` installed the
project into the venv. The client is ``python -m pipeline ingest --scheduler`` run from that folder
too. Results are compared with a serial ingest of the same input.
"""
from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import venv
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from helpers import count_articles, make_corpus
from pipeline.ingest import run_ingest
from pipeline.store import open_store

distributed = pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "articles"
BIN = Path(sys.executable).parent
N_SAMPLES = 16
N_CORPUS = 120
FAKE_VERSION = "0.0.0+fake"
# A scheduler and workers start in a few seconds alone, but the full suite runs on two busy cores
# (xdist beside it): once their start took more than 40 s there and failed a run.
START_TIMEOUT_S = 90
VOLATILE = ["ingested_at"]

pytestmark = pytest.mark.timeout(240)


def _env(folder: Path) -> dict[str, str]:
    """The environment of every command: no PYTHONPATH; Dask's scratch space in the test's folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["DASK_TEMPORARY_DIRECTORY"] = str(folder)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and ``n_workers`` workers, each its own command (and process group)."""

    def __init__(self, folder: Path, dask: list[str], n_workers: int, worker_args: tuple[str, ...] = ()):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start("scheduler", [*dask, "scheduler", "--host", "127.0.0.1", "--port", port,
                                                   "--no-dashboard"])
        self.workers = [self._start(f"worker-{i}", [*dask, "worker", self.address, "--nthreads", "1",
                                                    "--no-dashboard", "--name", f"w{i}", *worker_args])
                        for i in range(n_workers)]
        try:
            self.wait_for_workers(n_workers)
        except BaseException:
            self.close()
            raise

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")
        try:
            return subprocess.Popen(cmd, cwd=self.folder, env=_env(self.folder), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def wait_for_workers(self, n: int) -> None:
        client = distributed.Client(self.address, timeout=f"{START_TIMEOUT_S}s", set_as_default=False)
        try:
            client.wait_for_workers(n, timeout=START_TIMEOUT_S)
        finally:
            client.close()

    def logs(self, tail: int = 3000) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-tail:]}"
                         for p in sorted(self.folder.glob("*.log")))

    @staticmethod
    def kill(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        """Signal the whole command: a worker's nanny and its worker process, or the scheduler."""
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass

    def close(self) -> None:
        procs = [*self.workers, self.scheduler]
        for proc in procs:
            self.kill(proc, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            self.kill(proc, signal.SIGKILL)
            proc.wait()


def _ingest(paths, db_url: str, scheduler: str, cwd: Path, *extra: str, python: str = sys.executable,
            timeout: float = 90) -> subprocess.CompletedProcess:
    """``python -m pipeline ingest`` as a user runs it, from ``cwd`` (outside the checkout)."""
    cmd = [python, "-m", "pipeline", "ingest", *map(str, paths), "--db", db_url, "--scheduler", scheduler,
           "--no-progress", *extra]
    return subprocess.run(cmd, cwd=cwd, env=_env(cwd), capture_output=True, text=True, timeout=timeout)


def _ingest_popen(paths, db_url: str, scheduler: str, cwd: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pipeline", "ingest", *map(str, paths), "--db", db_url, "--scheduler", scheduler,
           "--no-progress"]
    return subprocess.Popen(cmd, cwd=cwd, env=_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(url: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    with open_store(url) as s:
        events = s.events_frame().sort_values("event_id").reset_index(drop=True)
        arts = s.articles_frame().drop(columns=VOLATILE).sort_values("article_id").reset_index(drop=True)
        return s.counts(), events, arts


def _assert_same_store(url: str, reference: str) -> None:
    counts, events, arts = _state(url)
    ref_counts, ref_events, ref_arts = _state(reference)
    assert counts == ref_counts
    pd.testing.assert_frame_equal(events, ref_events)
    pd.testing.assert_frame_equal(arts, ref_arts)


def _wait_for_articles(path: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while count_articles(path) < n and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return count_articles(path)


def _serial(paths, url: str) -> str:
    assert run_ingest([str(p) for p in paths], url, None, 0, None, progress=False) == 0
    return url


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """This checkout installed into the venv the way ``make install`` installs it: from any folder and
    without PYTHONPATH, the venv's python imports this checkout's ``pipeline``."""
    folder = tmp_path_factory.mktemp("elsewhere")
    proc = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], cwd=folder,
                          env=_env(folder), capture_output=True, text=True, timeout=60)
    found = proc.stdout.strip()
    if not (BIN / "dask").is_file():
        problem = f"no dask command in {BIN}"
    elif proc.returncode != 0:
        problem = "the venv cannot import pipeline outside the checkout"
    elif Path(found).resolve() != REPO / "pipeline" / "__init__.py":
        problem = f"the venv's pipeline is another checkout's ({found})"
    else:
        return folder
    message = f"{problem}: run `make install` (it installs the project into .venv, editable)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def cluster(installed, tmp_path_factory):
    """One scheduler and two workers of this venv, shared by the tests of this module that do not
    break their cluster on purpose."""
    c = Cluster(tmp_path_factory.mktemp("cluster"), [str(BIN / "dask")], 2)
    yield c
    c.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus and the store of its serial ingest."""
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder / "articles", N_CORPUS)
    return folder / "articles", _serial([folder / "articles"], f"sqlite:///{folder / 'serial.db'}")


def test_cluster_ingest_of_the_samples_equals_serial(tmp_path, cluster, installed):
    serial = _serial([SAMPLES], f"sqlite:///{tmp_path / 'serial.db'}")
    url = f"sqlite:///{tmp_path / 'cluster.db'}"
    proc = _ingest([SAMPLES], url, cluster.address, installed)
    assert proc.returncode == 0, proc.stderr + cluster.logs()
    assert proc.stdout.startswith(f"ingest: {N_SAMPLES} new articles, 0 already known, 0 failed;"), proc.stdout
    _assert_same_store(url, serial)


def test_cluster_worker_with_another_version_is_one_clear_line(tmp_path, installed):
    preload = tmp_path / "fake_version.py"
    preload.write_text(f"import pipeline\npipeline.__version__ = {FAKE_VERSION!r}\n", encoding="utf-8")
    c = Cluster(tmp_path / "cluster", [str(BIN / "dask")], 1, ("--preload", str(preload)))
    try:
        db = tmp_path / "t.db"
        proc = _ingest([SAMPLES], f"sqlite:///{db}", c.address, installed)
    finally:
        c.close()
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 1 and proc.stdout == ""
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: Dask worker tcp://127.0.0.1:")
    assert f"runs timeline {FAKE_VERSION}, this client {pipeline.__version__}" in lines[0]
    assert f"install timeline {pipeline.__version__} there" in lines[0] and "--ship-code" in lines[0]
    assert count_articles(db) == 0   # no article was sent


def _bare_env(folder: Path) -> Path:
    """A venv with every dependency of the project (this venv's site-packages, through a .pth file,
    which does not run the .pth files there: the editable install's hook stays out) but without the
    project itself."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    site = next(folder.glob("lib/python*/site-packages"))
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()
                and (Path(p) / "distributed").is_dir())
    (site / "dependencies.pth").write_text(ours + "\n", encoding="utf-8")
    return folder / "bin" / "python"


def test_cluster_ship_code_to_workers_without_the_project(tmp_path, installed):
    python = str(_bare_env(tmp_path / "bare"))
    check = subprocess.run([python, "-c", "import distributed, dateparser, pandas; import pipeline"],
                           cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert "No module named 'pipeline'" in check.stderr, check.stderr   # dependencies yes, project no
    serial = _serial([SAMPLES], f"sqlite:///{tmp_path / 'serial.db'}")
    c = Cluster(tmp_path / "cluster", [python, "-m", "dask"], 2)
    try:
        url = f"sqlite:///{tmp_path / 'cluster.db'}"
        plain = _ingest([SAMPLES], url, c.address, installed)
        assert plain.returncode == 1 and plain.stdout == ""
        lines = plain.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: the Dask scheduler at {c.address}"), plain.stderr
        assert "cannot import pipeline" in lines[0] and "--ship-code" in lines[0]
        shipped = _ingest([SAMPLES], url, c.address, installed, "--ship-code")
        assert shipped.returncode == 0, shipped.stderr + c.logs()
        assert shipped.stdout.startswith(f"ingest: {N_SAMPLES} new articles, 0 already known, 0 failed;")
        _assert_same_store(url, serial)
        # The workers run the uploaded copy, data files included, not this checkout.
        client = distributed.Client(c.address, timeout="20s", set_as_default=False)
        try:
            files = client.run(lambda: __import__("pipeline.paths").paths.data_dir().as_posix())
            assert len(files) == 2
            assert all("/timeline-" in f and f.endswith("/pipeline/data") and not f.startswith(str(REPO))
                       for f in files.values()), files
        finally:
            client.close()
        # A second run finds the code there and uploads nothing.
        uploads = c.logs(tail=10**7).count("timeline_code_")
        assert uploads >= 2   # the workers say which file they load
        again = _ingest([SAMPLES], f"sqlite:///{tmp_path / 'again.db'}", c.address, installed, "--ship-code")
        assert again.returncode == 0 and again.stdout.startswith(f"ingest: {N_SAMPLES} new articles")
        assert c.logs(tail=10**7).count("timeline_code_") == uploads
    finally:
        c.close()


def _worker_pids(address: str) -> dict:
    client = distributed.Client(address, timeout="20s", set_as_default=False)
    try:
        return client.run(os.getpid)
    finally:
        client.close()


def test_cluster_scheduler_stopped_mid_run_then_rerun(tmp_path, installed, corpus, cluster):
    folder, serial = corpus
    c = Cluster(tmp_path / "doomed", [str(BIN / "dask")], 1)
    db = tmp_path / "t.db"
    try:
        proc = _ingest_popen([folder], f"sqlite:///{db}", c.address, installed)
        partial = _wait_for_articles(db, 5, proc)
        c.kill(c.scheduler, signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        c.close()
    assert proc.returncode == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: lost the connection to the Dask scheduler at {c.address}")
    written = count_articles(db)
    assert partial <= written < N_CORPUS
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The same command on a (here: another) running cluster adds the rest, each article once.
    rerun = _ingest([folder], f"sqlite:///{db}", cluster.address, installed)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"ingest: {N_CORPUS - written} new articles, {written} already known, 0 failed")
    _assert_same_store(f"sqlite:///{db}", serial)


def test_cluster_worker_killed_mid_run_completes_on_the_other(tmp_path, installed, corpus, cluster):
    """SIGKILL to one worker command (its nanny and its worker process): Dask runs that worker's
    tasks on the other; every article is stored exactly once. Last in this module: it leaves the
    shared cluster with one worker."""
    folder, serial = corpus
    db = tmp_path / "t.db"
    proc = _ingest_popen([folder], f"sqlite:///{db}", cluster.address, installed)
    partial = _wait_for_articles(db, 10, proc)
    cluster.kill(cluster.workers[0])
    out, err = proc.communicate(timeout=90)
    assert partial < N_CORPUS, "the ingest finished before a worker could be killed"
    assert proc.returncode == 0, err + cluster.logs()
    assert out.startswith(f"ingest: {N_CORPUS} new articles, 0 already known, 0 failed;"), out
    _assert_same_store(f"sqlite:///{db}", serial)
    assert len(_worker_pids(cluster.address)) == 1
