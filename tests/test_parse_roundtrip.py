"""Round trip: real seed cards written in every layout the parser supports (random page
chrome, wrapping, indentation, missing optional fields, CRLF or LF, a capture cut off in
its last card) come back exactly as written, or the parser says where it stopped
understanding. `tests/cardwriter.py` is the small renderer that writes them."""

from __future__ import annotations

import random
import re
from pathlib import Path

from cardwriter import LAYOUTS, Card, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.models import Level
from generator.parse import parse_dump

MARKED_TITLES = {"firecrawl", "notebook", "trending markdown", "lynx"}
"""Layouts whose titles the page marks (a heading, a link to the paper)."""
SEEDS = sorted((Path(__file__).parent.parent / "content" / "dumps").glob("*.txt"))
ORGANISATIONS = ["Google", "Carnegie Mellon University", "OCC", "Kandinsky Lab", "ByteDance Seed"]
USERS = ["akhaliq", "taesiri", "nielsr", "vvasilev", "PSRben"]


def _seed_texts() -> list[tuple[str, str]]:
    """(title, abstract) of the seed papers, read with the seed layouts' own structure:
    the metadata cards of dump 001 (a title is the line before a blank line and a long
    line)."""
    pairs = []
    for path in SEEDS[:4]:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        for i in range(len(lines) - 2):
            title, blank, abstract = lines[i], lines[i + 1], lines[i + 2]
            if title and not blank and len(abstract) > 300 and 0 < len(title) < 200:
                pairs.append((title, abstract))
    return pairs


SEED_TEXTS = _seed_texts()


def _record(entry) -> dict[str, object]:
    return {
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
    }


@st.composite
def cards(draw: st.DrawFn) -> list[Card]:
    rng = random.Random(draw(st.integers(0, 2**32)))
    count = draw(st.integers(1, 6))
    result = []
    for index, (title, abstract) in enumerate(rng.sample(SEED_TEXTS, count)):
        if rng.random() < 0.2:  # two paragraphs, split at a sentence
            cut = [m.end() for m in re.finditer(r"\. (?=[A-Z])", abstract)]
            if cut:
                at = rng.choice(cut)
                abstract = abstract[: at - 1] + "\n\n" + abstract[at:]
        organisation = rng.choice(ORGANISATIONS) if rng.random() < 0.3 else None
        stars = rng.choice([None, rng.randint(1, 999), rng.randint(1, 300) * 10])
        result.append(
            Card(
                title=title,
                abstract=abstract,
                authors=None if organisation else rng.randint(1, 30),
                organisation=organisation,
                published=(rng.randint(1, 12), rng.randint(1, 28), rng.choice([None, 2024, 2026])),
                comments=rng.choice([None, None, rng.randint(1, 40)]),
                upvotes=rng.choice([None, 0, rng.randint(1, 900)]),
                github_stars=stars,
                github=f"https://github.com/lab/repo{index}" if stars else None,
                submitted_by=rng.choice([None, *USERS]),
                arxiv_id=f"26{rng.randint(1, 12):02d}.{rng.randint(10000, 99999)}",
            )
        )
    return result


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    drawn=cards(),
    seed=st.integers(0, 2**32),
    crlf=st.booleans(),
    trailing=st.sampled_from(["", " ", "\t", "  "]),
)
def test_every_layout_round_trips_exactly(
    layout: str, drawn: list[Card], seed: int, crlf: bool, trailing: str
) -> None:
    page = write(layout, drawn, random.Random(seed))
    text = page.text
    if trailing:
        text = "\n".join(line + trailing if line else line for line in text.split("\n"))
    if crlf:
        text = text.replace("\n", "\r\n")
    report = parse_dump(text, "page.txt")
    problems = [str(d) for d in report.diagnostics if d.level is not Level.INFO]
    assert problems == [], (layout, problems, page.text)
    records = [_record(e) for e in report.entries]
    assert records == page.expected, (layout, _difference(records, page.expected), page.text)
    for entry, (first, _) in zip(report.entries, page.card_lines, strict=True):
        assert first <= entry.source.line


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=st.sampled_from(sorted(LAYOUTS)), drawn=cards(), seed=st.integers(0, 2**32))
def test_a_capture_cut_off_in_its_last_card_is_exact_or_loud(
    layout: str, drawn: list[Card], seed: int
) -> None:
    rng = random.Random(seed)
    page = write(layout, drawn, rng)
    lines = page.text.split("\n")
    first, last = page.card_lines[-1]
    cut = rng.randint(first, last)  # the last line kept, 1-based
    text = "\n".join([*lines[: cut - 1], _cut_line(lines[cut - 1], rng)])
    report = parse_dump(text, "cut.txt")
    records = [_record(e) for e in report.entries]
    complete = len(page.expected) - 1
    expected = page.expected
    if layout == "lynx":  # the cut took the list of links at the end, and the arXiv ids
        expected = [{**record, "arxiv_id": None} for record in expected]
    # Every card before the cut one is exact.
    assert records[:complete] == expected[:complete], text
    flagged = [d for d in report.diagnostics if d.level in (Level.ERROR, Level.WARNING)]
    if flagged:
        assert all(d.source.line <= cut for d in flagged), text
        return
    if not any(_visible(line) for line in lines[first - 1 : cut]):
        assert records == expected[:complete], text  # nothing of the card is left to see
        return
    # Not reported: what the cut card shows is what was written, without what was cut
    # (nothing invented, nothing shifted). A cut the page cannot show (after a full
    # sentence of the abstract, or between the fields of a dump's only card) is silent.
    assert len(records) == len(expected), text
    got, want = records[-1], expected[-1]
    assert got["title"] == want["title"], text
    assert got["abstract"] is None or want["abstract"].startswith(got["abstract"]), text  # type: ignore[union-attr]
    for key in set(want) - {"title", "abstract"}:
        assert got[key] in (want[key], None), (key, text)


