"""Pages and files that look across the whole corpus: archives, what is new, the most
upvoted and discussed papers, downloads and feeds. Pure: `render_listings(site, env)`
returns `{path: text}` for `render_site` to merge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypedDict

from jinja2 import Environment

from . import exports
from .charts import bar_chart
from .config import UNCLASSIFIED
from .markup import (
    PAGE_SIZE,
    Pager,
    PaperRow,
    format_count,
    front_matter,
    html_text,
    md_escape,
    newest_first,
    pager,
    pages_of,
    paper_row,
)
from .models import MONTHS, Paper, SiteInput, Snapshot
from .routes import (
    ARCHIVE_INDEX,
    EXPORTS_PAGE,
    HEALTH,
    HOME,
    LISTINGS_INDEX,
    PAPERS_BIB,
    PAPERS_CSV,
    PAPERS_JSON,
    PAPERS_SCHEMA,
    SITE_FEED,
    SITE_JSON_FEED,
    TOPICS_INDEX,
    UNDATED,
    absolute_url,
    archive_path,
    json_feed_path,
    link,
    listing_path,
    listing_slug,
    paper_path,
    relative_url,
    topic_bib_path,
    topic_feed_path,
    topic_path,
    url_path,
)

HIGHLIGHTS = 10
"""Papers listed under each of the home page's "new", "most upvoted", "most discussed"."""
FEED_ITEMS = 500
"""Papers per feed, newest first. Feed readers poll a feed and keep what they saw, so a
feed needs the recent items, not the archive: at 30,000 papers the uncapped site feed
alone was 40 MB, and the topic feeds another 120 MB of the site."""


def page_url(site: SiteInput, paper_slug: str) -> str:
    """For exports and feeds: absolute when the site's URL is known, else site-relative
    (`papers/<slug>/`, documented in the JSON Schema)."""
    path = paper_path(paper_slug)
    return absolute_url(site.site_url, path) or url_path(path)


def paper_bibtex(site: SiteInput, paper: Paper) -> str:
    """The paper's BibTeX entry, made once per site (see `SiteInput.bibtex`). Its `url`
    is the published page's, and only when the site's URL is known: never a local or a
    relative one, which a citation would carry into a paper."""
    entry = site.bibtex.get(paper.slug)
    if entry is None:
        url = absolute_url(site.site_url, paper_path(paper.slug))
        entry = site.bibtex[paper.slug] = exports.bibtex_entry(paper, url)
    return entry


# --- archives ------------------------------------------------------------------------------


class ArchiveContext(TypedDict):
    front_matter: str
    heading: str
    intro: str
    rows: list[PaperRow]
    pager: Pager | None


class ArchiveIndexContext(TypedDict):
    front_matter: str
    years: list[tuple[str, str, int]]
    undated: tuple[str, int]
    total: int
    listings_href: str


def years_of(papers: Iterable[Paper]) -> dict[int | str, list[Paper]]:
    """Year → papers; papers whose year no dump showed go under `UNDATED`."""
    by_year: dict[int | str, list[Paper]] = {}
    for paper in papers:
        year = paper.published.year if paper.published and paper.published.year else UNDATED
        by_year.setdefault(year, []).append(paper)
    return by_year


def _month_heading(paper: Paper, year: int | str) -> str:
    date = paper.published
    assert date is not None  # only UNDATED (not archived by month) holds undated papers
    return f"{MONTHS[date.month - 1]} {year}"


