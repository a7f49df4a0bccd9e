"""Render the whole Markdown tree in memory: `render_site(...) -> {path: text}`. No disk.

Templates (`generator/templates/*.md.j2`) only loop and branch; everything they show is
computed here. Front matter is produced with `yaml.safe_dump`, never by hand: titles hold
colons, quotes and `---`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath
from typing import TypedDict

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from .authors import author_slug
from .config import UNCLASSIFIED, TopicRule
from .exports import arxiv_links, title_query
from .listings import archive_nav, home_highlights, paper_bibtex, render_listings, topic_feed_link
from .markup import (
    Pager,
    PaperRow,
    TopicRow,
    format_count,
    front_matter,
    html_text,
    md_code,
    md_escape,
    newest_first,
    pager,
    pages_of,
    paper_row,
    paper_rows,
    row_details,
    snippet,
    sort_date,
)
from .models import Corpus, DumpReport, Level, LineKind, Paper, SiteInput
from .related import MIN_SCORE, Related
from .routes import (
    ARCHIVE_INDEX,
    AUTHORS_INDEX,
    EXPORTS_PAGE,
    HEALTH,
    HOME,
    LISTINGS_INDEX,
    NAV_FILE,
    PAGEFIND,
    SEARCH_PAGE,
    SEARCH_VOCABULARY,
    TOPICS_INDEX,
    author_path,
    authors_index_path,
    link,
    listing_path,
    listing_slug,
    paper_path,
    relative_url,
    topic_data_path,
    topic_path,
    url_path,
)
from .spelling import respellings, rules_json, vocabulary
from .topics import top_phrases

SEARCH_LINKS = (
    ("Hugging Face Papers", "https://huggingface.co/papers?q={q}"),
    ("arXiv", "https://arxiv.org/search/?query={q}&searchtype=title"),
    ("Semantic Scholar", "https://www.semanticscholar.org/search?q={q}"),
)


@dataclass(frozen=True, slots=True)
class TopicLink:
    name: str
    href: str
    reason: str


class PaperContext(TypedDict):
    front_matter: str
    title: str
    metadata: list[str]
    topics: list[TopicLink]
    unclassified_href: str
    abstract: str | None
    authors: list[str]
    """Markdown links to the authors' pages, when a saved paper page named them."""
    authors_note: str
    ai_summary: str | None
    project_page: str | None
    index_only: str
    search_filters: str
    """Respellings for the search index (hidden)."""
    other_abstracts: list[tuple[str, str]]
    github: list[tuple[str, str]]
    """(repository URL, its stars as the last listing or page showed them)."""
    links: list[str]
    search_links: list[tuple[str, str]]
    paper_links: list[tuple[str, str]]
    """The paper's own pages (arXiv abstract, PDF, Hugging Face) when its id is known."""
    sources: list[str]
    conflicts: list[str]
    related: list[PaperRow]
    related_fallback: str | None
    related_min: str
    """No paper is similar enough: these are the closest of the paper's own topic."""
    bibtex: str
    fence: str


class TopicContext(TypedDict):
    front_matter: str
    name: str
    description: str
    phrases: list[str]
    parent: TopicRow | None
    children: list[TopicRow]
    papers: list[PaperRow]
    """This page's papers."""
    total: int
    pager: Pager | None
    controls: str
    first_href: str
    """Link to the topic's first page, from the pages after it."""


class TopicsIndexContext(TypedDict):
    front_matter: str
    rows: list[TopicRow]
    unclassified: TopicRow
    total: int


class HomeContext(TypedDict):
    front_matter: str
    papers: int
    topics: int
    dumps: int
    classified: int
    top_topics: list[TopicRow]
    highlights: dict[str, object]


class HealthContext(TypedDict):
    front_matter: str
    rows: list[dict[str, object]]
    totals: dict[str, int]
    diagnostics: list[str]


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md_escape=md_escape)
    return env


