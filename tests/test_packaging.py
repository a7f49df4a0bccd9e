"""Issue 16: Paper Atlas installs as a tool. `pip install .` builds the `paper-atlas`
distribution (the importable package stays `generator/`), whose `paper-atlas` command
runs from the installed copy; its dependencies are requirements.in's ranges."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def ranges(path: Path) -> list[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def tracked_copy(target: Path) -> Path:
    """The repository's tracked files, as a fresh clone has them."""
    names = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    for name in names:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes((ROOT / name).read_bytes())
    return target


def test_pyproject_declares_the_dependencies_of_requirements_in() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["dependencies"] == ranges(ROOT / "requirements.in")
    assert project["scripts"] == {"paper-atlas": "generator.cli:main"}
    assert (ROOT / project["license"]["file"]).read_text().startswith("MIT License")


def test_pip_install_gives_a_paper_atlas_command_that_runs(tmp_path: Path) -> None:
    """Installed into a target directory (no dependencies: this environment has them, and
    CI checks the pins); the command must import the installed copy, templates included,
    not this checkout."""
    source = tracked_copy(tmp_path / "source")  # pip builds in place: not in the checkout
    installed = tmp_path / "installed"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
         str(installed), str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (installed / "generator" / "templates" / "paper.md.j2").is_file()
    command = installed / "bin" / "paper-atlas"
    env = {**os.environ, "PYTHONPATH": str(installed)}
    usage = subprocess.run(
        [str(command), "--help"], capture_output=True, text=True, env=env, check=False
    )
    assert usage.returncode == 0 and usage.stdout.startswith("usage: paper-atlas ")
    version = subprocess.run(
        [str(command), "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert version.stdout == "paper-atlas 0.1.0\n"
    check = subprocess.run(
        [str(command), "check"], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )
    assert check.returncode == 0, check.stderr
    assert check.stderr.splitlines()[-1].startswith("OK: 5 dumps, 466 papers")
    imported = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert imported.stdout.startswith(str(installed))


def test_pip_install_in_a_fresh_venv_brings_the_dependencies_and_a_working_command(
    tmp_path: Path,
) -> None:
    """What a user runs: a new virtual environment, `pip install .`, and the command builds
    the Markdown tree from the dumps (dependencies resolved from pyproject.toml's ranges)."""
    source = tracked_copy(tmp_path / "source")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(source)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = tmp_path / "docs"
    build = subprocess.run(
        [str(venv / "bin" / "paper-atlas"), "build", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    assert len(list((out / "papers").glob("*.md"))) == 466
    assert (out / ".nav.yml").is_file() and (out / "feed.json").is_file()
    versions = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "paper-atlas==0.1.0" in versions and "mkdocs-awesome-nav==" in versions


def test_make_alone_lists_the_targets_and_make_clean_leaves_only_tracked_files(
    tmp_path: Path,
) -> None:
    repo = tracked_copy(tmp_path / "repo")
    listing = subprocess.run(["make", "-s"], cwd=repo, capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    targets = [line.split()[1] for line in listing.stdout.splitlines() if line.startswith("make ")]
    assert targets == ["serve", "site", "test", "check", "linkcheck", "lock", "clean"]
    before = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())
    # Bytecode too is generated: let the build write it, and clean remove it.
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": ""}
    subprocess.run(
        [sys.executable, "-m", "generator", "build", "-q"], cwd=repo, env=env, check=True
    )
    assert len(list((repo / "build" / "docs").rglob("*.md"))) > 466
    subprocess.run(["make", "-s", "clean"], cwd=repo, check=True, capture_output=True)
    after = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())
    # content/slugs.tsv is the build's one output meant to be committed; it is tracked.
    assert after == before