def archive_pages(site: SiteInput, env: Environment) -> dict[PurePosixPath, str]:
    """A page per year (pages, for a long year), its papers newest first under their
    months; one for papers whose year no listing showed; and the index of years."""
    template = env.get_template("archive.md.j2")
    pages: dict[PurePosixPath, str] = {}
    by_year = years_of(site.corpus.papers.values())
    years = sorted((y for y in by_year if y != UNDATED), reverse=True)
    for year in years:
        papers = sorted(by_year[year], key=newest_first)
        pages.update(
            _archive(
                site,
                template,
                year,
                f"Papers of {year}",
                f"{len(papers)} papers published in {year}, newest first.",
                [(_month_heading(p, year), p) for p in papers],
            )
        )
    undated = sorted(by_year.get(UNDATED, []), key=newest_first)
    pages.update(
        _archive(
            site,
            template,
            UNDATED,
            "Year not shown",
            f"{len(undated)} papers whose listings did not show a publication year. "
            "They are listed here rather than guessed into a year.",
            [("Month and day shown" if p.published else "No date shown", p) for p in undated],
        )
    )
    pages[ARCHIVE_INDEX] = env.get_template("archive_index.md.j2").render(
        ArchiveIndexContext(
            front_matter=front_matter({"title": "Archive"}),
            years=[(str(y), link(ARCHIVE_INDEX, archive_path(y)), len(by_year[y])) for y in years],
            undated=(link(ARCHIVE_INDEX, archive_path(UNDATED)), len(undated)),
            total=len(site.corpus.papers),
            listings_href=link(ARCHIVE_INDEX, LISTINGS_INDEX),
        )
    )
    return pages


def _archive(
    site: SiteInput,
    template,
    year: int | str,
    heading: str,
    intro: str,
    rows: list[tuple[str, Paper]],
) -> dict[PurePosixPath, str]:
    chunks = pages_of(rows)
    pages: dict[PurePosixPath, str] = {}
    for number, chunk in enumerate(chunks, start=1):
        here = archive_path(year, number)
        title = heading if number == 1 else f"{heading} (page {number})"
        pages[here] = template.render(
            ArchiveContext(
                front_matter=front_matter({"title": title}),
                heading=heading,
                intro=intro,
                rows=[paper_row(paper, here, section=section) for section, paper in chunk],
                pager=pager(number, len(chunks), here, lambda n: archive_path(year, n)),
            )
        )
    return pages


# --- home page highlights --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    title: str
    href: str
    figure: str


def newest_dump_papers(site: SiteInput) -> tuple[str | None, list[Paper]]:
    """The newest dump (last in dump order) and the papers it was the first to show."""
    if not site.corpus.dumps:
        return None, []
    newest = site.corpus.dumps[-1].path
    papers = [p for p in site.corpus.papers.values() if p.first_seen.path == newest]
    papers.sort(key=lambda p: p.first_seen.line)
    return newest, papers


def top_by(
    site: SiteInput, figure: Callable[[Paper], Snapshot | None], noun: str
) -> list[Highlight]:
    """The papers with the highest latest figure, each with the dump that showed it."""
    scored = [(snap, paper) for paper in site.corpus.papers.values() if (snap := figure(paper))]
    scored.sort(key=lambda item: (-item[0].value, item[1].slug))

    def as_of(snap: Snapshot) -> str:
        where = listing_path(listing_slug(snap.source.path))
        return f"[{md_escape(site.label(snap.source.path))}]({link(HOME, where)})"

    return [
        Highlight(
            md_escape(paper.title),
            link(HOME, paper_path(paper.slug)),
            f"{format_count(snap.value, noun)} in {as_of(snap)}",
        )
        for snap, paper in scored[:HIGHLIGHTS]
        if snap.value > 0
    ]