def render_site(site: SiteInput) -> dict[PurePosixPath, str]:
    env = make_environment()
    paper = env.get_template("paper.md.j2")
    pages: dict[PurePosixPath, str] = {}
    for slug, record in site.corpus.papers.items():
        pages[paper_path(slug)] = paper.render(paper_context(record, site))
    pages.update(topic_pages(site, env))
    for old, new in site.corpus.moved.items():
        paper_now = site.corpus.papers[new]
        pages[paper_path(old)] = env.get_template("moved.md.j2").render(
            front_matter=front_matter({"title": html_text(paper_now.title)}),
            title=md_escape(paper_now.title),
            href=link(paper_path(old), paper_path(new)),
        )
    pages[TOPICS_INDEX] = env.get_template("topics_index.md.j2").render(topics_index_context(site))
    pages[HOME] = env.get_template("home.md.j2").render(home_context(site))
    pages[HEALTH] = env.get_template("health.md.j2").render(health_context(site))
    pages[SEARCH_PAGE] = env.get_template("search.md.j2").render(
        # `search`: the header's search box is not shown on the page that has its own.
        front_matter=front_matter({"title": "Search", "hide": ["toc", "search"]}),
        # Raw HTML (a <noscript> is not Markdown): URLs as the browser follows them.
        topics_url=relative_url(SEARCH_PAGE, TOPICS_INDEX),
        archive_url=relative_url(SEARCH_PAGE, ARCHIVE_INDEX),
        listings_url=relative_url(SEARCH_PAGE, LISTINGS_INDEX),
        pagefind_css=relative_url(SEARCH_PAGE, PAGEFIND / "pagefind-ui.css"),
        pagefind_js=relative_url(SEARCH_PAGE, PAGEFIND / "pagefind-ui.js"),
        spelling=json.dumps(rules_json(), ensure_ascii=True),
        vocabulary_url=relative_url(SEARCH_PAGE, SEARCH_VOCABULARY),
    )
    pages[SEARCH_VOCABULARY] = json.dumps(search_vocabulary(site), separators=(",", ":"))
    pages.update(author_pages(site, env))
    pages[NAV_FILE] = render_nav(site)
    pages.update(render_listings(site, env))
    return pages


def search_vocabulary(site: SiteInput) -> dict[str, object]:
    """What the search index holds of each paper (title, abstract, AI summary, authors,
    topic names), as words with their counts, for "did you mean" and for telling a word
    no paper has from one a paper has."""
    names = {rule.slug: rule.name for rule in site.taxonomy.topics}
    return vocabulary(
        " ".join(
            [paper.title, paper.abstract or "", paper.ai_summary or "", *paper.author_names]
            + [names[m.topic] for m in site.assignments.get(slug, ())]
        )
        for slug, paper in site.corpus.papers.items()
    )


def author_pages(site: SiteInput, env: Environment) -> dict[PurePosixPath, str]:
    """A page per author a saved paper page named, with their papers newest first, and
    the index of authors (none of them when no paper page was saved)."""
    authors = site.authors
    if not authors:
        return {}
    pages: dict[PurePosixPath, str] = {}
    template = env.get_template("author.md.j2")
    for author in authors.values():
        papers = sorted((site.corpus.papers[slug] for slug in author.papers), key=newest_first)
        chunks = pages_of(papers)
        intro = md_escape(
            f"{format_count(len(papers), 'paper')} in the atlas name {author.name} among "
            "their authors (names come from saved Hugging Face paper pages)."
        )
        for number, chunk in enumerate(chunks, start=1):
            here = author_path(author.slug, number)
            pages[here] = template.render(
                front_matter=front_matter({"title": html_text(author.name)}),
                name=md_escape(author.name),
                intro=intro,
                rows=[paper_row(paper, here) for paper in chunk],
                pager=pager(number, len(chunks), here, partial(author_path, author.slug)),
            )
    index = env.get_template("authors_index.md.j2")
    index_chunks = pages_of(list(authors.values()), AUTHORS_PER_PAGE)
    for number, index_chunk in enumerate(index_chunks, start=1):
        here = authors_index_path(number)
        pages[here] = index.render(
            front_matter=front_matter({"title": "Authors"}),
            intro=md_escape(
                f"{format_count(len(authors), 'author')} named on the saved Hugging Face "
                "paper pages of the atlas, by name. Listings show only how many authors a "
                "paper has, so a paper is here only when its own page was saved."
            ),
            rows=[
                (
                    md_escape(a.name),
                    link(here, author_path(a.slug)),
                    format_count(len(a.papers), "paper"),
                )
                for a in index_chunk
            ],
            pager=pager(number, len(index_chunks), here, authors_index_path),
        )
    return pages


