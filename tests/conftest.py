from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN_INPUT = FIXTURES / "golden"
GOLDEN_OUTPUT = ROOT / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the fixture dumps instead of comparing (review the diff)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def fixture_settings(out: Path, **overrides) -> Settings:
    """Settings for the golden fixture corpus, paths shown relative to the repository."""
    values = {
        "dumps": GOLDEN_INPUT / "dumps",
        "topics": GOLDEN_INPUT / "topics.yml",
        "out": out,
        "root": ROOT,
    }
    values.update(overrides)
    return Settings(**values)


def seed_settings(out: Path, **overrides) -> Settings:
    values = {
        "dumps": ROOT / "content" / "dumps",
        "topics": ROOT / "content" / "topics.yml",
        "out": out,
        "root": ROOT,
    }
    values.update(overrides)
    return Settings(**values)


def require(available: bool, what: str) -> None:
    """Skip a test whose tool is missing on a developer's machine; fail it in CI, where
    `.ci/run` installs every tool, so a check can never silently stop running."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run should have installed it")
    pytest.skip(f"{what} is not installed (make test installs it)")


MKDOCS = [sys.executable, "-m", "mkdocs"]


def make_project(tmp_path: Path, dumps: Path, topics: Path) -> Path:
    """mkdocs.yml, overrides and the generator of this repository, with the given inputs."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(
        ROOT / "generator", project / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(dumps, project / "content" / "dumps")
    shutil.copy(topics, project / "content" / "topics.yml")
    (project / "build" / "docs").mkdir(parents=True)
    for name in (".gitignore", ".paper-atlas-output"):  # the tracked files of build/docs
        shutil.copy(ROOT / "build" / "docs" / name, project / "build" / "docs" / name)
    return project


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    return subprocess.run(
        [*MKDOCS, "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("seed")
    project = make_project(tmp, ROOT / "content" / "dumps", ROOT / "content" / "topics.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return project / "site"


CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
"""$CHROMIUM (the publishing workflow points it at the runner's Chrome), else Debian's."""
# The flags the machine notes give for a sandbox with a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """One browser for the session: Playwright's sync API allows one driver at a time."""
    require(Path(CHROMIUM).exists(), "Debian's chromium (or $CHROMIUM)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
