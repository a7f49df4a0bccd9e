"""Where every page and file of the site lives: the one owner of output paths and URLs.

A page's path is its Markdown file under `build/docs` (`papers/<slug>.md`); MkDocs serves
it at a directory URL (`/papers/<slug>/`). Every other module and every template asks
this one for paths, links between pages and absolute URLs; none writes a path itself.
Pure.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath

HOME = PurePosixPath("index.md")
HEALTH = PurePosixPath("health.md")
SEARCH_PAGE = PurePosixPath("search.md")
"""Pagefind's search UI; the header's search form opens it with `?q=`."""
SEARCH_VOCABULARY = PurePosixPath("search", "vocabulary.json")
"""The words search can match, for the search page's "did you mean" (loaded on demand)."""
NAV_FILE = PurePosixPath(".nav.yml")
"""A dotfile, so MkDocs does not copy it into the site; the hook reads it into `nav`."""
TOPICS_INDEX = PurePosixPath("topics", "index.md")
ARCHIVE_INDEX = PurePosixPath("archive", "index.md")
LISTINGS_INDEX = PurePosixPath("listings", "index.md")
EXPORTS_PAGE = PurePosixPath("exports", "index.md")
SITE_FEED = PurePosixPath("feed.xml")
SITE_JSON_FEED = PurePosixPath("feed.json")
PAPERS_JSON = PurePosixPath("exports", "papers.json")
PAPERS_SCHEMA = PurePosixPath("exports", "papers.schema.json")
PAPERS_CSV = PurePosixPath("exports", "papers.csv")
PAPERS_BIB = PurePosixPath("exports", "papers.bib")
PAGEFIND = PurePosixPath("pagefind")
"""Pagefind's index and UI, written into the built site by the MkDocs hook."""
UNDATED = "undated"
"""The archive of papers whose year no listing showed."""


@cache
def paper_path(slug: str) -> PurePosixPath:
    return PurePosixPath("papers", f"{slug}.md")


@cache
def topic_path(slug: str, page: int = 1) -> PurePosixPath:
    """`topics/<slug>/index.md`, and `topics/<slug>/page/<n>/index.md` for the pages after
    the first of a big topic. An index page, so that Material's `navigation.indexes` makes
    it the page of its nav section (the URL is `/topics/<slug>/` either way)."""
    if page == 1:
        return PurePosixPath("topics", slug, "index.md")
    return PurePosixPath("topics", slug, "page", str(page), "index.md")


def topic_data_path(slug: str) -> PurePosixPath:
    """A topic's papers as data, for its pages' sort and filter script."""
    return PurePosixPath("topics", slug, "papers.json")


def topic_feed_path(slug: str) -> PurePosixPath:
    return PurePosixPath("topics", slug, "feed.xml")


def json_feed_path(rss_path: PurePosixPath) -> PurePosixPath:
    """The JSON Feed beside an RSS feed: `feed.xml` → `feed.json`."""
    return rss_path.with_suffix(".json")


def topic_bib_path(slug: str) -> PurePosixPath:
    return PurePosixPath("exports", "topics", f"{slug}.bib")


def archive_path(year: int | str, page: int = 1) -> PurePosixPath:
    if page == 1:
        return PurePosixPath("archive", str(year), "index.md")
    return PurePosixPath("archive", str(year), "page", str(page), "index.md")


_LISTING_SLUG_RE = re.compile(r"[^a-z0-9]+")


@cache
def listing_slug(dump_path: str) -> str:
    """A listing page's URL part, from its dump's file name (`content/dumps/004_x.txt` →
    `004-x`): the file name is what stays the same when a parser learns more about the
    page, so the URL does not move."""
    stem = PurePosixPath(dump_path).name.rsplit(".", 1)[0]
    return _LISTING_SLUG_RE.sub("-", stem.lower()).strip("-") or "listing"


def listing_path(slug: str, page: int = 1) -> PurePosixPath:
    if page == 1:
        return PurePosixPath("listings", slug, "index.md")
    return PurePosixPath("listings", slug, "page", str(page), "index.md")


AUTHORS_INDEX = PurePosixPath("authors", "index.md")


def author_path(slug: str, page: int = 1) -> PurePosixPath:
    """`/authors/<slug>/`: one page per named author (names come from saved paper pages);
    the index of authors goes on over `/authors/page/<n>/`."""
    if page == 1:
        return PurePosixPath("authors", slug, "index.md")
    return PurePosixPath("authors", slug, "page", str(page), "index.md")


def authors_index_path(page: int = 1) -> PurePosixPath:
    if page == 1:
        return AUTHORS_INDEX
    return PurePosixPath("authors", "page", str(page), "index.md")


def link(source: PurePosixPath, target: PurePosixPath) -> str:
    """The relative Markdown link from one generated page to another (MkDocs checks it).
    Pure string work: `posixpath.relpath` asks the OS for the working directory on every
    call, a quarter of the render time."""
    here, there = source.parts[:-1], target.parts
    if here == there[:-1]:  # paper to paper, the most common link by far
        return there[-1]
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + list(there[common:]))


def url_path(path: PurePosixPath) -> str:
    """The site-relative URL MkDocs serves a file at: `papers/x.md` → `papers/x/`,
    `topics/x/index.md` → `topics/x/`, `feed.xml` → `feed.xml`."""
    text = str(path)
    if text == "index.md":
        return ""
    if text.endswith("/index.md"):
        return text.removesuffix("index.md")
    if text.endswith(".md"):
        return text.removesuffix(".md") + "/"
    return text


def relative_url(source: PurePosixPath, target: PurePosixPath) -> str:
    """The URL of `target` relative to the URL `source` is served at: for links a browser
    follows as they are (raw HTML, a script's data), which MkDocs does not rewrite."""
    here = url_path(source)
    base = here.rsplit("/", 1)[0].split("/") if "/" in here else []
    there = url_path(target).split("/")
    common = 0
    while common < min(len(base), len(there) - 1) and base[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + there[common:]) or "./"


def absolute_url(site_url: str | None, path: PurePosixPath) -> str | None:
    """The published URL of a page or file, when the site's URL is known; never a local
    or relative one (a feed, an export or a citation travels away from the site)."""
    if not site_url:
        return None
    return site_url.rstrip("/") + "/" + url_path(path)