AUTHORS_PER_PAGE = 500
"""Names per page of the index of authors (one short line each)."""


# --- paper pages ---------------------------------------------------------------------------


def paper_context(paper: Paper, site: SiteInput) -> PaperContext:
    here = paper_path(paper.slug)
    matches = site.assignments.get(paper.slug, ())
    topics = [
        TopicLink(
            name=site.taxonomy.get(m.topic).name,
            href=link(here, topic_path(m.topic)),
            reason=m.reason,
        )
        for m in matches
    ]
    other = [
        (
            md_escape(v.text),
            "; ".join(dict.fromkeys(md_escape(site.label(s.path)) for s in v.sources)),
        )
        for v in paper.abstract_variants[1:]
    ]
    query = title_query(paper.title)
    return PaperContext(
        front_matter=front_matter(
            {
                "title": html_text(paper.title),
                "description": html_text(_summary(paper.abstract)),
                # Shown as links above the title (overrides/partials/tags.html); other
                # builders read them as plain tags.
                "tags": [html_text(site.taxonomy.get(m.topic).name) for m in matches],
                "topic_urls": [url_path(topic_path(m.topic)) for m in matches],
                **citation_meta(paper),
            }
        ),
        title=md_escape(paper.title),
        metadata=paper_metadata(paper, site),
        topics=topics,
        unclassified_href=link(here, topic_path(UNCLASSIFIED)),
        abstract=md_escape(paper.abstract) if paper.abstract else None,
        authors=[
            f"[{md_escape(name)}]({link(here, author_path(author_slug(name)))})"
            for name in paper.author_names
        ],
        authors_note=_authors_note(paper),
        ai_summary=md_escape(paper.ai_summary) if paper.ai_summary else None,
        project_page=paper.project_page,
        index_only=_index_only(paper),
        search_filters=_search_filters(site, paper),
        other_abstracts=other,
        github=[
            (url, f" ({format_count(paper.latest_stars.value, 'star')} when last seen)")
            if index == 0 and paper.latest_stars is not None
            else (url, "")
            for index, url in enumerate(paper.github)
        ],
        links=[url for url in paper.links if url not in paper.github],
        search_links=[(name, url.format(q=query)) for name, url in SEARCH_LINKS],
        paper_links=_paper_links(paper),
        sources=[
            f"{md_escape(site.label(source.path))}: {md_code(str(source))}"
            for source in paper.sources
        ],
        conflicts=[f"{md_code(str(d.source))}: {md_escape(d.message)}" for d in paper.conflicts],
        bibtex=(bib := paper_bibtex(site, paper)),
        fence="`" * max(3, _longest_backtick_run(bib) + 1),
        related_fallback=next((r.fallback for r in site.related.get(paper.slug, ())), None),
        related_min=f"{MIN_SCORE:.2f}",
        related=[
            PaperRow(
                title=md_escape(site.corpus.papers[r.slug].title),
                href=link(here, paper_path(r.slug)),
                details=_related_details(site, r),
            )
            for r in site.related.get(paper.slug, ())
        ],
    )


def _related_details(site: SiteInput, related: Related) -> str:
    """Why a paper is listed: its similarity, the topic both papers are filed under (which
    ranked it higher), and the terms that weigh most in the similarity."""
    parts = [f"similarity {related.score:.2f}"]
    if related.topic is not None:
        parts.append(f"also in {md_escape(site.taxonomy.get(related.topic).name)}")
    if related.shared_terms:
        parts.append("shared terms: " + ", ".join(map(md_escape, related.shared_terms)))
    return "; ".join(parts)


