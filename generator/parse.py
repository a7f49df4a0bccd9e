"""Turn the text of one dump into entries, accounting for every line.

Pure: `parse_dump(text, path)` never touches the disk, so every layout can be tested
with an inline string.

A dump is what a browser copy of a Hugging Face Papers listing gives. Three layouts are
known from the seed corpus (see DESIGN.md §2):

1. header boilerplate, a page date (`Mar 19`), then blank-line-separated title / abstract;
2. the same, each card followed by `  • N authors` (or an organisation name), `·` and a date
   line `Jun 1, 2020 [comments]` or `Sep 22 [comments]`;
3. no blank lines, and `Subscribe` glued to the first title.

The parser classifies each line, then walks the classified lines with a small state
machine: a text line opens a card (title) or completes it (abstract); metadata lines attach
to the open card. Whatever fits nowhere becomes a diagnostic naming `path:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields

from .models import (
    MONTHS,
    Diagnostic,
    DumpReport,
    Entry,
    Level,
    LineKind,
    PartialDate,
    SourceRef,
)

# Lines of the page chrome, compared after stripping surrounding whitespace.
BOILERPLATE = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        # Listing tabs and link labels of newer pages.
        "Daily",
        "Weekly",
        "Monthly",
        "Trending Papers",
        "arXiv Page",
    }
)
_GLUED_PREFIX = "Subscribe"
"""A copy without blank lines glues the button label to the first title."""

_MONTH = "|".join(MONTHS)
_DATE_RE = re.compile(
    rf"^(?:·\s*)?(?:Published on\s+)?({_MONTH}) (\d{{1,2}})(?:, (\d{{4}}))?(?: (\d+))?$"
)
_COUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?k?|-)"
_COUNT_RE = re.compile(rf"^{_COUNT}$")
_UPVOTE_RE = re.compile(rf"^Upvote(?:\s+({_COUNT}))?$")
_GITHUB_RE = re.compile(rf"^GitHub(?:\s+({_COUNT}))?$")
_SUBMITTED_RE = re.compile(r"^Submitted by(?:\s+(\S.*))?$")
_QUERY_RE = re.compile(
    r"^(?:search results for|results for|search:|you searched for)\s*[\"“'«]?(.+?)[\"”'»]?$",
    re.IGNORECASE,
)
_AUTHORS_RE = re.compile(r"^[•*-]?\s*(\d+) authors?$")
_SEPARATOR = "·"
_METADATA_RES = (_DATE_RE, _AUTHORS_RE, _COUNT_RE, _UPVOTE_RE, _GITHUB_RE, _SUBMITTED_RE)

# Longer than any real title: a "title" this long means the title/abstract alternation
# slipped (an abstract with no title before it), which must not pass silently.
MAX_TITLE_CHARS = 400


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: a final newline does not start another line."""
    lines = text.split("\n")
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def parse_date(text: str) -> tuple[PartialDate, int | None] | None:
    """`Jun 1, 2020 2` → (2020-06-01, 2 comments); `Sep 22` → (--09-22, None)."""
    match = _DATE_RE.match(text)
    if match is None:
        return None
    month = MONTHS.index(match[1]) + 1
    day = int(match[2])
    year = int(match[3]) if match[3] else None
    if not 1 <= day <= _days_in_month(month, year):
        return None
    comments = int(match[4]) if match[4] else None
    return PartialDate(month=month, day=day, year=year), comments


def parse_count(text: str) -> int:
    """`-` → 0, `1,234` → 1234, `1.32k` → 1320 (as precise as the page shows it)."""
    if text == "-":
        return 0
    if text.endswith("k"):
        return round(float(text[:-1]) * 1000)
    return int(text.replace(",", ""))


def _days_in_month(month: int, year: int | None) -> int:
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(slots=True)
class _Card:
    """An entry being assembled."""

    title: str
    source: SourceRef
    abstract: str | None = None
    abstract_source: SourceRef | None = None
    authors: int | None = None
    organisation: str | None = None
    published: PartialDate | None = None
    comments: int | None = None
    upvotes: int | None = None
    github_stars: int | None = None
    submitted_by: str | None = None
    has_metadata: bool = False

    def freeze(self) -> Entry:
        return Entry(**{f.name: getattr(self, f.name) for f in fields(Entry)})