def home_highlights(site: SiteInput) -> dict[str, object]:
    newest, new_papers = newest_dump_papers(site)
    areas = [rule for rule in site.taxonomy.topics if rule.parent is None]
    topic_counts = sorted(
        ((rule.name, len(site.members[rule.slug])) for rule in areas), key=lambda r: -r[1]
    )
    topic_counts.append(("Unclassified", len(site.members[UNCLASSIFIED])))
    years = Counter(
        str(p.published.year) if p.published and p.published.year else "year not shown"
        for p in site.corpus.papers.values()
    )
    year_rows = sorted(((y, n) for y, n in years.items() if y[0].isdigit()), reverse=True)
    if "year not shown" in years:
        year_rows.append(("year not shown", years["year not shown"]))
    return {
        "newest_dump": (
            f"[{md_escape(site.label(newest))}]({link(HOME, listing_path(listing_slug(newest)))})"
            if newest is not None
            else None
        ),
        "new_papers": [
            Highlight(md_escape(p.title), link(HOME, paper_path(p.slug)), "")
            for p in new_papers[:HIGHLIGHTS]
        ],
        "new_count": format_count(len(new_papers), "paper"),
        "new_shown": len(new_papers[:HIGHLIGHTS]) if len(new_papers) > HIGHLIGHTS else None,
        "listings": [
            (md_escape(dump.label), link(HOME, listing_path(listing_slug(dump.path))))
            for dump in reversed(site.corpus.dumps)
        ],
        "listings_href": link(HOME, LISTINGS_INDEX),
        "topics_href": link(HOME, TOPICS_INDEX),
        "health_href": link(HOME, HEALTH),
        "most_upvoted": top_by(site, lambda p: p.latest_upvotes, "upvote"),
        "most_discussed": top_by(site, lambda p: p.latest_comments, "comment"),
        "topic_chart": bar_chart("chart-topics", "Papers per area", topic_counts),
        "year_chart": bar_chart("chart-years", "Papers per publication year", year_rows),
        "archive_href": link(HOME, ARCHIVE_INDEX),
        "exports_href": link(HOME, EXPORTS_PAGE),
        "feed_href": str(SITE_FEED),
    }


# --- listing pages: each dump's page, as captured ---------------------------------------------


@dataclass(frozen=True, slots=True)
class ListingRow:
    number: int
    """The paper's place on the listing."""
    title: str
    href: str
    figures: str
    """What the listing showed of the paper: its counts there, and if it was new there."""


class ListingContext(TypedDict):
    front_matter: str
    heading: str
    facts: list[str]
    rows: list[ListingRow]
    index_href: str
    pager: Pager | None


class ListingsIndexContext(TypedDict):
    front_matter: str
    rows: list[tuple[str, str, int, int, str]]
    """Label, link, papers, papers seen there first, capture date."""


def listing_pages(site: SiteInput, env: Environment) -> dict[PurePosixPath, str]:
    """A page per dump (pages, for a long one): the papers it showed, in its order, with
    the counts it showed (the atlas's answer to Hugging Face's daily, weekly, monthly and
    search pages); and an index of them, newest first."""
    slug_at = {
        source: paper.slug for paper in site.corpus.papers.values() for source in paper.sources
    }
    template = env.get_template("listing.md.j2")
    pages: dict[PurePosixPath, str] = {}
    index_rows: list[tuple[str, str, int, int, str]] = []
    for dump in site.corpus.dumps:
        slug = listing_slug(dump.path)
        shown: list[tuple[Paper, list[str]]] = []
        seen: set[str] = set()
        for entry in dump.entries:
            paper = site.corpus.papers[slug_at[entry.source]]
            if paper.slug in seen:  # a card printed twice
                continue
            seen.add(paper.slug)
            figures = [
                format_count(entry.upvotes, "upvote"),
                format_count(entry.comments, "comment"),
                format_count(entry.github_stars, "GitHub star"),
                "first seen here" if paper.first_seen.path == dump.path else "",
            ]
            shown.append((paper, [f for f in figures if f]))
        new = sum(1 for paper, _ in shown if paper.first_seen.path == dump.path)
        facts = []  # the kind, the period and a search's query are in the heading
        if dump.captured:
            facts.append(f"captured {dump.captured.isoformat()}")
        facts.append(
            f"{format_count(len(shown), 'paper')} in the order the page showed them, "
            f"{new} seen here first"
        )
        chunks = pages_of(shown)
        for number, chunk in enumerate(chunks, start=1):
            here = listing_path(slug, number)
            first = (number - 1) * PAGE_SIZE + 1
            rows = [
                ListingRow(
                    first + offset,
                    md_escape(paper.title),
                    link(here, paper_path(paper.slug)),
                    " · ".join(figures),
                )
                for offset, (paper, figures) in enumerate(chunk)
            ]
            title = dump.label if number == 1 else f"{dump.label} (page {number})"
            pages[here] = template.render(
                ListingContext(
                    front_matter=front_matter({"title": html_text(title)}),
                    heading=md_escape(dump.title),
                    facts=facts,
                    rows=rows,
                    index_href=link(here, LISTINGS_INDEX),
                    pager=pager(number, len(chunks), here, lambda n, s=slug: listing_path(s, n)),
                )
            )
        index_rows.append(
            (
                md_escape(dump.title),
                link(LISTINGS_INDEX, listing_path(slug)),
                len(shown),
                new,
                dump.captured.isoformat() if dump.captured else "",
            )
        )
    pages[LISTINGS_INDEX] = env.get_template("listings_index.md.j2").render(
        ListingsIndexContext(
            front_matter=front_matter({"title": "Listings"}),
            rows=list(reversed(index_rows)),
        )
    )
    return pages