def citation_meta(paper: Paper) -> dict[str, str | list[str]]:
    """Highwire Press `citation_*` values (what Zotero, Mendeley and Google Scholar read
    from a page's <meta> tags; overrides/main.html writes them): only what is known, and
    HTML-escaped like the other front matter values themes print as they are."""
    meta: dict[str, str | list[str]] = {"citation_title": html_text(paper.title)}
    if paper.author_names:
        meta["citation_authors"] = [html_text(name) for name in paper.author_names]
    date = paper.published
    if date is not None and date.year is not None:
        meta["citation_date"] = f"{date.year:04d}/{date.month:02d}/{date.day:02d}"
    if paper.arxiv_id is not None:
        links = arxiv_links(paper.arxiv_id)
        meta["citation_arxiv_id"] = paper.arxiv_id
        meta["citation_pdf_url"] = links["pdf"]
        meta["citation_abstract_html_url"] = links["abstract"]
    return meta


def _authors_note(paper: Paper) -> str:
    """What the authors line cannot show: the authors a page folded away (`+ 8 authors`)."""
    if not paper.author_names or paper.authors is None:
        return ""
    hidden = paper.authors - len(paper.author_names)
    return f"{hidden} more not named on the page" if hidden > 0 else ""


def _search_filters(site: SiteInput, paper: Paper) -> str:
    """The paper's topics (with the areas above them, so "Language models" also finds
    Reasoning papers) and its year, as Pagefind filters the search page offers. Hidden,
    and not indexed as words; generator/search_index.py keeps Pagefind's filter files the
    same bytes from run to run."""
    names: dict[str, None] = {}
    for match in site.assignments.get(paper.slug, ()):
        for slug in (match.topic, *site.taxonomy.ancestors(match.topic)):
            names.setdefault(site.taxonomy.get(slug).name)
    if not names:
        names["Unclassified"] = None
    spans = [f'<span data-pagefind-filter="topic">{html.escape(name)}</span>' for name in names]
    if paper.published is not None and paper.published.year is not None:
        spans.append(f'<span data-pagefind-filter="year">{paper.published.year}</span>')
    return f'<div class="atlas-filters" data-pagefind-ignore hidden>{"".join(spans)}</div>'


def _index_only(paper: Paper) -> str:
    """What the search index reads of a paper and a reader does not see: the American
    spelling of each British word of its title and abstract, and accented words without
    their accents (a query is respelled the same way, so "optimiser" and "optimizer" find
    the same papers)."""
    words = respellings(f"{paper.title} {paper.abstract or ''}")
    if not words:
        return ""
    return f'<div class="atlas-index-only" aria-hidden="true">{" ".join(words)}</div>'


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def paper_metadata(paper: Paper, site: SiteInput) -> list[str]:
    """The pieces of the line under the title: only what some listing showed."""
    parts: list[str] = []
    if paper.published is not None:
        date = paper.published.display()
        parts.append(
            f"Published {date}" if paper.published.year else f"Published {date}, year not shown"
        )
    if paper.organisation is not None:
        parts.append(md_escape(paper.organisation))
    if paper.authors is not None:
        parts.append(format_count(paper.authors, "author"))
    for snapshot, noun in (
        (paper.latest_upvotes, "upvote"),
        (paper.latest_comments, "comment"),
        (paper.latest_stars, "GitHub star"),
    ):
        if snapshot is None:
            continue
        count = format_count(snapshot.value, noun)
        if snapshot.source.path != paper.first_seen.path:  # else said once, below
            count += f" <small>(in {md_escape(site.label(snapshot.source.path))})</small>"
        parts.append(count)
    if paper.submitted_by is not None:
        parts.append(f"submitted by {md_escape(paper.submitted_by)}")
    first = paper.first_seen.path
    listing = link(paper_path(paper.slug), listing_path(listing_slug(first)))
    parts.append(f"first seen in [{md_escape(site.label(first))}]({listing})")
    return parts


