"""Render the whole Markdown tree in memory: `render_site(...) -> {path: text}`. No disk.

Templates (`generator/templates/*.md.j2`) only loop and branch; everything they show is
computed here. Front matter is produced with `yaml.safe_dump`, never by hand: titles hold
colons, quotes and `---`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TypedDict

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from .config import UNCLASSIFIED, Taxonomy, TopicRule
from .exports import arxiv_links, title_query
from .listings import (
    EXPORTS_PAGE,
    archive_nav,
    home_highlights,
    paper_bibtex,
    render_listings,
    topic_feed_link,
)
from .markup import (
    HEALTH,
    HOME,
    TOPICS_INDEX,
    PaperRow,
    TopicRow,
    format_count,
    front_matter,
    html_text,
    link,
    md_code,
    md_escape,
    paper_path,
    paper_rows,
    topic_path,
)
from .models import Corpus, DumpReport, Level, LineKind, Paper
from .related import Related
from .topics import TopicMatch, top_phrases

SEARCH_PAGE = PurePosixPath("search.md")
"""Pagefind's search UI; the header's search form opens it with `?q=`."""
NAV_FILE = PurePosixPath(".nav.yml")
"""A dotfile, so MkDocs does not copy it into the site; the hook reads it into `nav`."""

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
    other_abstracts: list[tuple[str, str]]
    github: list[str]
    links: list[str]
    search_links: list[tuple[str, str]]
    paper_links: list[tuple[str, str]]
    """The paper's own pages (arXiv abstract, PDF, Hugging Face) when its id is known."""
    sources: list[str]
    conflicts: list[str]
    related: list[PaperRow]
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
    dump_names: list[str]
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


