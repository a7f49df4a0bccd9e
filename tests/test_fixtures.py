"""One fixture dump per page variant (tests/fixtures/dumps/), each parsed the way the build
reads it, and compared with the records a reader of that page would write down."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import read_dump
from generator.corpus import build_corpus
from generator.models import Level, LineKind
from generator.parse import parse_dump

FIXTURES = Path(__file__).parent / "fixtures" / "dumps"

# title, abstract (start), authors, organisation, published, upvotes, comments, stars
EXPECTED = {
    "daily_upvotes.txt": [
        ("Sparse Upvoted Transformers", "We make", 5, None, "2026-10-04", 42, None, 1320),
        ("A Paper Nobody Upvoted", "One sentence", 3, None, "2026-10-03", 0, 4, None),
        ("Third Card", "Third abstract", 1, None, "--10-02", 1204, None, None),
    ],
    "trending.txt": [
        ("Agentic Retrieval at Scale", "A retrieval agent", 7, None, "2026-10-04", 128, None, 1320),
        ("Tiny Recursive Models", "A 7M-parameter", 1, None, "2026-10-06", 0, None, 312),
        ("Agentic Retrieval at Scale", "A retrieval agent", 7, None, "2026-10-04", 128, None, 1320),
    ],
    "text_browser_wrapped.txt": [
        (
            "Sparse Attention for Long-Context Language Models",
            "We study",
            6,
            None,
            "2020-06-01",
            None,
            None,
            None,
        ),
        ("A Short Title", "A one-line abstract.", 2, None, "2020-06-02", None, 3, None),
    ],
    "search_query.txt": [
        (
            "Sparsity-Constrained Optimal Transport",
            "Regularized optimal",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "Constraint Programming for Scheduling",
            "Constraint programming",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    ],
    "search_query_bare.txt": [
        (
            "Scaling physics-informed hard constraints with mixture-of-experts",
            "Imposing known",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "COMET: Learning Cardinality Constrained Mixture of Experts",
            "The sparse",
            None,
            None,
            None,
            None,
            None,
            None,
        ),
    ],
    "crlf_bom.txt": [
        (
            "A Windows Copy With Tabs",
            "An abstract saved with CRLF",
            3,
            None,
            "2024-05-02",
            None,
            5,
            None,
        ),
    ],
    "missing_abstract.txt": [
        ("A Card Whose Abstract Is Missing", None, 4, None, "2025-09-09", None, None, None),
        ("The Next Card", "Its abstract is here.", 2, None, "2025-09-08", None, 1, None),
    ],
    "truncated.txt": [
        ("A Complete Card", "Its abstract is complete.", None, None, None, None, None, None),
    ],
}

# (line, level, start of message) of every diagnostic each fixture must produce.
DIAGNOSTICS = {
    "missing_abstract.txt": [(7, Level.WARNING, "title with no abstract")],
    "truncated.txt": [(11, Level.ERROR, "the dump ends after a title with no abstract")],
}


def parse_fixture(name: str):
    path = FIXTURES / name
    return parse_dump(read_dump(path, name), name)


def test_every_fixture_is_covered() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_the_expected_records(name: str) -> None:
    report = parse_fixture(name)
    records = [
        (
            e.title,
            e.abstract[: len(expected[1])] if e.abstract and expected[1] else e.abstract,
            e.authors,
            e.organisation,
            e.published.iso() if e.published else None,
            e.upvotes,
            e.comments,
            e.github_stars,
        )
        for e, expected in zip(report.entries, EXPECTED[name], strict=False)
    ]
    assert records == EXPECTED[name]
    assert len(report.entries) == len(EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_accounts_for_every_line(name: str) -> None:
    report = parse_fixture(name)
    assert len(report.line_kinds) == report.line_count
    found = [(d.source.line, d.level) for d in report.diagnostics]
    expected = DIAGNOSTICS.get(name, [])
    assert found == [(line, level) for line, level, _ in expected]
    for diagnostic, (_, _, message) in zip(report.diagnostics, expected, strict=True):
        assert diagnostic.message.startswith(message)
    unexplained = {i + 1 for i, k in enumerate(report.line_kinds) if k is LineKind.UNEXPLAINED}
    assert unexplained <= {d.source.line for d in report.diagnostics}


def test_search_pages_keep_the_query_they_echo() -> None:
    assert parse_fixture("search_query.txt").query == "constraints"
    bare = parse_fixture("search_query_bare.txt")
    assert bare.query == "mixture of experts"
    assert bare.line_kinds[6] is LineKind.SEARCH_QUERY


def test_a_card_printed_twice_merges_into_one_paper() -> None:
    corpus = build_corpus([parse_fixture("trending.txt")])
    assert len(corpus.papers) == 2
    paper = corpus.papers["agentic-retrieval-at-scale"]
    assert [s.line for s in paper.sources] == [7, 25]  # the title lines
    assert [s.value for s in paper.upvotes] == [128, 128]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_is_chrome_blank_metadata_or_part_of_a_paper(name: str) -> None:
    report = parse_fixture(name)
    # The health page's columns must add up to the line count: no kind of line is left out.
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
