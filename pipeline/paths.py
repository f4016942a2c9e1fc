"""Ground floor: where the pipeline finds its data files and the default store.

Nothing here imports another module of the project, so every stage may import it. The data files
(gazetteers, taxonomies, knowledge base, lexicons) are found in one of two places:

* installed as a package (``pip install .``, or shipped to a cluster with ``ingest --ship-code``):
  ``pipeline/data/`` inside the package, where pyproject.toml puts the checkout's ``data/``;
* in a checkout (``make install``'s editable install, ``PYTHONPATH``, or run from the checkout):
  the checkout's top-level ``data/`` folder, beside ``pipeline/``.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The sample articles live in data/ but the pipeline does not need them to run: not shipped.
SAMPLE_FOLDERS = ("articles",)


def checkout_dir() -> Path | None:
    """The checkout this package runs from (the folder holding ``pipeline/`` and ``data/``), or None
    when it runs from an installed copy."""
    if (PACKAGE_DIR / "data").is_dir():
        return None
    root = PACKAGE_DIR.parent
    return root if (root / "data").is_dir() else None


def data_dir() -> Path:
    """The folder holding the data files: ``geo/``, ``actors/``, ``cameo/``, ``clean/``..."""
    packaged = PACKAGE_DIR / "data"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "data"


def data_files(root: Path | None = None) -> list[Path]:
    """Every data file the pipeline may read (what a wheel or ``--ship-code`` carries), relative to
    ``root`` (default: ``data_dir()``): the files of its sub-folders, except the sample articles,
    hidden files and stores."""
    root = root or data_dir()
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in SAMPLE_FOLDERS
                         and not p.name.startswith(".")):
        out += sorted(p.relative_to(root) for p in folder.rglob("*")
                      if p.is_file() and not p.name.startswith(".") and "__pycache__" not in p.parts)
    return out


def default_store_file() -> Path:
    """The embedded SQLite store: ``data/timeline.db`` of the checkout; ``timeline.db`` in the current
    folder when the package is installed (never inside site-packages)."""
    root = checkout_dir()
    return root / "data" / "timeline.db" if root is not None else Path.cwd() / "timeline.db"
