"""`tests/tools/prereqs.py`: what make checks before it installs anything."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("prereqs", ROOT / "tests" / "tools" / "prereqs.py")
assert spec and spec.loader
prereqs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prereqs)


def test_an_old_python_is_refused_with_one_line_that_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "version_info", (3, 10, 12, "final", 0))
    (problem,) = prereqs.missing_for("python")
    assert problem.startswith("Python 3.10 is too old: Paper Atlas needs Python 3.11 or newer")
    assert "PYTHON=python3.11" in problem


def test_make_test_names_each_missing_tool_and_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(prereqs.shutil, "which", lambda name: None)
    monkeypatch.delenv("CHROMIUM", raising=False)
    problems = prereqs.missing_for("test")
    assert [p.split(" is missing")[0] for p in problems] == ["npm", "Java", "Chromium"]
    assert all("apt-get install" in p for p in problems)
    assert prereqs.missing_for("python") == []  # serve, site and check need none of them