# --- exports and feeds ---------------------------------------------------------------------


def newest_first_seen(papers: Iterable[Paper], dump_order: dict[str, int]) -> list[Paper]:
    """Newest first by the dump that first showed each paper, then by its place there."""
    return sorted(papers, key=lambda p: (-dump_order[p.first_seen.path], p.first_seen.line, p.slug))


def export_files(site: SiteInput) -> dict[PurePosixPath, str]:
    corpus = site.corpus
    papers = list(corpus.papers.values())
    topics = {slug: [m.topic for m in matches] for slug, matches in site.assignments.items()}

    def url(paper: Paper) -> str:
        return page_url(site, paper.slug)

    files = {
        PAPERS_JSON: exports.papers_json(papers, topics, url, [d.path for d in corpus.dumps]),
        PAPERS_SCHEMA: exports.schema_json(),
        PAPERS_CSV: exports.papers_csv(papers, topics, url),
        PAPERS_BIB: "\n".join(paper_bibtex(site, p) for p in papers),
    }
    for rule in site.taxonomy.topics:
        members = [corpus.papers[slug] for slug in site.members[rule.slug]]
        files[topic_bib_path(rule.slug)] = "\n".join(paper_bibtex(site, p) for p in members)

    dump_order = {dump.path: index for index, dump in enumerate(corpus.dumps)}
    captured = {dump.path: dump.captured for dump in corpus.dumps}
    last_build = max((day for day in captured.values() if day is not None), default=None)

    def items(selection: Iterable[Paper], feed: PurePosixPath) -> list[exports.FeedItem]:
        ordered = newest_first_seen(selection, dump_order)[:FEED_ITEMS]
        return [
            (p, feed_link(site, feed, paper_path(p.slug)), captured[p.first_seen.path])
            for p in ordered
        ]

    feeds = [(SITE_FEED, HOME, "Paper Atlas", FEED_DESCRIPTION, papers)]
    for rule in site.taxonomy.topics:
        members = [corpus.papers[slug] for slug in site.members[rule.slug]]
        name, about = f"Paper Atlas: {rule.name}", rule.description or rule.name
        feeds.append((topic_feed_path(rule.slug), topic_path(rule.slug), name, about, members))
    for feed, page, title, description, selection in feeds:
        selected = items(selection, feed)
        json_feed = json_feed_path(feed)
        if not site.site_url:
            description += NO_SITE_URL_NOTE
        files[feed] = exports.rss_feed(
            title=title,
            link=feed_link(site, feed, page),
            description=description,
            feed_url=absolute_url(site.site_url, feed),
            last_build=last_build,
            items=selected,
        )
        files[json_feed] = exports.json_feed(
            title=title,
            home_page_url=feed_link(site, json_feed, page),
            description=description,
            feed_url=absolute_url(site.site_url, json_feed),
            items=[
                (p, feed_link(site, json_feed, paper_path(p.slug)), day) for p, _, day in selected
            ],
        )
    return files