def _difference(got: list[dict], want: list[dict]) -> str:
    """The first field that differs, for a readable failure."""
    if len(got) != len(want):
        return f"{len(got)} records, {len(want)} written"
    for number, (a, b) in enumerate(zip(got, want, strict=True)):
        for key in b:
            if a[key] != b[key]:
                x, y = str(a[key]), str(b[key])
                pairs = enumerate(zip(x, y, strict=False))
                at = next((i for i, (p, q) in pairs if p != q), min(len(x), len(y)))
                x, y = x[max(0, at - 40) : at + 40], y[max(0, at - 40) : at + 40]
                return f"card {number} {key}: got …{x!r}…, written …{y!r}…"
    return "equal"


def _visible(line: str) -> bool:
    return bool(line.strip()) and not line.strip().startswith("<a ")


def _cut_line(line: str, rng: random.Random) -> str:
    """Keep a whole line, or cut a long line of text (a title or an abstract) mid-word."""
    if len(line) > 40 and rng.random() < 0.5 and not line.lstrip().startswith(("[", "#")):
        return line[: rng.randint(10, len(line) - 10)]
    return line


@settings(max_examples=200, deadline=None)
@given(layout=st.sampled_from(sorted(LAYOUTS)), drawn=cards(), seed=st.integers(0, 2**32))
def test_an_unknown_line_is_reported_at_its_line_and_stays_in_its_card(
    layout: str, drawn: list[Card], seed: int
) -> None:
    rng = random.Random(seed)
    page = write(layout, drawn, rng)
    lines = page.text.split("\n")
    card = rng.randrange(len(page.card_lines))
    first, last = page.card_lines[card]
    # An unknown element of the page is a block of its own: it goes before a line that
    # starts a block (a wrapped paragraph's lines cannot be told from each other).
    blocks = [n for n in range(first, last + 1) if n == first or not lines[n - 2].strip()]
    at = rng.choice(blocks)
    unknown = rng.choice(["Show more", "Loading comments", "🔥 Hot paper", "Sponsored"])
    lines[at - 1 : at - 1] = [unknown, ""] if layout != "compact" else [unknown]
    text = "\n".join(lines)
    report = parse_dump(text, "unknown.txt")
    errors = [(d.source.line, d.message) for d in report.errors]
    assert errors, text
    # Reported inside its own card, nowhere else; at its own line where the page marks
    # its titles (in a plain copy, a short line next to a title could be either).
    assert all(first - 2 <= line <= last + 2 for line, _ in errors), (text, errors)
    if layout in MARKED_TITLES:  # at its own line, or next to the label it stands under
        assert any(abs(line - at) <= 4 for line, _ in errors), (text, errors)
    # The other cards are unaffected.
    records = [_record(e) for e in report.entries]
    damaged = page.expected[card]  # and its copy, where a page prints cards twice
    for expected in page.expected:
        if expected != damaged:
            assert expected in records, (text, expected["title"])
