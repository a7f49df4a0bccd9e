"""Fixture dumps as data: each case is a dump and, beside it, the records a reader of that
page writes down (`<name>.expected.jsonl`: the page, every entry with every field, every
diagnostic), compared with what the parser makes of it.

- `tests/fixtures/dumps/`: one file per layout or edge case (browser copies, text
  browsers, Markdown from crawlers and clippers, notebook exports, whole-page copies,
  cut-off captures, pages the parser must refuse).
- `tests/fixtures/captures/`: real captures as other people's tools saved them (see the
  README beside them), with expected records written by reading each page.

After an intended change, regenerate and review the diff:
`.venv/bin/python -m pytest tests/test_fixtures.py --update-golden`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import read_dump
from generator.models import DumpReport, Entry, LineKind
from generator.parse import parse_dump

FIXTURES = Path(__file__).parent / "fixtures"
FOLDERS = (FIXTURES / "dumps", FIXTURES / "captures")
SUFFIX = ".expected.jsonl"


def fixture_dumps() -> list[Path]:
    return sorted(
        path
        for folder in FOLDERS
        for path in folder.iterdir()
        if path.suffix in (".txt", ".md") and not path.name.startswith("README")
    )


def entry_record(entry: Entry) -> dict[str, object]:
    return {
        "type": "entry",
        "line": entry.source.line,
        "title": entry.title,
        "abstract": entry.abstract,
        "authors": entry.authors,
        "organisation": entry.organisation,
        "published": entry.published.iso() if entry.published else None,
        "upvotes": entry.upvotes,
        "comments": entry.comments,
        "github_stars": entry.github_stars,
        "github": entry.github_repo,
        "submitted_by": entry.submitted_by,
        "arxiv_id": entry.arxiv_id,
        # What only a saved paper page shows: only when there (listing records stay as
        # they were written).
        **({"author_names": list(entry.author_names)} if entry.author_names else {}),
        **({"ai_summary": entry.ai_summary} if entry.ai_summary else {}),
        **({"project_page": entry.project_page} if entry.project_page else {}),
    }


def records(report: DumpReport) -> list[dict[str, object]]:
    page = {
        "type": "page",
        "page_date": report.page_date.iso() if report.page_date else None,
        "query": report.query,
        "kind": report.kind,
        "period": report.period,
        "captured": report.captured.isoformat() if report.captured else None,
    }
    diagnostics = [
        {"type": "diagnostic", "line": d.source.line, "level": d.level.value, "message": d.message}
        for d in report.diagnostics
    ]
    return [page, *(entry_record(e) for e in report.entries), *diagnostics]


def parse_fixture(path: Path) -> DumpReport:
    return parse_dump(read_dump(path, path.name), path.name)


def expected_path(path: Path) -> Path:
    return path.with_name(path.stem + SUFFIX)


@pytest.mark.parametrize("path", fixture_dumps(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_parses_to_its_expected_records(path: Path, update_golden: bool) -> None:
    found = records(parse_fixture(path))
    target = expected_path(path)
    if update_golden:
        target.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found), encoding="utf-8"
        )
    expected = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    for number, (got, want) in enumerate(zip(found, expected, strict=False)):
        assert got == want, f"{target.name}, record {number + 1}:\n{_difference(got, want)}"
    assert len(found) == len(expected), f"{len(found)} records, {len(expected)} expected"


def _difference(got: dict, want: dict) -> str:
    keys = sorted(set(got) | set(want), key=lambda k: list(want).index(k) if k in want else 99)
    return "\n".join(
        f"  {key}: got {got.get(key)!r:.300}\n  {' ' * len(key)}  expected {want.get(key)!r:.300}"
        for key in keys
        if got.get(key) != want.get(key)
    )


def test_every_fixture_has_expected_records_and_every_expectation_a_fixture() -> None:
    dumps = {expected_path(p) for p in fixture_dumps()}
    expectations = {p for folder in FOLDERS for p in folder.glob(f"*{SUFFIX}")}
    assert dumps == expectations


@pytest.mark.parametrize("path", fixture_dumps(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_accounts_for_every_line(path: Path) -> None:
    report = parse_fixture(path)
    assert len(report.line_kinds) == report.line_count
    unexplained = {i + 1 for i, k in enumerate(report.line_kinds) if k is LineKind.UNEXPLAINED}
    refused = not report.entries and report.errors  # the whole dump, named at one line
    assert refused or unexplained <= {d.source.line for d in report.errors}
    # The health page's columns add up to the line count: no kind of line is left out.
    kinds = {kind: report.count(kind) for kind in LineKind}
    assert (
        report.chrome_lines
        + kinds[LineKind.BLANK]
        + kinds[LineKind.METADATA]
        + kinds[LineKind.TITLE]
        + kinds[LineKind.ABSTRACT]
        + kinds[LineKind.UNEXPLAINED]
        == report.line_count
    )


@pytest.mark.parametrize("path", fixture_dumps(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_fixture_either_parses_cleanly_or_names_the_line_it_stopped_at(path: Path) -> None:
    report = parse_fixture(path)
    for diagnostic in report.errors:
        assert 1 <= diagnostic.source.line <= report.line_count
    if not report.errors:
        assert report.entries, "no error and no paper: a dump that says nothing"


def test_a_card_printed_twice_merges_into_one_paper() -> None:
    from generator.corpus import build_corpus

    corpus = build_corpus([parse_fixture(FIXTURES / "dumps" / "trending.txt")])
    assert len(corpus.papers) == 2
    paper = corpus.papers["agentic-retrieval-at-scale"]
    assert [s.line for s in paper.sources] == [7, 25]  # the title lines
    assert [s.value for s in paper.upvotes] == [128, 128]
