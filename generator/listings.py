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
    HOME,
    PaperRow,
    front_matter,
    link,
    md_code,
    md_escape,
    paper_path,
    paper_rows,
)
from .models import MONTHS, Paper, Snapshot

ARCHIVE_INDEX = PurePosixPath("archive", "index.md")
UNDATED = "undated"
EXPORTS_PAGE = PurePosixPath("exports", "index.md")
SITE_FEED = PurePosixPath("feed.xml")
HIGHLIGHTS = 10
"""Papers listed under each of the home page's "new", "most upvoted", "most discussed"."""
FEED_ITEMS = 500
"""Papers per feed, newest first. Feed readers poll a feed and keep what they saw, so a
feed needs the recent items, not the archive: at 30,000 papers the uncapped site feed
alone was 40 MB, and the topic feeds another 120 MB of the site."""


def archive_path(year: int | str) -> PurePosixPath:
    return PurePosixPath("archive", str(year), "index.md")


def topic_feed_path(slug: str) -> PurePosixPath:
    return PurePosixPath("topics", slug, "feed.xml")


def topic_bib_path(slug: str) -> PurePosixPath:
    return PurePosixPath("exports", "topics", f"{slug}.bib")


def page_url(site, paper_slug: str) -> str:
    """Absolute when the site URL is known (feeds and exports travel), else site-relative."""
    relative = f"papers/{paper_slug}/"
    return (site.site_url.rstrip("/") + "/" + relative) if site.site_url else relative


def paper_bibtex(site, paper: Paper) -> str:
    """The paper's BibTeX entry, made once per site (see `SiteInput.bibtex`)."""
    entry = site.bibtex.get(paper.slug)
    if entry is None:
        entry = site.bibtex[paper.slug] = exports.bibtex_entry(paper, page_url(site, paper.slug))
    return entry


def site_link(site, relative: str) -> str:
    return (site.site_url.rstrip("/") + "/" + relative) if site.site_url else relative


# --- archives ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveSection:
    heading: str
    papers: list[PaperRow]


class ArchiveContext(TypedDict):
    front_matter: str
    heading: str
    intro: str
    sections: list[ArchiveSection]


class ArchiveIndexContext(TypedDict):
    front_matter: str
    years: list[tuple[str, str, int]]
    undated: tuple[str, int]
    total: int


def years_of(papers: Iterable[Paper]) -> dict[int | str, list[Paper]]:
    """Year → papers; papers whose year no dump showed go under `UNDATED`."""
    by_year: dict[int | str, list[Paper]] = {}
    for paper in papers:
        year = paper.published.year if paper.published and paper.published.year else UNDATED
        by_year.setdefault(year, []).append(paper)
    return by_year


def archive_pages(site, env: Environment) -> dict[PurePosixPath, str]:
    template = env.get_template("archive.md.j2")
    pages: dict[PurePosixPath, str] = {}
    by_year = years_of(site.corpus.papers.values())
    years = sorted((y for y in by_year if y != UNDATED), reverse=True)
    for year in years:
        here = archive_path(year)
        months: dict[int, list[str]] = {}
        for paper in by_year[year]:
            months.setdefault(paper.published.month, []).append(paper.slug)
        sections = [
            ArchiveSection(
                f"{MONTHS[month - 1]} {year} ({len(slugs)})",
                paper_rows(tuple(slugs), site.corpus, here),
            )
            for month, slugs in sorted(months.items(), reverse=True)
        ]
        pages[here] = template.render(
            ArchiveContext(
                front_matter=front_matter({"title": f"Papers of {year}"}),
                heading=f"Papers of {year}",
                intro=f"{len(by_year[year])} papers published in {year}, newest first.",
                sections=sections,
            )
        )
    here = archive_path(UNDATED)
    undated = by_year.get(UNDATED, [])
    with_day = tuple(p.slug for p in undated if p.published is not None)
    without = tuple(p.slug for p in undated if p.published is None)
    pages[here] = template.render(
        ArchiveContext(
            front_matter=front_matter({"title": "Year not shown"}),
            heading="Year not shown",
            intro=(
                f"{len(undated)} papers whose listings did not show a publication year. "
                "They are listed here rather than guessed into a year."
            ),
            sections=[
                s
                for s in (
                    ArchiveSection(
                        f"Month and day shown ({len(with_day)})",
                        paper_rows(with_day, site.corpus, here),
                    ),
                    ArchiveSection(
                        f"No date shown ({len(without)})", paper_rows(without, site.corpus, here)
                    ),
                )
                if s.papers
            ],
        )
    )
    pages[ARCHIVE_INDEX] = env.get_template("archive_index.md.j2").render(
        ArchiveIndexContext(
            front_matter=front_matter({"title": "Archive"}),
            years=[(str(y), link(ARCHIVE_INDEX, archive_path(y)), len(by_year[y])) for y in years],
            undated=(link(ARCHIVE_INDEX, archive_path(UNDATED)), len(undated)),
            total=len(site.corpus.papers),
        )
    )
    return pages


