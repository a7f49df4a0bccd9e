"""The records that flow through the pipeline. No I/O, no Jinja."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: these modules import this one
    from .authors import Author
    from .config import Taxonomy
    from .related import Related
    from .topics import TopicMatch

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """One line of one dump."""

    path: str
    """Repository-relative, "/"-separated path of the dump."""
    line: int
    """1-based line number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date whose year may be unknown (listings often print `Sep 22`)."""

    month: int
    day: int
    year: int | None = None

    def iso(self) -> str:
        """`YYYY-MM-DD`, or `--MM-DD` (ISO 8601's form for an unknown year)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        text = f"{MONTHS[self.month - 1]} {self.day}"
        return text if self.year is None else f"{text}, {self.year}"

    def sort_key(self) -> tuple[int, int, int]:
        """Unknown years sort before every known year."""
        return (self.year or 0, self.month, self.day)


class Level(enum.StrEnum):
    ERROR = "error"
    """The dump was not understood: a line is unexplained or an entry is incomplete."""
    WARNING = "warning"
    """Understood, but something is odd (for example two values for one field)."""
    INFO = "info"
    """Worth knowing, nothing wrong (for example a duplicate that was merged)."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    source: SourceRef
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.level.value}: {self.message}"


class LineKind(enum.StrEnum):
    """What each line of a dump turned out to be: every line gets exactly one."""

    BLANK = "blank"
    BOILERPLATE = "boilerplate"
    PAGE_DATE = "page date"
    SEARCH_QUERY = "search query"
    TITLE = "title"
    ABSTRACT = "abstract"
    METADATA = "metadata"
    UNEXPLAINED = "unexplained"


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One paper card as found at one place in one dump. Text is as a reader of the page
    sees it: the capture's markup removed, lines of a wrapped paragraph joined, every run
    of whitespace one space; paragraphs of an abstract are separated by a blank line."""

    title: str
    source: SourceRef
    """Where the title is."""
    abstract: str | None = None
    abstract_source: SourceRef | None = None
    authors: int | None = None
    """The listing shows an author count, never names."""
    organisation: str | None = None
    """Shown by the listing in place of the author count, e.g. `bigcode BigCode`."""
    published: PartialDate | None = None
    comments: int | None = None
    """The number printed after the date: the paper's discussion count, not upvotes."""
    upvotes: int | None = None
    """The count printed above the title (`-` is 0) or after `Upvote`."""
    github_stars: int | None = None
    """`GitHub 1.32k`: stars of the paper's repository, as rounded by the page."""
    submitted_by: str | None = None
    github_repo: str | None = None
    """The repository the card's `GitHub` button links to."""
    arxiv_id: str | None = None
    """From the card's links to the paper (`huggingface.co/papers/<id>`, arXiv), when the
    capture kept them: Markdown and text-browser captures do, a browser copy does not."""
    author_names: tuple[str, ...] = ()
    """The names a saved paper page lists (listings show a count only)."""
    ai_summary: str | None = None
    """The paper page's AI-generated summary."""
    project_page: str | None = None


KINDS = {
    "daily": "Daily papers",
    "weekly": "Weekly papers",
    "monthly": "Monthly papers",
    "trending": "Trending papers",
    "search": "Search results",
    "listing": "Papers listing",
    "paper": "Paper page",
}
"""Hugging Face's listing pages, and `listing` for a page that does not say which it is."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DumpReport:
    """What parsing one dump found, line by line."""

    path: str
    line_count: int
    page_date: PartialDate | None
    layout: str
    query: str | None = None
    """The search query a search page echoed above its results."""
    captured: datetime.date | None = None
    """When the page was saved: a date in the dump's file name (`2026-11-23_daily.txt`),
    else the capture tool's own record of it (`created:`, `retrieved:` front matter)."""
    kind: str = "listing"
    """What the page is (`KINDS`), as its URL or its own heading says; `listing` when
    neither does."""
    period: str | None = None
    """The day, week or month the page lists, as its URL names it (`Jan 20, 2026`,
    `week 12 of 2024`, `March 2024`); else the date the page shows, if any."""
    entries: tuple[Entry, ...]
    diagnostics: tuple[Diagnostic, ...]
    line_kinds: tuple[LineKind, ...]
    """Index i is line i + 1."""

    def count(self, kind: LineKind) -> int:
        return sum(1 for k in self.line_kinds if k is kind)

    @property
    def title(self) -> str:
        """What a reader calls the page: `Daily papers, Nov 3`, `Search for “rlhf”`."""
        if self.kind == "search":
            return f"Search for “{self.query}”" if self.query else "Search results"
        if self.kind == "paper":
            return f"Paper page {self.period}" if self.period else "Paper page"
        name = KINDS.get(self.kind, KINDS["listing"])
        period = self.period or (self.page_date.display() if self.page_date else None)
        return f"{name}, {period}" if period and self.kind != "trending" else name

    @property
    def label(self) -> str:
        """The title and, when known, the day the page was saved."""
        if self.captured is None:
            return self.title
        return f"{self.title} · captured {self.captured.isoformat()}"

    @property
    def chrome_lines(self) -> int:
        """Lines of the page around the cards: boilerplate, the listing date, a query."""
        return sum(
            self.count(kind)
            for kind in (LineKind.BOILERPLATE, LineKind.PAGE_DATE, LineKind.SEARCH_QUERY)
        )

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level is Level.ERROR)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A figure that changes over time (comments, upvotes) as one dump saw it."""

    value: int
    source: SourceRef


@dataclass(frozen=True, slots=True)
class Variant:
    """One wording of a field, with every place it was seen."""

    text: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Paper:
    """One paper after merging every entry of it (same arXiv id, or same normalised
    title)."""

    key: str
    """The normalised title of the first entry (with the arXiv id when two papers share
    a title): the paper's identity across builds."""
    slug: str
    """Permanent URL part: `/papers/<slug>/`."""
    title: str
    arxiv_id: str | None = None
    """When a capture kept the paper's link (`huggingface.co/papers/<id>`, arXiv)."""
    abstract: str | None
    abstract_variants: tuple[Variant, ...]
    """Every distinct abstract, the chosen one first; one item when the dumps agree."""
    authors: int | None
    organisation: str | None
    published: PartialDate | None
    comments: tuple[Snapshot, ...]
    upvotes: tuple[Snapshot, ...]
    github_stars: tuple[Snapshot, ...]
    submitted_by: str | None
    author_names: tuple[str, ...] = ()
    """Every author's name, when a saved paper page of the paper listed them; `authors`
    counts them (with any the page folded away)."""
    ai_summary: str | None = None
    """Hugging Face's AI-generated summary, from a saved paper page."""
    project_page: str | None = None
    conflicts: tuple[Diagnostic, ...] = ()
    """Where the dumps disagree on a field, and which value was kept (abstract wordings
    are in `abstract_variants`)."""
    links: tuple[str, ...]
    """URLs found in the abstract, in order of appearance."""
    github: tuple[str, ...]
    """GitHub repository URLs among `links`."""
    sources: tuple[SourceRef, ...]
    """Every dump location this record was merged from, in dump order."""
    first_seen: SourceRef

    @property
    def latest_comments(self) -> Snapshot | None:
        return self.comments[-1] if self.comments else None

    @property
    def latest_upvotes(self) -> Snapshot | None:
        return self.upvotes[-1] if self.upvotes else None

    @property
    def latest_stars(self) -> Snapshot | None:
        return self.github_stars[-1] if self.github_stars else None