@dataclass(slots=True)
class _State:
    path: str
    lines: list[str]
    """Stripped, for messages."""
    kinds: list[LineKind]
    entries: list[Entry] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    card: _Card | None = None
    page_date: PartialDate | None = None
    pending: dict[str, tuple[object, int]] = field(default_factory=dict)
    """Card fields printed above the title (upvotes, submitter): name → (value, line index)."""
    expect: str | None = None
    wrapped: bool = False
    """Blank lines separate fields, so adjacent text lines are one wrapped paragraph."""
    """A label (`Upvote`, `Submitted by`, `GitHub`) whose value is on the next line."""

    def ref(self, index: int) -> SourceRef:
        return SourceRef(self.path, index + 1)

    def report(self, index: int, level: Level, message: str) -> None:
        self.diagnostics.append(Diagnostic(self.ref(index), level, message))

    def close_card(self) -> None:
        card = self.card
        if card is None:
            return
        if len(card.title) > MAX_TITLE_CHARS:
            self.diagnostics.append(
                Diagnostic(
                    card.source,
                    Level.ERROR,
                    f"expected a title, found {len(card.title)} characters of text "
                    "(an abstract without its title, or a title run into its abstract)",
                )
            )
        if card.abstract is None:
            self.diagnostics.append(
                Diagnostic(
                    card.source, Level.WARNING, f"title with no abstract: {_clip(card.title)}"
                )
            )
        self.entries.append(card.freeze())
        self.card = None


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def parse_dump(text: str, path: str) -> DumpReport:
    """Parse one dump. Never raises on content: what it cannot place becomes a diagnostic."""
    lines = split_lines(text.removeprefix("\ufeff"))  # a BOM, if the decoder kept it
    stripped = [line.strip() for line in lines]
    state = _State(path=path, lines=stripped, kinds=[LineKind.BLANK] * len(lines))
    state.wrapped = _blank_separated(stripped)
    next_text = _next_nonblank_indexes(stripped)
    query_index = _find_query_echo(stripped)
    query = None
    if query_index is not None:
        match = _QUERY_RE.match(stripped[query_index])
        query = match[1] if match else stripped[query_index]
        state.kinds[query_index] = LineKind.SEARCH_QUERY

    for index, line in enumerate(stripped):
        if not line or index == query_index:
            continue
        kinds = state.kinds
        in_header = state.card is None and not state.entries
        if line in BOILERPLATE:
            kinds[index] = LineKind.BOILERPLATE
            continue
        if in_header and line.startswith(_GLUED_PREFIX) and line[len(_GLUED_PREFIX) :].strip():
            kinds[index] = LineKind.TITLE
            _text_line(state, index, line[len(_GLUED_PREFIX) :].strip())
            continue
        if state.expect is not None and _expected_value(state, index, line):
            continue
        date = parse_date(line)
        if date is not None:
            _date_line(state, index, line, *date)
            continue
        if _labelled_line(state, index, line):
            continue
        authors = _AUTHORS_RE.match(line)
        if authors is not None:
            _metadata_line(state, index, line, authors=int(authors[1]))
            continue
        if line == _SEPARATOR:
            _metadata_line(state, index, line)
            continue
        following = next_text[index]
        card = state.card
        if (
            card is not None
            and card.abstract is not None
            and not card.has_metadata
            and following is not None
            and stripped[following] == _SEPARATOR
        ):
            # An organisation name stands where `N authors` would: it is always directly
            # followed by the `·` separator.
            _metadata_line(state, index, line, organisation=line)
            continue
        if state.wrapped and _continue_paragraph(state, index, line):
            continue
        _text_line(state, index, line)

    card = state.card
    if card is not None and card.abstract is None and not card.has_metadata:
        # The capture ends on a bare title (or a fragment of one, or of a date line): keep
        # it out of the papers and say so, rather than invent a paper from a fragment.
        index = card.source.line - 1
        for i in range(index, len(state.kinds)):
            if state.kinds[i] is LineKind.TITLE:
                state.kinds[i] = LineKind.UNEXPLAINED
        state.report(
            index,
            Level.ERROR,
            "the dump ends after a title with no abstract (capture cut off?): "
            f"{_clip(card.title)!r}",
        )
        state.card = None
    state.close_card()
    for name, (_, index) in state.pending.items():
        _unexplained(state, index, stripped[index], f"{name} with no paper after it")
    layout = _describe_layout(stripped, state.kinds)
    if not state.entries:
        state.diagnostics.append(
            Diagnostic(
                SourceRef(path, max(len(lines), 1)), Level.ERROR, "no paper found in this dump"
            )
        )
    elif LineKind.BOILERPLATE not in state.kinds and LineKind.METADATA not in state.kinds:
        # Any text alternates "title, abstract" if you squint: without a single line of
        # the listing's chrome or card metadata, the papers would be invented.
        state.diagnostics.append(
            Diagnostic(
                SourceRef(path, 1),
                Level.ERROR,
                "does not look like a Hugging Face Papers listing: no page chrome "
                "('Get trending papers in your email inbox!', 'Subscribe', ...) and no "
                "paper metadata ('N authors', dates) found",
            )
        )
    return DumpReport(
        path=path,
        line_count=len(lines),
        page_date=state.page_date,
        layout=layout,
        query=query,
        entries=tuple(state.entries),
        diagnostics=tuple(sorted(state.diagnostics, key=lambda d: d.source)),
        line_kinds=tuple(state.kinds),
    )