# --- home page highlights --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    title: str
    href: str
    figure: str


def newest_dump_papers(site) -> tuple[str | None, list[Paper]]:
    """The newest dump (last in dump order) and the papers it was the first to show."""
    if not site.corpus.dumps:
        return None, []
    newest = site.corpus.dumps[-1].path
    papers = [p for p in site.corpus.papers.values() if p.first_seen.path == newest]
    papers.sort(key=lambda p: p.first_seen.line)
    return newest, papers


def top_by(site, figure: Callable[[Paper], Snapshot | None], noun: str) -> list[Highlight]:
    """The papers with the highest latest figure, each with the dump that showed it."""
    scored = [(snap, paper) for paper in site.corpus.papers.values() if (snap := figure(paper))]
    scored.sort(key=lambda item: (-item[0].value, item[1].slug))
    captured = {dump.path: dump.captured for dump in site.corpus.dumps}

    def as_of(snap: Snapshot) -> str:
        day = captured.get(snap.source.path)
        return md_code(snap.source.path) + (f", saved {day.isoformat()}" if day else "")

    return [
        Highlight(
            md_escape(paper.title),
            link(HOME, paper_path(paper.slug)),
            f"{snap.value} {noun}{'s' if snap.value != 1 else ''} (as of {as_of(snap)})",
        )
        for snap, paper in scored[:HIGHLIGHTS]
        if snap.value > 0
    ]


def home_highlights(site) -> dict[str, object]:
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
        "newest_dump": md_code(newest) if newest is not None else None,
        "new_papers": [
            Highlight(md_escape(p.title), link(HOME, paper_path(p.slug)), "")
            for p in new_papers[:HIGHLIGHTS]
        ],
        "new_count": len(new_papers),
        "most_upvoted": top_by(site, lambda p: p.latest_upvotes, "upvote"),
        "most_discussed": top_by(site, lambda p: p.latest_comments, "comment"),
        "topic_chart": bar_chart("chart-topics", "Papers per area", topic_counts),
        "year_chart": bar_chart("chart-years", "Papers per publication year", year_rows),
        "archive_href": link(HOME, ARCHIVE_INDEX),
        "exports_href": link(HOME, EXPORTS_PAGE),
        "feed_href": str(SITE_FEED),
    }


# --- exports and feeds ---------------------------------------------------------------------


def newest_first_seen(papers: Iterable[Paper], dump_order: dict[str, int]) -> list[Paper]:
    """Newest first by the dump that first showed each paper, then by its place there."""
    return sorted(papers, key=lambda p: (-dump_order[p.first_seen.path], p.first_seen.line, p.slug))