@dataclass(frozen=True, slots=True, order=True)
class SlugRecord:
    """A URL given to a paper, as recorded in `content/slugs.tsv`: it stays the paper's
    whatever dumps come later, and no other paper ever gets it."""

    slug: str
    title_key: str
    """The paper's title as merged (`corpus.title_key`)."""
    arxiv_id: str | None = None


@dataclass(frozen=True, slots=True)
class Corpus:
    papers: Mapping[str, Paper]
    """By slug, in slug order."""
    dumps: tuple[DumpReport, ...]
    """In dump order (the order `first_seen` follows)."""
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    """Merge findings (conflicts, duplicates); parse findings stay on each dump."""
    new_slugs: tuple[SlugRecord, ...] = field(default=())
    """URLs given in this build to papers the slug ledger did not know yet."""
    moved: Mapping[str, str] = field(default_factory=dict)
    """Recorded slugs whose paper was merged into another: old slug → its slug now."""


@dataclass(frozen=True, slots=True)
class SiteInput:
    """Everything the render stage reads: the merged corpus and what was computed from it."""

    corpus: Corpus
    taxonomy: Taxonomy
    assignments: Mapping[str, tuple[TopicMatch, ...]]
    """Paper slug → the topics it was filed under, most specific first."""
    members: Mapping[str, tuple[str, ...]]
    """Topic slug → paper slugs, including `UNCLASSIFIED`."""
    related: Mapping[str, tuple[Related, ...]]
    site_url: str | None = None
    """The published site's URL (`SITE_URL`), for links that leave the site (feeds,
    exports, citations); never a local server's."""
    authors: Mapping[str, Author] = field(default_factory=dict)
    """Author slug → every author a saved paper page named (`authors.authors_of`)."""
    bibtex: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Paper slug → its BibTeX entry, filled on first use: the paper page, `papers.bib`
    and the topic `.bib` files share one entry."""
    dump_by_path: dict[str, DumpReport] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.dump_by_path.update((dump.path, dump) for dump in self.corpus.dumps)

    def label(self, path: str) -> str:
        """What a reader calls the listing a dump holds (`Daily papers, Nov 3`)."""
        return self.dump_by_path[path].label
