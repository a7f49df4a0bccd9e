"""Turn the text of one dump into entries, accounting for every line.

Pure: `parse_dump(text, path)` never touches the disk, so every layout can be tested with
an inline string. Three passes, each in its own module:

- `lines`: the capture layer. Detects the tool that saved the page (a browser copy,
  Markdown from a crawler or clipper, a notebook export, a text browser) and turns each
  physical line into clean text and links.
- `rules`: the rule table. Says what each line is on its own (chrome, a date, an author
  count, an upvote count, ...) or leaves it as text.
- `cards`: the structure pass. Finds the titles and abstracts among the text from the
  shape of the page, groups every line into a card or the page around the cards, and
  reports what fits nowhere, at its own line.

The contract: the entries are exactly the papers on the page, or there is an error
diagnostic at the first line the parser could not explain. Every line gets one
`LineKind`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from urllib.parse import urlsplit

from ..models import Diagnostic, DumpReport, Entry, Level, LineKind, PartialDate, SourceRef
from .cards import MAX_TITLE_CHARS, read_cards, shape
from .lines import Document, read_document, split_lines
from .paper_page import PaperPage, read_paper_page
from .rules import classify, parse_count, parse_date

__all__ = [
    "MAX_TITLE_CHARS",
    "PaperPage",
    "parse_count",
    "parse_date",
    "parse_dump",
    "parse_paper_page",
    "shape",
    "split_lines",
]

_PAPER_PAGE_RE = re.compile(
    r"^(?:Paper page - |arxiv:\d{4}\.\d{4,5}$|Authors:$)"
    r"|^(?:# )?\**(?i:source|url|source[ _-]url|url source|title|page title)\s*:\**\s*[\"']?"
    r"(?:https?://huggingface\.co/papers/\d{4}\.\d{4,5}|Paper page - )"
)
"""What only a single paper's page shows: its `<title>` (`Paper page - ...`), its
`arxiv:<id>` line, the `Authors:` label, or a crawler's header naming its URL."""
_PAPER_PAGE_HEAD = 200
"""A paper page shows its title, URL, id and `Authors:` at the top; a listing is read
whole, so only its head is searched for them."""
_PAPER_PAGE_STARTS = ("Paper page - ", "arxiv:", "Authors:", "# ", *"SsUuTtPp*")


_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
)
"""Characters no page shows: C0 and C1 controls but tab and line ends (a terminal's ESC
colour codes, a form feed), DEL, Unicode non-characters, and the bidirectional overrides
and isolates that make text read in another order than it is written (U+202E). Kept,
they would make every feed invalid XML, move a terminal's cursor in a log, or disguise
a title."""


def remove_control_characters(text: str, path: str) -> tuple[str, list[Diagnostic]]:
    """The text without control characters, and a warning at each line that held some."""
    if _CONTROL_RE.search(text) is None:
        return text, []
    diagnostics: list[Diagnostic] = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        found = sorted(set(_CONTROL_RE.findall(line)))
        if found:
            lines[number - 1] = _CONTROL_RE.sub("", line)
            names = ", ".join(f"U+{ord(c):04X}" for c in found)
            diagnostics.append(
                Diagnostic(
                    SourceRef(path, number),
                    Level.WARNING,
                    f"control character{'s' * (len(found) > 1)} {names} removed",
                )
            )
    return "\n".join(lines), diagnostics


def parse_dump(text: str, path: str) -> DumpReport:
    """Parse one dump. Never raises on content: what it cannot place is a diagnostic."""
    text, removed = remove_control_characters(text, path)
    report = _parse_dump(text, path)
    if not removed:
        return report
    diagnostics = tuple(sorted((*report.diagnostics, *removed), key=lambda d: d.source))
    return replace(report, diagnostics=diagnostics)


def parse_paper_page(
    text: str, path: str
) -> tuple[PaperPage | None, tuple[Diagnostic, ...], tuple[LineKind, ...]]:
    """Read one saved paper page (issue 15): its record (None when it cannot be read),
    what was wrong at which line, and the kind of every line."""
    text, removed = remove_control_characters(text, path)
    page, kinds, diagnostics = _read_page(read_document(text, path), text)
    return page, tuple(sorted((*diagnostics, *removed), key=lambda d: d.source)), tuple(kinds)


def _read_page(
    doc: Document, text: str
) -> tuple[PaperPage | None, list[LineKind], list[Diagnostic]]:
    page, kinds, diagnostics = read_paper_page(doc, text)
    # The capture layer's notes matter where the record was read from (a link broken in
    # the title or abstract); the rest of a paper page (comments, citing papers, a
    # reader tool's JSON echo of the page) is not read, so its markup is not judged.
    read_from = {LineKind.TITLE, LineKind.ABSTRACT, LineKind.METADATA}
    notes = [
        Diagnostic(SourceRef(doc.path, i + 1), Level.ERROR if error else Level.WARNING, message)
        for i, error, message in doc.notes
        if kinds[i] in read_from
    ]
    return page, kinds, sorted((*diagnostics, *notes), key=lambda d: d.source)


