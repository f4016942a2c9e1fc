"""Scale-out: ingest through a real Dask distributed cluster on loopback, same result as one process."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.ingest import run_ingest
from pipeline.store import open_store
from helpers import write_sample_folder

distributed = pytest.importorskip("distributed")


def _snapshot(url: str) -> tuple[dict, pd.DataFrame]:
    with open_store(url) as s:
        return s.counts(), s.events_frame().sort_values("event_id").reset_index(drop=True)


@pytest.mark.timeout(120)
def test_dask_ingest_through_local_cluster_equals_serial(tmp_path, capsys):
    folder = write_sample_folder(tmp_path, 8)
    serial = f"sqlite:///{tmp_path / 'serial.db'}"
    assert run_ingest([str(folder)], serial, None, 0, None, progress=False) == 0
    cluster_db = f"sqlite:///{tmp_path / 'cluster.db'}"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, local_directory=str(tmp_path / "dask")) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        assert run_ingest([str(folder)], cluster_db, None, None, address, progress=False) == 0
        out = capsys.readouterr().out
        assert out.startswith("ingest: 8 new articles, 0 already known, 0 failed;")
        # Again through the cluster: nothing new.
        assert run_ingest([str(folder)], cluster_db, None, None, address, progress=False) == 0
        assert capsys.readouterr().out.startswith("ingest: 0 new articles, 8 already known, 0 failed;")
    counts_s, events_s = _snapshot(serial)
    counts_c, events_c = _snapshot(cluster_db)
    assert counts_c == counts_s and counts_s["articles"] == 8
    pd.testing.assert_frame_equal(events_c, events_s)


def test_dask_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pipeline.cluster.DASK_CONNECT_TIMEOUT", "2s")
    folder = write_sample_folder(tmp_path, 1)
    code = run_ingest([str(folder)], f"sqlite:///{tmp_path / 'x.db'}", None, None, "tcp://127.0.0.1:9",
                      progress=False)
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("error: cannot reach Dask scheduler tcp://127.0.0.1:9") and "\n" not in err
