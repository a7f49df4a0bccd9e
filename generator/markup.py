"""Markdown building blocks shared by every page: paths, links, escaping, front matter
and paper rows. Pure."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

import yaml

from .models import Corpus, Paper

# Every character that means something to Python-Markdown or the extensions in mkdocs.yml,
# written as an HTML character reference: the browser shows it as written and no Markdown
# (or Jinja, for `{`) layer can read it as syntax. `&` goes first.
_MD_SPECIALS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "&#92;",
    "`": "&#96;",
    "*": "&#42;",
    "_": "&#95;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "#": "&#35;",
    "$": "&#36;",
    "^": "&#94;",
    "~": "&#126;",
    "=": "&#61;",
}
_MD_SPECIALS_RE = re.compile("|".join(re.escape(c) for c in _MD_SPECIALS))
# A line starting like a list item (`- x`, `1. x`) or a rule (`---`) would change block
# structure: its first marker character is encoded too.
_ORDERED_ITEM_RE = re.compile(r"^(\d+)([.)])(?=\s|$)")
_WHITESPACE_RE = re.compile(r"\s+")
# libyaml's emitter when PyYAML was built with it (10x faster); the output is the same.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@cache
def paper_path(slug: str) -> PurePosixPath:
    return PurePosixPath("papers", f"{slug}.md")


@cache
def topic_path(slug: str) -> PurePosixPath:
    """`topics/<slug>/index.md`: an index page, so that Material's `navigation.indexes`
    makes it the page of its nav section (the URL is `/topics/<slug>/` either way)."""
    return PurePosixPath("topics", slug, "index.md")


TOPICS_INDEX = PurePosixPath("topics", "index.md")
HOME = PurePosixPath("index.md")
HEALTH = PurePosixPath("health.md")


def link(source: PurePosixPath, target: PurePosixPath) -> str:
    """The relative Markdown link from one generated page to another (MkDocs checks it).
    Pure string work: `posixpath.relpath` asks the OS for the working directory on every
    call, a quarter of the render time."""
    here, there = source.parts[:-1], target.parts
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + list(there[common:]))


def md_escape(text: str) -> str:
    """Text that renders exactly as written, on one line, whatever characters it holds."""
    text = _WHITESPACE_RE.sub(" ", text).strip()
    text = _MD_SPECIALS_RE.sub(lambda m: _MD_SPECIALS[m.group(0)], text)
    if text[:1] in ("-", "+"):
        return f"&#{ord(text[0])};{text[1:]}"
    match = _ORDERED_ITEM_RE.match(text)
    if match:
        return f"{match[1]}&#{ord(match[2])};{text[match.end() :]}"
    return text


def html_text(text: str) -> str:
    """For front matter values that themes print into HTML unescaped (MkDocs' Jinja
    environment does not autoescape, and Material prints `page.title` as is)."""
    return html.escape(_WHITESPACE_RE.sub(" ", text).strip(), quote=True)


def front_matter(data: Mapping[str, object]) -> str:
    dumped = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n"


def format_count(n: int | None, singular: str, plural: str | None = None) -> str:
    if n is None:
        return ""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One line of a paper list."""

    title: str
    href: str
    details: str


@dataclass(frozen=True, slots=True)
class TopicRow:
    name: str
    href: str
    count: int
    description: str
    depth: int


def paper_rows(slugs: tuple[str, ...], corpus: Corpus, here: PurePosixPath) -> list[PaperRow]:
    """Newest first; papers whose year is unknown after dated ones; then by title."""
    papers = [corpus.papers[slug] for slug in slugs]
    papers.sort(key=_newest_first)
    return [
        PaperRow(
            title=md_escape(p.title),
            href=link(here, paper_path(p.slug)),
            details=_row_details(p),
        )
        for p in papers
    ]


def _newest_first(paper: Paper) -> tuple[int, int, int, int, str]:
    date = paper.published
    if date is None:
        return (2, 0, 0, 0, paper.key)
    if date.year is None:
        return (1, -date.month, -date.day, 0, paper.key)
    return (0, -date.year, -date.month, -date.day, paper.key)


def _row_details(paper: Paper) -> str:
    parts = [paper.published.display() if paper.published else "date not shown"]
    if paper.organisation:
        parts.append(md_escape(paper.organisation))
    elif paper.authors is not None:
        parts.append(format_count(paper.authors, "author"))
    if paper.latest_upvotes is not None:
        parts.append(format_count(paper.latest_upvotes.value, "upvote"))
    if paper.latest_comments is not None:
        parts.append(format_count(paper.latest_comments.value, "comment"))
    return " · ".join(parts)
