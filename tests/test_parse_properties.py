"""Property-based tests: whatever happens to real entries on the way into a dump
(interleaving, whitespace, line endings, truncation), the parser never crashes, never
invents a paper, and every line is accounted for."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.corpus import normalise_title
from generator.models import LineKind
from generator.parse import parse_dump

SEEDS = sorted((Path(__file__).parent.parent / "content" / "dumps").glob("*.txt"))
SEED_TEXT = SEEDS[1].read_text(encoding="utf-8")  # the dump with metadata cards
HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"


def _cards(text: str) -> list[list[str]]:
    """The seed's cards (title, abstract, metadata lines) as lists of lines."""
    report = parse_dump(text, "seed.txt")
    lines = text.split("\n")
    starts = [e.source.line - 1 for e in report.entries] + [len(lines)]
    return [[line for line in lines[a:b] if line.strip()] for a, b in itertools.pairwise(starts)]


CARDS = _cards(SEED_TEXT)
KNOWN_TITLES = {normalise_title(card[0]) for card in CARDS}


@st.composite
def dumps(draw: st.DrawFn) -> str:
    cards = draw(st.lists(st.sampled_from(CARDS), min_size=1, max_size=12))
    separator = draw(st.sampled_from(["\n", "\n\n", "\n\n\n"]))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    pad = draw(st.sampled_from(["", " ", "\t", "  \t "]))
    lines = [line for card in cards for line in [*card, ""] if line or separator != "\n"]
    body = separator.join(lines) if separator != "\n" else "\n".join(lines)
    body = body[: draw(st.integers(min_value=0, max_value=len(body)))]  # a capture cut off
    text = HEADER + body
    text = "\n".join(pad + line + pad if draw(st.booleans()) else line for line in text.split("\n"))
    return text.replace("\n", eol)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_parser_never_crashes_invents_or_loses_lines(text: str) -> None:
    report = parse_dump(text, "random.txt")
    assert len(report.line_kinds) == report.line_count
    flagged = {d.source.line for d in report.diagnostics}
    for entry in report.entries:
        key = normalise_title(entry.title)
        # A title cut off by the capture is a prefix of a real one and is flagged (no
        # abstract); anything else would be an invented paper.
        known = key in KNOWN_TITLES or any(t.startswith(key) for t in KNOWN_TITLES)
        assert known, entry.title
        assert key in KNOWN_TITLES or entry.source.line in flagged, entry.title
    assert unreported_lines(report.line_kinds, flagged) == set()


def unreported_lines(kinds: tuple[LineKind, ...], flagged: set[int]) -> set[int]:
    """Unexplained lines with no diagnostic at their own line, nor at the first line of
    the run of unexplained lines they belong to (a paragraph wrapped over several lines
    is one unexplained text, reported once where it starts)."""
    missing: set[int] = set()
    reported_run = False
    for number, kind in enumerate(kinds, start=1):
        if kind is not LineKind.UNEXPLAINED:
            reported_run = False
            continue
        if number in flagged:
            reported_run = True
        elif not reported_run:
            missing.add(number)
    return missing


def test_unreported_lines_counts_a_run_reported_at_its_start() -> None:
    U, T = LineKind.UNEXPLAINED, LineKind.TITLE
    assert unreported_lines((T, U, U, T, U), {2}) == {5}
    assert unreported_lines((U, U), {2}) == {1}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_parser_never_crashes_on_arbitrary_text(text: str) -> None:
    report = parse_dump(text, "noise.txt")
    assert len(report.line_kinds) == report.line_count
    for diagnostic in report.diagnostics:
        assert 1 <= diagnostic.source.line <= max(report.line_count, 1)
    # No listing chrome: no paper may come out of random text without being flagged.
    if report.entries and not re.search(r"Subscribe|Get trending|authors|·", text):
        assert report.errors
