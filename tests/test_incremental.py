"""A new dump rewrites only what it changes, so `mkdocs serve` reloads quickly and an
unchanged page keeps its mtime."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, seed_settings

from generator.build import run

NEW_DUMP = (
    "Subscribe\n\nA Brand New Paper on Quantum Error Correction\n\n"
    "We correct quantum errors with a new code.\n"
)


def test_one_new_dump_rewrites_only_the_pages_it_changes(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    shutil.copytree(ROOT / "content" / "dumps", dumps)
    out = tmp_path / "docs"
    first = run(seed_settings(out, dumps=dumps))
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    (dumps / "005_new.txt").write_text(NEW_DUMP)
    second = run(seed_settings(out, dumps=dumps))

    written = set(second.written.written)
    slug = "a-brand-new-paper-on-quantum-error-correction"
    # What the new paper touches: its page, its topic's page, feed and bibliography, the
    # home page, the site feed, the exports, the archive and the health page...
    for expected in (
        f"papers/{slug}.md", "topics/quantum/index.md", "topics/quantum/feed.xml",
        "exports/topics/quantum.bib", "index.md", "feed.xml", "exports/papers.json",
        "health.md", "archive/undated/index.md",
    ):  # fmt: skip
        assert expected in written, expected
    # ...and papers whose related-papers list changed. Everything else keeps its bytes and
    # its mtime. (Measured: 40 of 620 files written.)
    assert len(written) < 0.1 * (second.written.unchanged + len(written))
    untouched = [p for p, stamp in stamps.items() if p.stat().st_mtime_ns == stamp]
    assert len(untouched) == second.written.unchanged
    assert all(str(p.relative_to(out)) not in written for p in untouched)
    assert second.written.deleted == ()
    assert len(second.corpus.papers) == len(first.corpus.papers) + 1
    assert "files written" in second.summary()


def test_runs_leave_no_frozen_objects_behind(tmp_path: Path, monkeypatch) -> None:
    """The generator freezes the corpus for the collector during a run; `mkdocs serve`
    runs it again and again in one process, so every run, even a failed one, unfreezes."""
    import gc

    from generator import build

    before = gc.get_freeze_count()
    run(seed_settings(tmp_path / "out"))
    assert gc.get_freeze_count() == before

    def broken(site):
        raise RuntimeError("render failed")

    monkeypatch.setattr(build, "render_site", broken)
    with pytest.raises(RuntimeError):
        run(seed_settings(tmp_path / "out"))
    assert gc.get_freeze_count() == before