def _next_nonblank_indexes(stripped: list[str]) -> list[int | None]:
    """For each line, the index of the next non-blank line after it."""
    result: list[int | None] = [None] * len(stripped)
    upcoming: int | None = None
    for index in range(len(stripped) - 1, -1, -1):
        result[index] = upcoming
        if stripped[index]:
            upcoming = index
    return result


def _expected_value(state: _State, index: int, line: str) -> bool:
    """The line after a bare `Upvote` / `Submitted by` / `GitHub` label."""
    expect, state.expect = state.expect, None
    if expect == "submitter":
        _set_field(state, index, "submitted_by", line, before_title=True)
        return True
    if _COUNT_RE.match(line):
        if expect == "upvotes":
            _set_field(state, index, "upvotes", parse_count(line), before_title=True)
        else:
            _set_field(state, index, "github_stars", parse_count(line), before_title=False)
        return True
    return False


def _labelled_line(state: _State, index: int, line: str) -> bool:
    """Counts and labels of newer listing cards. Returns whether the line was one."""
    if _COUNT_RE.match(line):
        # An upvote count on its own line, above the title of its card.
        _set_field(state, index, "upvotes", parse_count(line), before_title=True)
        return True
    for pattern, name, before_title in (
        (_UPVOTE_RE, "upvotes", True),
        (_SUBMITTED_RE, "submitted_by", True),
        (_GITHUB_RE, "github_stars", False),
    ):
        match = pattern.match(line)
        if match is None:
            continue
        if match[1] is None:
            state.kinds[index] = LineKind.METADATA
            state.expect = {"upvotes": "upvotes", "submitted_by": "submitter"}.get(name, "stars")
        else:
            value = match[1] if name == "submitted_by" else parse_count(match[1])
            _set_field(state, index, name, value, before_title=before_title)
        return True
    return False


def _set_field(state: _State, index: int, name: str, value: object, *, before_title: bool) -> None:
    card = state.card
    if before_title and (card is None or card.abstract is not None):
        # Printed above a title: it belongs to the card that opens next.
        if name in state.pending:
            _, earlier = state.pending[name]
            _unexplained(state, earlier, state.lines[earlier], f"{name} with no paper after it")
        state.pending[name] = (value, index)
        state.kinds[index] = LineKind.METADATA
        return
    if card is None or card.abstract is None or getattr(card, name) is not None:
        _unexplained(state, index, state.lines[index], f"{name} that belongs to no paper")
        return
    setattr(card, name, value)
    card.has_metadata = True
    state.kinds[index] = LineKind.METADATA


def _find_query_echo(stripped: list[str]) -> int | None:
    """The line where a search page repeats its query above the results, if any.

    Either it says so (`Search results for "x"`), or it is the odd line out: a short line
    before the first title, recognised because the two text lines after it have the shape
    of a card (a title, then a sentence) while it and the next line are both title-like.
    Taking it for a title would shift every title/abstract pair of the dump by one.
    """
    texts: list[int] = []
    for index, line in enumerate(stripped):
        if not line or line in BOILERPLATE or line == _SEPARATOR:
            continue
        if line.startswith(_GLUED_PREFIX) or any(p.match(line) for p in _METADATA_RES):
            if texts or line.startswith(_GLUED_PREFIX):
                break
            continue
        texts.append(index)
        if len(texts) == 3:
            break
    if not texts:
        return None
    if _QUERY_RE.match(stripped[texts[0]]):
        return texts[0]
    if len(texts) < 3:
        return None
    first, title, abstract = (stripped[i] for i in texts)
    if len(first) <= 60 and _title_like(first) and _title_like(title) and not _title_like(abstract):
        return texts[0]
    return None