def export_files(site) -> dict[PurePosixPath, str]:
    corpus = site.corpus
    papers = list(corpus.papers.values())
    topics = {slug: [m.topic for m in matches] for slug, matches in site.assignments.items()}

    def url(paper: Paper) -> str:
        return page_url(site, paper.slug)

    files = {
        PurePosixPath("exports", "papers.json"): exports.papers_json(
            papers, topics, url, [d.path for d in corpus.dumps]
        ),
        PurePosixPath("exports", "papers.schema.json"): exports.schema_json(),
        PurePosixPath("exports", "papers.csv"): exports.papers_csv(papers, topics, url),
        PurePosixPath("exports", "papers.bib"): "\n".join(paper_bibtex(site, p) for p in papers),
    }
    for rule in site.taxonomy.topics:
        members = [corpus.papers[slug] for slug in site.members[rule.slug]]
        files[topic_bib_path(rule.slug)] = "\n".join(paper_bibtex(site, p) for p in members)

    dump_order = {dump.path: index for index, dump in enumerate(corpus.dumps)}
    captured = {dump.path: dump.captured for dump in corpus.dumps}

    def items(selection: Iterable[Paper]) -> list[tuple[Paper, str, str | None]]:
        ordered = newest_first_seen(selection, dump_order)[:FEED_ITEMS]
        return [
            (
                p,
                url(p),
                exports.rfc822(captured[p.first_seen.path])
                if captured[p.first_seen.path]
                else None,
            )
            for p in ordered
        ]

    files[SITE_FEED] = exports.rss_feed(
        title="Paper Atlas",
        link=site_link(site, ""),
        description="Papers as they are added to the atlas, newest first.",
        feed_url=site_link(site, str(SITE_FEED)),
        items=items(papers),
    )
    for rule in site.taxonomy.topics:
        members = [corpus.papers[slug] for slug in site.members[rule.slug]]
        files[topic_feed_path(rule.slug)] = exports.rss_feed(
            title=f"Paper Atlas: {rule.name}",
            link=site_link(site, f"topics/{rule.slug}/"),
            description=rule.description or rule.name,
            feed_url=site_link(site, str(topic_feed_path(rule.slug))),
            items=items(members),
        )
    return files


class ExportsContext(TypedDict):
    front_matter: str
    papers: int
    files: list[tuple[str, str, str]]
    topics: list[tuple[str, str, str, int]]
    schema_version: int
    feed_items: int | None
    """The feed length, when feeds hold fewer papers than the atlas."""


def exports_page(site, env: Environment) -> str:
    here = EXPORTS_PAGE
    n = len(site.corpus.papers)
    capped = n > FEED_ITEMS  # the site feed holds every paper, so it is cut first
    files = [
        ("papers.json", "papers.json", f"every record with all its fields ({n} papers)"),
        ("papers.schema.json", "papers.schema.json", "the JSON Schema of papers.json"),
        ("papers.csv", "papers.csv", f"one row per paper ({n} rows), for spreadsheets"),
        ("papers.bib", "papers.bib", f"a BibTeX `@misc` entry per paper ({n} entries)"),
        (
            "Site feed (RSS)",
            link(here, SITE_FEED),
            f"the {FEED_ITEMS} newest papers, newest first"
            if capped
            else "every paper, newest first",
        ),
    ]
    topics = [
        (
            md_escape(rule.name),
            link(here, topic_bib_path(rule.slug)),
            link(here, topic_feed_path(rule.slug)),
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
        )
    )


def render_listings(site, env: Environment) -> dict[PurePosixPath, str]:
    pages = archive_pages(site, env)
    pages[EXPORTS_PAGE] = exports_page(site, env)
    pages.update(export_files(site))
    return pages


def topic_feed_link(slug: str) -> str:
    """Front matter value for a topic page: its feed from the site root, which
    overrides/main.html turns into `<link rel="alternate">` with MkDocs' `url` filter."""
    return str(topic_feed_path(slug))


def archive_nav(site) -> list[object]:
    by_year = years_of(site.corpus.papers.values())
    years = sorted((y for y in by_year if y != UNDATED), reverse=True)
    return [
        str(ARCHIVE_INDEX),
        *({str(year): str(archive_path(year))} for year in years),
        {"Year not shown": str(archive_path(UNDATED))},
    ]
