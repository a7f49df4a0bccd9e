"""The site from other builders: ProperDocs (the maintained MkDocs fork) with the same
config, and the three steps a builder without MkDocs hooks runs (README, "Builders")."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, make_project, require

pytestmark = pytest.mark.slow

GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def run(project: Path, *command: str, env: dict[str, str] | None = None):
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    environment.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=project,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return result


def differences(site: Path, reference: Path) -> list[str]:
    """Files that differ between two builds, beyond the `generator` meta tag."""
    names = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
    expected = {p.relative_to(reference) for p in reference.rglob("*") if p.is_file()}
    found = [f"only in one: {name}" for name in sorted(names ^ expected)]
    for name in sorted(names & expected):
        ours, theirs = (site / name).read_bytes(), (reference / name).read_bytes()
        if name.suffix == ".html":
            ours, theirs = GENERATOR_META.sub(b"", ours), GENERATOR_META.sub(b"", theirs)
        if ours != theirs:
            found.append(str(name))
    return found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("builders")
    return make_project(tmp, ROOT / "content" / "dumps", ROOT / "content" / "topics.yml")


def test_properdocs_builds_the_same_site_and_it_passes_the_site_checks(
    project: Path, seed_site: Path
) -> None:
    from sitecheck import VNU, broken_links, html_errors

    require(importlib.util.find_spec("properdocs") is not None, "properdocs")
    run(project, "properdocs", "build", "--strict", "--site-dir", "site-properdocs")
    site = project / "site-properdocs"
    meta = GENERATOR_META.search((site / "index.html").read_bytes())
    assert meta is not None and b"ProperDocs" in meta.group()
    assert differences(site, seed_site) == []
    assert broken_links(site) == []
    require(VNU.is_file() and shutil.which("java") is not None, "java and npm vnu-jar")
    assert html_errors(site) == []


def test_a_builder_without_hooks_gets_the_same_site_in_three_steps(
    project: Path, seed_site: Path
) -> None:
    """`paper-atlas build`, the builder, `paper-atlas index`: the nav comes from
    build/docs/.nav.yml (awesome-nav), search from the index step. Shown with MkDocs and
    its hook taken out of the config, as Zensical ignores hooks."""
    hookless = project.parent / "hookless"
    shutil.copytree(project, hookless, ignore=shutil.ignore_patterns("site*"))
    config = hookless / "mkdocs.yml"
    text = config.read_text()
    assert "hooks:\n  - generator/mkdocs_hook.py\n" in text
    config.write_text(text.replace("hooks:\n  - generator/mkdocs_hook.py\n", ""))
    shutil.rmtree(hookless / "build" / "docs" / "papers", ignore_errors=True)
    # The hook pins the build date to the newest capture date (none in the seeds: 0).
    run(hookless, "generator", "build", "--strict")
    run(hookless, "mkdocs", "build", "--strict", env={"SOURCE_DATE_EPOCH": "0"})
    assert not (hookless / "site" / "pagefind").exists()
    run(hookless, "generator", "index", "site")
    assert differences(hookless / "site", seed_site) == []