def _title_like(text: str) -> bool:
    # Abstracts and one-sentence summaries end with a full stop; titles almost never do.
    return len(text) <= MAX_TITLE_CHARS and not text.endswith(".")


def _blank_separated(stripped: list[str]) -> bool:
    """Layouts with blank lines put one between every field (seeds: 40-50% of lines are
    blank); a compact copy has none. A stray blank line must not make a compact dump
    join every title to its abstract, hence the proportion."""
    start = 0
    while start < len(stripped) and (
        not stripped[start] or stripped[start] in BOILERPLATE or parse_date(stripped[start])
    ):
        start += 1  # the page header is blank-separated in compact copies too
    body = stripped[start:]
    blank = sum(1 for line in body if not line)
    return blank >= 0.25 * (len(body) - blank)


def _continue_paragraph(state: _State, index: int, line: str) -> bool:
    """A text browser hard-wraps titles and abstracts: a text line right below the
    title or abstract of the open card continues it."""
    card = state.card
    if card is None or index == 0 or card.has_metadata:
        return False
    previous = state.kinds[index - 1]
    if previous is LineKind.TITLE and card.abstract is None:
        card.title = _join_wrapped(card.title, line)
    elif previous is LineKind.ABSTRACT and card.abstract is not None:
        card.abstract = _join_wrapped(card.abstract, line)
    else:
        return False
    state.kinds[index] = previous
    return True


def _join_wrapped(text: str, continuation: str) -> str:
    # A line that ends in a hyphen was broken inside a hyphenated word ("pre-" "trained").
    return text + continuation if text.endswith("-") else f"{text} {continuation}"


def _text_line(state: _State, index: int, text: str) -> None:
    card = state.card
    if card is not None and card.abstract is None and not card.has_metadata:
        card.abstract = text
        card.abstract_source = state.ref(index)
        state.kinds[index] = LineKind.ABSTRACT
        return
    state.close_card()
    state.kinds[index] = LineKind.TITLE
    state.card = _Card(title=text, source=state.ref(index))
    for name, (value, _) in state.pending.items():
        setattr(state.card, name, value)
    state.pending.clear()


def _date_line(
    state: _State, index: int, line: str, date: PartialDate, comments: int | None
) -> None:
    card = state.card
    if card is None and not state.entries and state.page_date is None and comments is None:
        # The listing's own date, printed once above the first card.
        state.page_date = date
        state.kinds[index] = LineKind.PAGE_DATE
        return
    if card is None or card.published is not None:
        _unexplained(state, index, line, "a date that belongs to no paper")
        return
    card.published = date
    card.comments = comments
    card.has_metadata = True
    state.kinds[index] = LineKind.METADATA


def _metadata_line(
    state: _State,
    index: int,
    line: str,
    *,
    authors: int | None = None,
    organisation: str | None = None,
) -> None:
    card = state.card
    if card is None or card.published is not None:
        _unexplained(state, index, line, "metadata that belongs to no paper")
        return
    if authors is not None:
        if card.authors is not None or card.organisation is not None:
            _unexplained(state, index, line, "a second author line for one paper")
            return
        card.authors = authors
    if organisation is not None:
        card.organisation = organisation
    card.has_metadata = True
    state.kinds[index] = LineKind.METADATA


def _unexplained(state: _State, index: int, line: str, why: str) -> None:
    state.kinds[index] = LineKind.UNEXPLAINED
    state.report(index, Level.ERROR, f"unexplained line ({why}): {_clip(line)!r}")


def _describe_layout(stripped: list[str], kinds: list[LineKind]) -> str:
    has_blank_lines = any(not line for line in stripped)
    has_metadata = LineKind.METADATA in kinds
    if not has_blank_lines:
        return "compact (no blank lines)"
    if has_metadata:
        return "cards with metadata"
    return "title and abstract pairs"
