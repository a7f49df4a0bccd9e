"""The code style is part of the suite, so CI enforces it (config: pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT, require

RUFF = shutil.which("ruff", path=str(ROOT / ".venv" / "bin")) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed by requirements-dev.txt")
@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "generator", "tests"]])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run([RUFF, *command], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


MYPY = shutil.which("mypy", path=str(ROOT / ".venv" / "bin")) or shutil.which("mypy")


def test_mypy_finds_no_type_error_in_the_generator() -> None:
    """The type checker, on the files and with the settings of pyproject.toml [tool.mypy]."""
    require(MYPY is not None, "mypy (requirements-dev.txt)")
    result = subprocess.run([MYPY], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_mypy_does_catch_a_type_error(tmp_path) -> None:
    require(MYPY is not None, "mypy (requirements-dev.txt)")
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def f(x: int) -> str:\n    return x\n")
    result = subprocess.run(
        [MYPY, "--no-incremental", "--config-file", str(ROOT / "pyproject.toml"), str(wrong)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Incompatible return value type" in result.stdout