FEED_DESCRIPTION = "Papers as they are added to the atlas, newest first."
NO_SITE_URL_NOTE = (
    " (Built without SITE_URL: links are relative to this feed, which browsers and most"
    " readers follow; the published site's feeds carry absolute links.)"
)


def feed_link(site: SiteInput, feed: PurePosixPath, target: PurePosixPath) -> str:
    """A link inside a feed: absolute when the site's URL is known; else relative to the
    feed's own address, never to the site root, so that a topic feed's links resolve (they
    pointed under `/topics/<slug>/` before)."""
    return absolute_url(site.site_url, target) or relative_url(feed, target)


class ExportsContext(TypedDict):
    front_matter: str
    papers: int
    files: list[tuple[str, str, str]]
    topics: list[tuple[str, str, str, str, int]]
    schema_version: int
    site_url: str | None
    feed_items: int | None
    """The feed length, when feeds hold fewer papers than the atlas."""


def exports_page(site: SiteInput, env: Environment) -> str:
    here = EXPORTS_PAGE
    n = len(site.corpus.papers)
    capped = n > FEED_ITEMS  # the site feed holds every paper, so it is cut first
    files = [
        ("papers.json", link(here, PAPERS_JSON), f"every record with all its fields ({n} papers)"),
        ("papers.schema.json", link(here, PAPERS_SCHEMA), "the JSON Schema of papers.json"),
        ("papers.csv", link(here, PAPERS_CSV), f"one row per paper ({n} rows), for spreadsheets"),
        ("papers.bib", link(here, PAPERS_BIB), f"a BibTeX `@misc` entry per paper ({n} entries)"),
        (
            "Site feed (RSS)",
            link(here, SITE_FEED),
            f"the {FEED_ITEMS} newest papers, newest first"
            if capped
            else "every paper, newest first",
        ),
        ("Site feed (JSON Feed)", link(here, SITE_JSON_FEED), "the same, as JSON Feed 1.1"),
    ]
    topics = [
        (
            md_escape(rule.name),
            link(here, topic_bib_path(rule.slug)),
            link(here, topic_feed_path(rule.slug)),
            link(here, json_feed_path(topic_feed_path(rule.slug))),
            len(site.members[rule.slug]),
        )
        for rule in site.taxonomy.topics
    ]
    return env.get_template("exports.md.j2").render(
        ExportsContext(
            front_matter=front_matter({"title": "Downloads and feeds"}),
            papers=n,
            files=files,
            topics=topics,
            schema_version=exports.PAPERS_SCHEMA_VERSION,
            feed_items=FEED_ITEMS if capped else None,
            site_url=site.site_url,
        )
    )


def render_listings(site: SiteInput, env: Environment) -> dict[PurePosixPath, str]:
    pages = archive_pages(site, env)
    pages.update(listing_pages(site, env))
    pages[EXPORTS_PAGE] = exports_page(site, env)
    pages.update(export_files(site))
    return pages


def topic_feed_link(slug: str) -> str:
    """Front matter value for a topic page: its feed from the site root, which
    overrides/main.html turns into `<link rel="alternate">` with MkDocs' `url` filter."""
    return str(topic_feed_path(slug))


def archive_nav(site: SiteInput) -> list[object]:
    by_year = years_of(site.corpus.papers.values())
    years = sorted((y for y in by_year if y != UNDATED), reverse=True)
    return [
        str(ARCHIVE_INDEX),
        *({str(year): str(archive_path(year))} for year in years),
        {"Year not shown": str(archive_path(UNDATED))},
    ]
