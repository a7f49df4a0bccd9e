"""Golden tests: the fixture corpus must render to exactly the committed tree in
tests/golden/. Regenerate with `pytest tests/test_golden.py --update-golden`, then review
the diff like any other change."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from conftest import GOLDEN_OUTPUT, fixture_settings

from generator.build import run


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_fixture_corpus_renders_the_golden_tree(tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "docs"
    run(fixture_settings(out))
    actual = _tree(out)
    if update_golden:
        shutil.rmtree(GOLDEN_OUTPUT, ignore_errors=True)
        shutil.copytree(out, GOLDEN_OUTPUT)
    expected = _tree(GOLDEN_OUTPUT)

    assert sorted(actual) == sorted(expected), "files missing from or extra to tests/golden/"
    for name, data in expected.items():
        if actual[name] != data:
            diff = "".join(
                difflib.unified_diff(
                    data.decode().splitlines(keepends=True),
                    actual[name].decode().splitlines(keepends=True),
                    f"golden/{name}",
                    f"generated/{name}",
                )
            )
            raise AssertionError(f"{name} differs from the golden copy:\n{diff}")


def test_generated_markdown_is_byte_identical_across_runs(tmp_path: Path) -> None:
    run(fixture_settings(tmp_path / "one"))
    run(fixture_settings(tmp_path / "two"))
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")
