from __future__ import annotations

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
    import os

    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: .ci/run should have installed it")
    pytest.skip(f"{what} is not installed (make test installs it)")
