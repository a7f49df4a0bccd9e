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
from conftest import GOLDEN_INPUT, ROOT, make_project, require

pytestmark = pytest.mark.slow

GENERATOR_META = re.compile(rb'<meta name="generator" content="[^"]*">')


def run(project: Path, *command: str, env: dict[str, str] | None = None):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("SITE_URL", "SOURCE_DATE_EPOCH")
    }
    environment.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
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


def test_a_builder_without_hooks_gets_the_same_site_in_three_steps(tmp_path: Path) -> None:
    """`paper-atlas build`, the builder with `SOURCE_DATE_EPOCH=$(paper-atlas epoch)`,
    `paper-atlas index site`: the nav comes from build/docs/.nav.yml (awesome-nav), the
    feeds' absolute links from SITE_URL, the dates from the dumps, search from the index
    step. Shown with MkDocs and its hook taken out of the config (Zensical ignores hooks),
    on dumps that carry capture dates, published under a path."""
    published = {"SITE_URL": "https://example.org/atlas/"}
    (tmp_path / "hooked").mkdir()
    (tmp_path / "hookless").mkdir()
    hooked = make_project(tmp_path / "hooked", GOLDEN_INPUT / "dumps", GOLDEN_INPUT / "topics.yml")
    run(hooked, "mkdocs", "build", "--strict", env=published)
    hookless = make_project(
        tmp_path / "hookless", GOLDEN_INPUT / "dumps", GOLDEN_INPUT / "topics.yml"
    )
    config = hookless / "mkdocs.yml"
    text = config.read_text()
    assert "hooks:\n  - generator/mkdocs_hook.py\n" in text
    config.write_text(text.replace("hooks:\n  - generator/mkdocs_hook.py\n", ""))

    run(hookless, "generator", "build", "--strict", env=published)
    epoch = run(hookless, "generator", "epoch").stdout.strip()
    assert epoch == "1793577600"  # 2026-11-02, the newest capture date of the fixtures
    run(hookless, "mkdocs", "build", "--strict", env={**published, "SOURCE_DATE_EPOCH": epoch})
    assert not (hookless / "site" / "pagefind").exists()
    run(hookless, "generator", "index", "site")

    assert differences(hookless / "site", hooked / "site") == []
    feed = (hookless / "site" / "feed.xml").read_text()
    assert "<link>https://example.org/atlas/papers/" in feed
    assert "2026-11-02" in (hookless / "site" / "sitemap.xml").read_text()
