"""The code style is part of the suite, so CI enforces it (config: pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT

RUFF = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed by requirements-dev.txt")
@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "generator", "tests"]])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run([RUFF, *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