def _parse_dump(text: str, path: str) -> DumpReport:
    doc = read_document(text, path)
    if _paper_page(doc) is not None:
        return _paper_page_report(doc, text)
    listing = read_cards(doc, classify(doc))
    diagnostics = listing.diagnostics
    entries = tuple(listing.entries)
    for index, error, message in doc.notes:
        level = Level.ERROR if error else Level.WARNING
        diagnostics.append(Diagnostic(SourceRef(path, index + 1), level, message))
    kinds = listing.kinds
    if not listing.entries:
        line = max(len(doc.lines), 1)
        diagnostics.append(
            Diagnostic(SourceRef(path, line), Level.ERROR, "no paper found in this dump")
        )
    elif LineKind.BOILERPLATE not in kinds and LineKind.METADATA not in kinds:
        # Any text alternates "title, abstract" if you squint: without a single line of
        # the listing's chrome or card metadata, the papers would be invented.
        entries = ()
        diagnostics.append(
            Diagnostic(
                SourceRef(path, 1),
                Level.ERROR,
                "does not look like a Hugging Face Papers listing: no page chrome "
                "('Get trending papers in your email inbox!', 'Subscribe', ...) and no "
                "paper metadata ('N authors', dates) found",
            )
        )
    kind, period = page_kind(doc, listing.query, listing.page_date, kinds)
    return DumpReport(
        path=path,
        line_count=len(doc.lines),
        page_date=listing.page_date,
        layout=listing.layout,
        query=listing.query,
        kind=kind,
        period=period,
        captured=_saved_on(doc),
        entries=entries,
        diagnostics=tuple(sorted(diagnostics, key=lambda d: d.source)),
        line_kinds=tuple(kinds),
    )


_URL_KINDS = (
    (re.compile(r"/papers/date/(\d{4})-(\d{2})-(\d{2})/?$"), "daily"),
    (re.compile(r"/papers/week/(\d{4})-W(\d{1,2})/?$"), "weekly"),
    (re.compile(r"/papers/month/(\d{4})-(\d{2})/?$"), "monthly"),
    (re.compile(r"/papers/trending/?$"), "trending"),
    (re.compile(r"/papers/?$"), "daily"),
)
_HEADINGS = {"daily papers": "daily", "trending papers": "trending"}
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def page_kind(
    doc: Document, query: str | None, page_date: PartialDate | None, kinds: list[LineKind]
) -> tuple[str, str | None]:
    """Which listing the page is, and the period it lists, from what the capture shows:
    the page's URL (`/papers/date/2026-01-20`, `/papers/week/2024-W12`, `/papers/trending`,
    `?q=`), else its own heading (`Trending Papers`; `Daily Papers` over a date: Hugging
    Face's search page has that heading too, but no date). Nothing is guessed: a page that
    says neither is a `listing`."""
    if query:
        return "search", None
    path = urlsplit(doc.page_url or "").path
    for pattern, kind in _URL_KINDS if doc.page_url else ():
        match = pattern.search(path)
        if match is None:
            continue
        if kind == "daily" and match.groups():
            try:
                date = PartialDate(int(match[2]), int(match[3]), int(match[1]))
                return kind, date.display() if 1 <= date.month <= 12 else None
            except ValueError:
                return kind, None
        if kind == "weekly":
            return kind, f"week {int(match[2])} of {match[1]}"
        if kind == "monthly":
            month = int(match[2])
            return kind, f"{_MONTH_NAMES[month - 1]} {match[1]}" if 1 <= month <= 12 else None
        return kind, None
    headings = {
        _HEADINGS[key]
        for line, kind in zip(doc.lines, kinds, strict=False)
        if kind is LineKind.BOILERPLATE and (key := line.key.casefold()) in _HEADINGS
    }
    if "trending" in headings:
        return "trending", None
    if "daily" in headings and page_date is not None:
        return "daily", None
    return "listing", None


_SAVED_KEYS = ("captured", "retrieved", "clipped", "created", "saved", "scraped", "date")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def _saved_on(doc: Document) -> datetime.date | None:
    """The day the capture tool saved the page, when its header records it (Obsidian Web
    Clipper's `created:`, a crawler's `retrieved:` or `captured:`), as an ISO date."""
    lowered = {key.casefold().replace(" ", "_"): value for key, value in doc.meta.items()}
    for key in _SAVED_KEYS:
        match = _ISO_DATE_RE.match(lowered.get(key, "").strip())
        if match:
            try:
                return datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return None


def _paper_page(doc: Document) -> int | None:
    """The first line that shows the dump is a single paper's page (`/papers/<id>`:
    `Paper page - <title>`, `arxiv:<id>`, `Authors:`), not a listing."""
    url = doc.page_url or ""
    if re.search(r"huggingface\.co/papers/\d{4}\.\d{4,5}", url):
        return next(i for i, line in enumerate(doc.lines) if url in line.raw)
    for index, line in enumerate(doc.lines[:_PAPER_PAGE_HEAD]):
        if line.key.startswith(_PAPER_PAGE_STARTS) and _PAPER_PAGE_RE.match(line.key):
            return index
    return None


def _paper_page_report(doc: Document, text: str) -> DumpReport:
    """A saved paper page, read by its own reader (`paper_page`): one entry, with the
    names, links and summary a listing never shows."""
    page, kinds, diagnostics = _read_page(doc, text)
    entries: tuple[Entry, ...] = ()
    if page is not None:
        names = page.authors or ()
        # A count only from names read (with any `+ N authors`): when the capture lost the
        # names, `+ N` alone would understate it.
        count = len(names) + (page.authors_hidden or 0) if names else None
        entries = (
            Entry(
                title=page.title,
                source=page.source,
                abstract=page.abstract,
                abstract_source=page.abstract_source,
                authors=count,
                organisation=page.organization,
                published=page.published,
                upvotes=page.upvotes,
                github_stars=page.github_stars,
                submitted_by=page.submitted_by,
                github_repo=page.github,
                arxiv_id=page.arxiv_id,
                author_names=names,
                ai_summary=page.ai_summary,
                project_page=page.project_page,
            ),
        )
    return DumpReport(
        path=doc.path,
        line_count=len(doc.lines),
        page_date=None,
        layout=f"{doc.format}, a single paper's page",
        kind="paper",
        period=page.arxiv_id if page is not None else None,
        captured=_saved_on(doc),
        entries=entries,
        diagnostics=tuple(diagnostics),
        line_kinds=tuple(kinds),
    )