@dataclass(frozen=True, slots=True)
class SiteInput:
    corpus: Corpus
    taxonomy: Taxonomy
    assignments: Mapping[str, tuple[TopicMatch, ...]]
    members: Mapping[str, tuple[str, ...]]
    """Topic slug → paper slugs, including `UNCLASSIFIED`."""
    related: Mapping[str, tuple[Related, ...]]
    site_url: str | None = None
    """The published site's URL, for links that leave the site (feeds, exports)."""
    bibtex: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Paper slug → its BibTeX entry, filled on first use: the paper page, `papers.bib`
    and the topic `.bib` files share one entry."""


def render_site(site: SiteInput) -> dict[PurePosixPath, str]:
    env = make_environment()
    paper, topic = env.get_template("paper.md.j2"), env.get_template("topic.md.j2")
    pages: dict[PurePosixPath, str] = {}
    for slug, record in site.corpus.papers.items():
        pages[paper_path(slug)] = paper.render(paper_context(record, site))
    for rule in site.taxonomy.topics:
        pages[topic_path(rule.slug)] = topic.render(topic_context(rule, site))
    pages[topic_path(UNCLASSIFIED)] = topic.render(unclassified_context(site))
    pages[TOPICS_INDEX] = env.get_template("topics_index.md.j2").render(topics_index_context(site))
    pages[HOME] = env.get_template("home.md.j2").render(home_context(site))
    pages[HEALTH] = env.get_template("health.md.j2").render(health_context(site))
    pages[SEARCH_PAGE] = env.get_template("search.md.j2").render(
        front_matter=front_matter({"title": "Search", "hide": ["toc"]})
    )
    pages[NAV_FILE] = render_nav(site)
    pages.update(render_listings(site, env))
    return pages


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
        (md_escape(v.text), ", ".join(md_code(str(s)) for s in v.sources))
        for v in paper.abstract_variants[1:]
    ]
    query = title_query(paper.title)
    return PaperContext(
        front_matter=front_matter(
            {
                "title": html_text(paper.title),
                "description": html_text(_summary(paper.abstract)),
                # Material's tags plugin shows these; other builders can ignore them.
                "tags": [html_text(site.taxonomy.get(m.topic).name) for m in matches],
            }
        ),
        title=md_escape(paper.title),
        metadata=paper_metadata(paper),
        topics=topics,
        unclassified_href=link(here, topic_path(UNCLASSIFIED)),
        abstract=md_escape(paper.abstract) if paper.abstract else None,
        other_abstracts=other,
        github=list(paper.github),
        links=[url for url in paper.links if url not in paper.github],
        search_links=[(name, url.format(q=query)) for name, url in SEARCH_LINKS],
        paper_links=_paper_links(paper),
        sources=[md_code(str(source)) for source in paper.sources],
        conflicts=[f"{md_code(str(d.source))}: {md_escape(d.message)}" for d in paper.conflicts],
        bibtex=(bib := paper_bibtex(site, paper)),
        fence="`" * max(3, _longest_backtick_run(bib) + 1),
        related=[
            PaperRow(
                title=md_escape(site.corpus.papers[r.slug].title),
                href=link(here, paper_path(r.slug)),
                details=f"similarity {r.score:.2f}; shared terms: "
                + ", ".join(map(md_escape, r.shared_terms)),
            )
            for r in site.related.get(paper.slug, ())
        ],
    )


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def paper_metadata(paper: Paper) -> list[str]:
    """The pieces of the line under the title; unknown values are said to be unknown."""
    parts: list[str] = []
    if paper.published is None:
        parts.append("Published: date not shown")
    elif paper.published.year is None:
        parts.append(f"Published {paper.published.display()} (year not shown)")
    else:
        parts.append(f"Published {paper.published.display()}")
    if paper.organisation is not None:
        parts.append(f"Organisation: {md_escape(paper.organisation)}")
    if paper.authors is not None:
        parts.append(format_count(paper.authors, "author"))
    for snapshot, noun in (
        (paper.latest_upvotes, "upvote"),
        (paper.latest_comments, "comment"),
        (paper.latest_stars, "GitHub star"),
    ):
        if snapshot is not None:
            parts.append(
                f"{format_count(snapshot.value, noun)} (as of {md_code(snapshot.source.path)})"
            )
    if paper.submitted_by is not None:
        parts.append(f"Submitted by {md_escape(paper.submitted_by)}")
    parts.append(f"First seen in {md_code(paper.first_seen.path)}")
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


def topic_context(rule: TopicRule, site: SiteInput) -> TopicContext:
    here = topic_path(rule.slug)
    parent = site.taxonomy.get(rule.parent) if rule.parent else None
    return TopicContext(
        front_matter=front_matter(
            {"title": html_text(rule.name), "feed": topic_feed_link(rule.slug)}
        ),
        name=md_escape(rule.name),
        description=md_escape(rule.description),
        phrases=[
            f"“{md_escape(phrase)}” ({format_count(n, 'paper')})"
            for phrase, n in top_phrases(rule.slug, site.assignments)
        ],
        parent=topic_row(parent, site, here) if parent else None,
        children=[topic_row(child, site, here) for child in site.taxonomy.children(rule.slug)],
        papers=paper_rows(site.members[rule.slug], site.corpus, here),
    )


def unclassified_context(site: SiteInput) -> TopicContext:
    return TopicContext(
        front_matter=front_matter({"title": "Unclassified"}),
        name="Unclassified",
        phrases=[],
        description=(
            "Papers that match no topic rule in `content/topics.yml`. Each one is a hint "
            "that the taxonomy misses a phrase or a topic."
        ),
        parent=None,
        children=[],
        papers=paper_rows(site.members[UNCLASSIFIED], site.corpus, topic_path(UNCLASSIFIED)),
    )


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
        dump_names=[md_code(d.path) for d in site.corpus.dumps],
        highlights=home_highlights(site),
    )


def dump_row(dump: DumpReport, papers_from: int) -> dict[str, object]:
    return {
        "path": md_code(dump.path),
        "layout": dump.layout
        + (f"; search page for “{md_escape(dump.query)}”" if dump.query else ""),
        "lines": dump.line_count,
        "entries": len(dump.entries),
        "new": papers_from,
        "metadata": dump.count(LineKind.METADATA),
        "chrome": dump.chrome_lines,
        "blank": dump.count(LineKind.BLANK),
        "unexplained": dump.count(LineKind.UNEXPLAINED),
        "errors": sum(1 for d in dump.diagnostics if d.level is Level.ERROR),
        "warnings": sum(1 for d in dump.diagnostics if d.level is Level.WARNING),
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
        front_matter=front_matter({"title": "Corpus health"}),
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
        },
        diagnostics=[md_escape(str(d)) for d in diagnostics],
    )


def render_nav(site: SiteInput) -> str:
    """The nav, in MkDocs' `nav:` syntax: home and index pages, and every topic page. Paper
    pages stay out of it: a nav entry per paper makes every page carry the whole list."""

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
        {"Downloads and feeds": str(EXPORTS_PAGE)},
        {"Corpus health": str(HEALTH)},
    ]
    header = "# Generated by `python -m generator build`: the site navigation (MkDocs `nav:`).\n"
    return header + yaml.safe_dump({"nav": nav}, sort_keys=False, allow_unicode=True, width=1000)