def _paper_links(paper: Paper) -> list[tuple[str, str]]:
    if paper.arxiv_id is None:
        return []
    links = arxiv_links(paper.arxiv_id)
    return [
        (f"arXiv:{paper.arxiv_id}", links["abstract"]),
        ("PDF", links["pdf"]),
        ("Hugging Face", links["hugging_face"]),
    ]


def _summary(abstract: str | None, limit: int = 200) -> str:
    if not abstract:
        return ""
    text = " ".join(abstract.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


# --- topic pages ---------------------------------------------------------------------------


def topic_row(rule: TopicRule, site: SiteInput, here: PurePosixPath, depth: int = 0) -> TopicRow:
    return TopicRow(
        name=rule.name,
        href=link(here, topic_path(rule.slug)),
        count=len(site.members[rule.slug]),
        description=rule.description,
        depth=depth,
    )


def topic_pages(site: SiteInput, env: Environment) -> dict[PurePosixPath, str]:
    """Every topic's pages (and Unclassified's): the first with the topic's description
    and sub-topics, each with up to `PAGE_SIZE` papers, and the topic's papers as data
    for the page's sort and filter script."""
    pages: dict[PurePosixPath, str] = {}
    template = env.get_template("topic.md.j2")
    for rule in site.taxonomy.topics:
        parent = site.taxonomy.get(rule.parent) if rule.parent else None
        here = topic_path(rule.slug)
        pages.update(
            _topic_pages(
                site,
                template,
                rule.slug,
                name=rule.name,
                description=md_escape(rule.description),
                phrases=[
                    f"“{md_escape(phrase)}” ({format_count(n, 'paper')})"
                    for phrase, n in top_phrases(rule.slug, site.assignments)
                ],
                parent=topic_row(parent, site, here) if parent else None,
                children=[
                    topic_row(child, site, here) for child in site.taxonomy.children(rule.slug)
                ],
                feed=True,
            )
        )
    pages.update(
        _topic_pages(
            site,
            template,
            UNCLASSIFIED,
            name="Unclassified",
            description=(
                "Papers that match no topic rule in `content/topics.yml`. Each one is a hint "
                "that the taxonomy misses a phrase or a topic."
            ),
            phrases=[],
            parent=None,
            children=[],
            feed=False,
        )
    )
    return pages


def _topic_pages(
    site: SiteInput,
    template,
    slug: str,
    *,
    name: str,
    description: str,
    phrases: list[str],
    parent: TopicRow | None,
    children: list[TopicRow],
    feed: bool,
) -> dict[PurePosixPath, str]:
    members = site.members[slug]
    topics_of = {s: [m.topic for m in site.assignments.get(s, ())] for s in members}
    ordered = sorted(members, key=lambda s: newest_first(site.corpus.papers[s]))
    chunks = pages_of(ordered)
    below = sorted(
        {t for s in members for t in topics_of[s] if t != slug and slug in _ancestors(site, t)}
    )
    filters = [(t, site.taxonomy.get(t).name) for t in below]
    pages: dict[PurePosixPath, str] = {}
    data = topic_data_path(slug)
    for number, chunk in enumerate(chunks, start=1):
        here = topic_path(slug, number)
        matter: dict[str, str | list[str]] = {
            "title": html_text(name if number == 1 else f"{name} (page {number})")
        }
        if feed:
            matter["feed"] = topic_feed_link(slug)
        pages[here] = template.render(
            TopicContext(
                front_matter=front_matter(matter),
                name=md_escape(name),
                description=description,
                phrases=phrases if number == 1 else [],
                parent=parent if number == 1 else None,
                children=children if number == 1 else [],
                papers=paper_rows(tuple(chunk), site.corpus, here, topics_of),
                total=len(members),
                pager=pager(number, len(chunks), here, lambda n: topic_path(slug, n)),
                controls=_list_controls(here, data, filters, len(chunks)),
                first_href=link(here, topic_path(slug)) if number > 1 else "",
            )
        )
    pages[data] = topic_data(site, slug, ordered, topics_of)
    return pages


def _ancestors(site: SiteInput, slug: str) -> tuple[str, ...]:
    return () if slug == UNCLASSIFIED else site.taxonomy.ancestors(slug)


def _list_controls(here: PurePosixPath, data: PurePosixPath, filters, pages: int) -> str:
    """The (hidden) box the page's script fills with sort and filter controls; without
    JavaScript the list stays as written, newest first."""
    attrs = {
        "class": "atlas-list-controls",
        "data-src": relative_url(here, data),
        "data-pages": str(pages),
        "data-topics": json.dumps(filters, ensure_ascii=False),
    }
    text = " ".join(f'{key}="{html.escape(value, quote=True)}"' for key, value in attrs.items())
    return f"<div {text} hidden></div>"


def topic_data(site: SiteInput, slug: str, ordered: list[str], topics_of) -> str:
    """A topic's papers for its pages' script, newest first: what a row shows and what it
    sorts and filters by. URLs are relative to this file."""
    data = topic_data_path(slug)
    rows = []
    for paper_slug in ordered:
        paper = site.corpus.papers[paper_slug]
        rows.append(
            [
                paper.title,
                relative_url(data, paper_path(paper_slug)),
                row_details(paper, escape=False),
                snippet(paper.abstract),
                sort_date(paper),
                paper.latest_upvotes.value if paper.latest_upvotes else 0,
                paper.latest_comments.value if paper.latest_comments else 0,
                topics_of[paper_slug],
            ]
        )
    return json.dumps(
        {"fields": TOPIC_DATA_FIELDS, "papers": rows}, ensure_ascii=False, separators=(",", ":")
    )


TOPIC_DATA_FIELDS = ["title", "url", "details", "snippet", "date", "upvotes", "comments", "topics"]


def topic_tree(site: SiteInput, here: PurePosixPath) -> list[TopicRow]:
    """Every topic, each followed by its sub-topics, in taxonomy order."""
    rows: list[TopicRow] = []

    def walk(parent: str | None, depth: int) -> None:
        for rule in site.taxonomy.children(parent):
            rows.append(topic_row(rule, site, here, depth))
            walk(rule.slug, depth + 1)

    walk(None, 0)
    return rows


def topics_index_context(site: SiteInput) -> TopicsIndexContext:
    return TopicsIndexContext(
        front_matter=front_matter({"title": "Topics"}),
        rows=topic_tree(site, TOPICS_INDEX),
        unclassified=TopicRow(
            name="Unclassified",
            href=link(TOPICS_INDEX, topic_path(UNCLASSIFIED)),
            count=len(site.members[UNCLASSIFIED]),
            description="Papers that match no topic.",
            depth=0,
        ),
        total=len(site.corpus.papers),
    )


# --- home, health, nav ---------------------------------------------------------------------


def home_context(site: SiteInput) -> HomeContext:
    rows = [r for r in topic_tree(site, HOME) if r.depth == 0]
    rows.sort(key=lambda r: -r.count)  # stable: equal counts keep taxonomy order
    return HomeContext(
        front_matter=front_matter({"title": "Paper Atlas", "hide": ["navigation"]}),
        papers=len(site.corpus.papers),
        topics=len(site.taxonomy.topics),
        dumps=len(site.corpus.dumps),
        classified=len(site.corpus.papers) - len(site.members[UNCLASSIFIED]),
        top_topics=rows,
        highlights=home_highlights(site),
    )


def dump_row(dump: DumpReport, papers_from: int) -> dict[str, object]:
    listing = link(HEALTH, listing_path(listing_slug(dump.path)))
    errors = sum(1 for d in dump.diagnostics if d.level is Level.ERROR)
    warnings = sum(1 for d in dump.diagnostics if d.level is Level.WARNING)
    return {
        "listing": f"[{md_escape(dump.label)}]({listing})<br>{md_code(dump.path)}",
        "layout": md_escape(dump.layout),
        "lines": dump.line_count,
        "entries": f"{len(dump.entries)} ({papers_from} new)",
        "accounted": (
            f"{dump.count(LineKind.METADATA)} metadata, {dump.chrome_lines} chrome, "
            f"{dump.count(LineKind.BLANK)} blank"
        ),
        "unexplained": dump.count(LineKind.UNEXPLAINED),
        "problems": f"{format_count(errors, 'error')}, {format_count(warnings, 'warning')}",
    }


def health_context(site: SiteInput) -> HealthContext:
    corpus = site.corpus
    first_seen_counts: dict[str, int] = {}
    for paper in corpus.papers.values():
        first_seen_counts[paper.first_seen.path] = (
            first_seen_counts.get(paper.first_seen.path, 0) + 1
        )
    rows = [dump_row(d, first_seen_counts.get(d.path, 0)) for d in corpus.dumps]
    entries = sum(len(d.entries) for d in corpus.dumps)
    diagnostics = [d for dump in corpus.dumps for d in dump.diagnostics] + list(corpus.diagnostics)
    return HealthContext(
        # The table of dumps is wide: the page gives it the navigation's room.
        front_matter=front_matter({"title": "Corpus health", "hide": ["navigation"]}),
        rows=rows,
        totals={
            "dumps": len(corpus.dumps),
            "lines": sum(d.line_count for d in corpus.dumps),
            "entries": entries,
            "papers": len(corpus.papers),
            "merged": entries - len(corpus.papers),
            "multi_dump": sum(
                1 for p in corpus.papers.values() if len({s.path for s in p.sources}) > 1
            ),
            **paper_page_counts(corpus),
        },
        diagnostics=[md_escape(str(d)) for d in diagnostics],
    )


def paper_page_counts(corpus: Corpus) -> dict[str, int]:
    """Saved paper pages, counted apart from listings: read, merged into a paper some
    listing shows, a paper of their own, and their problems."""
    pages = {d.path for d in corpus.dumps if d.kind == "paper"}
    merged = own = 0
    for paper in corpus.papers.values():
        from_pages = [s for s in paper.sources if s.path in pages]
        if from_pages:
            if len(from_pages) < len(paper.sources):
                merged += 1
            else:
                own += 1
    problems = sum(
        1
        for d in corpus.dumps
        if d.path in pages
        for diagnostic in d.diagnostics
        if diagnostic.level is not Level.INFO
    )
    return {
        "paper_pages": len(pages),
        "paper_pages_merged": merged,
        "paper_pages_own": own,
        "paper_pages_problems": problems,
    }


def render_nav(site: SiteInput) -> str:
    """`.nav.yml`: `site_nav` as YAML, in the format of mkdocs-awesome-nav, the plugin that
    gives MkDocs and ProperDocs their nav (mkdocs.yml); Zensical reads the same file."""
    header = "# Generated by `python -m generator build`: the site navigation (MkDocs `nav:`).\n"
    return header + yaml.safe_dump(
        {"nav": site_nav(site)}, sort_keys=False, allow_unicode=True, width=1000
    )


def site_nav(site: SiteInput) -> list[object]:
    """The nav, as data in MkDocs' `nav:` shape: home and index pages, and every topic
    page. Paper pages stay out of it: a nav entry per paper makes every page carry the
    whole list. `.nav.yml` is written from it."""

    def subtree(parent: str | None) -> list[object]:
        items: list[object] = []
        for rule in site.taxonomy.children(parent):
            children = subtree(rule.slug)
            page = str(topic_path(rule.slug))
            if children:
                items.append({rule.name: [page, *children]})
            else:
                items.append({rule.name: page})
        return items

    nav = [
        {"Home": str(HOME)},
        {
            "Topics": [
                str(TOPICS_INDEX),
                *subtree(None),
                {"Unclassified": str(topic_path(UNCLASSIFIED))},
            ]
        },
        {"Archive": archive_nav(site)},
        {"Listings": str(LISTINGS_INDEX)},
        *([{"Authors": str(AUTHORS_INDEX)}] if site.authors else []),
        {"Downloads and feeds": str(EXPORTS_PAGE)},
        {"Corpus health": str(HEALTH)},
    ]
    return nav
