"""The README documents every command, every flag, every column and both set-up commands."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from pipeline.records import EVENT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_docs_readme_documents_every_command(command):
    assert f"`{command} " in README or f"`{command}`" in README


@pytest.mark.parametrize("command,flag", sorted(
    (name, opt) for name, sub in _subcommands().items() for a in sub._actions
    for opt in a.option_strings if opt.startswith("--") and opt not in ("--help", "--no-progress")
))
def test_docs_readme_documents_every_flag(command, flag):
    assert flag in README


@pytest.mark.parametrize("column", EVENT_COLUMNS)
def test_docs_readme_documents_every_column(column):
    assert f"`{column}`" in README


@pytest.mark.parametrize("command", ["make run", "make test"])
def test_docs_readme_shows_the_two_commands(command):
    assert command in README


def test_docs_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("module", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pipeline").glob("*.py")
                                          if p.name not in ("__init__.py", "__main__.py")))
def test_docs_readme_lists_every_pipeline_module(module):
    # "How it is built" gives each room of the pipeline one line: a new module needs its line.
    built = README.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    assert f"    {module} " in built


def test_docs_readme_documents_every_url_parameter():
    from ui.urlstate import _KNOWN
    for key in sorted(_KNOWN):
        assert f"`{key}" in README, key
