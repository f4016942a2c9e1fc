"""The project as an installable package: one version, pins that agree with requirements.txt, and a
non-editable install that finds its data files with no checkout anywhere near."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import pipeline
from pipeline.paths import data_dir, data_files

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SEED = REPO / "data" / "articles" / "carney-china.txt"


def _requirements() -> set[str]:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def test_package_version_has_one_source():
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "pipeline.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", pipeline.__version__)


def test_package_dependencies_are_pinned_as_in_requirements():
    project = PYPROJECT["project"]
    declared = list(project["dependencies"]) + [d for extra in project["optional-dependencies"].values()
                                                for d in extra]
    assert set(declared) <= _requirements(), set(declared) - _requirements()
    assert all("==" in d for d in declared)
    names = {re.split(r"[\[=]", d)[0].lower() for d in project["dependencies"]}
    assert {"distributed", "dask", "pandas", "dateparser", "trafilatura"} <= names
    assert "streamlit" not in names   # the dashboard is an extra: cluster machines do not need it


def test_package_data_dir_of_the_checkout():
    assert data_dir() == REPO / "data"
    shipped = {p.parts[0] for p in data_files()}
    assert shipped == {p.name for p in (REPO / "data").iterdir() if p.is_dir()} - {"articles"}
    listed = PYPROJECT["tool"]["setuptools"]["package-data"]["pipeline.data"]
    assert sorted(listed) == sorted(f"{name}/*" for name in shipped)


def _source_copy(folder: Path) -> Path:
    """What a fresh clone holds of the package's sources (no stores, caches or build leftovers)."""
    src = folder / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "timeline.db*", "*.egg-info", "build")
    for name in ("pipeline", "ui", "data"):
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    return src


@pytest.mark.timeout(180)
def test_package_installed_without_checkout_finds_its_data(tmp_path):
    """``pip install --no-deps --target``, then the pipeline from a folder outside the checkout with
    only that install on PYTHONPATH: it reads its data files from the package, and its output is
    the checkout's."""
    target = tmp_path / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--no-deps", "--no-compile", "--target", str(target), str(_source_copy(tmp_path))],
                           cwd=tmp_path, capture_output=True, text=True, timeout=170)
    assert build.returncode == 0, build.stderr
    installed = target / "pipeline" / "data"
    assert sorted(p.relative_to(installed) for p in installed.rglob("*") if p.is_file()) == data_files()
    assert not (target / "pipeline" / "data" / "articles").exists() and not (target / "data").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TIMELINE_DB")}
    env["PYTHONPATH"] = str(target)
    where = subprocess.run([sys.executable, "-c", "import pipeline.paths as p, pipeline.engine as e; "
                            "print(p.data_dir()); print(p.checkout_dir()); print(e.default_db_url())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.splitlines() == [str(installed), "None", f"sqlite:///{elsewhere / 'timeline.db'}"], where.stderr
    cmd = ["-m", "pipeline", "extract", str(SEED), "--published", "2026-01-13", "--format", "jsonl"]
    run = subprocess.run([sys.executable, *cmd], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    ours = subprocess.run([sys.executable, *cmd], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.stdout == ours.stdout and len(run.stdout.splitlines()) > 5
