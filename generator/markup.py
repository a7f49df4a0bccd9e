"""Markdown building blocks shared by every page: escaping, front matter and paper rows.
Pure. (Paths and links are `routes`'.)"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TypeVar

import yaml

from .models import Corpus, Paper
from .routes import link, paper_path

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
_BLOCK_STARTS = frozenset("-+!?:/%@")
"""First characters of block syntax not already in `_MD_SPECIALS`: list items, and the
`!!!` admonitions, `???` collapsibles, `:` definitions and `///` blocks of the extensions
a Material site enables. Every text is written as one line, so only its start matters."""
_WHITESPACE_RE = re.compile(r"\s+")


def md_escape(text: str) -> str:
    """Text that renders exactly as written, on one line, whatever characters it holds."""
    if len(text) <= _CACHED_LENGTH:
        return _md_escape_short(text)
    return _md_escape(text)


_CACHED_LENGTH = 300
"""Titles, names and terms are escaped once and reused: each title appears on its own
page, in its neighbours' related lists, its topics, archives and feeds. Abstracts, each
escaped once, are not kept."""


@lru_cache(maxsize=1 << 17)
def _md_escape_short(text: str) -> str:
    return _md_escape(text)


def _md_escape(text: str) -> str:
    text = _WHITESPACE_RE.sub(" ", text).strip()
    text = _MD_SPECIALS_RE.sub(lambda m: _MD_SPECIALS[m.group(0)], text)
    if text[:1] in _BLOCK_STARTS:
        return f"&#{ord(text[0])};{text[1:]}"
    match = _ORDERED_ITEM_RE.match(text)
    if match:
        return f"{match[1]}&#{ord(match[2])};{text[match.end() :]}"
    return text


def md_code(text: str) -> str:
    """Text shown as code (a dump's path, `file:line`), whatever characters it holds: a
    `<code>` element around escaped text. A backtick code span would end at the first
    backtick of a file name, and what follows it would be Markdown and HTML again."""
    return f"<code>{_INTRAWORD_UNDERSCORE_RE.sub('_', md_escape(text))}</code>"


_INTRAWORD_UNDERSCORE_RE = re.compile(r"(?<=[0-9A-Za-z])&#95;(?=[0-9A-Za-z])")
"""`001_x.txt` stays readable: Python-Markdown's underscore emphasis needs a non-word
character before its first `_` and after its last, so `_` between two letters or digits
is only an underscore."""


def html_text(text: str) -> str:
    """For front matter values that themes print into HTML unescaped (MkDocs' Jinja
    environment does not autoescape, and Material prints `page.title` as is)."""
    return html.escape(_WHITESPACE_RE.sub(" ", text).strip(), quote=True)


def front_matter(data: Mapping[str, str | Sequence[str]]) -> str:
    """YAML front matter for string and list-of-string values, written directly: PyYAML's
    representer took a third of the time of rendering a paper page. Strings that YAML
    would read back as something else (`yes`, `null`, `1.0`) or that hold an indicator
    (`: `, `#`, a leading `-`) are quoted: single quotes when every character prints as
    itself, else double quotes with escapes, as PyYAML chooses (the seed site's front
    matter is byte-identical to PyYAML's). The round trip through `yaml.safe_load` is
    property-tested."""
    lines = ["---"]
    for key, value in data.items():
        if isinstance(value, str):
            lines.append(f"{key}: {yaml_scalar(value)}")
        elif not value:
            lines.append(f"{key}: []")
        else:
            lines.append(f"{key}:")
            lines.extend(f"- {yaml_scalar(item)}" for item in value)
    lines.append("---")
    return "\n".join(lines) + "\n"


_YAML_PRINTABLE = (
    r"\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
)
"""What YAML prints as itself, minus the line and paragraph separators and the byte-order
mark, which it reads as breaks or drops."""
_YAML_PLAIN_RE = re.compile(rf"[^\W\d_](?:(?![:#])[{_YAML_PRINTABLE}]|:(?! )|(?<! )#)*(?<![ :])")
"""YAML plain scalars, conservatively: a letter first (so never a number in any YAML
version, nor an indicator), printable characters, no `: ` or ` #`, no trailing space or
colon."""
_YAML_AMBIGUOUS = frozenset({"y", "n"})
"""Booleans to some YAML 1.1 readers though not to PyYAML's resolver."""
_YAML_STR_TAG = "tag:yaml.org,2002:str"
_YAML_RESOLVER = yaml.resolver.Resolver()
_YAML_SINGLE_RE = re.compile(rf"(?! )[{_YAML_PRINTABLE}]*(?<! )")
"""Single quotes hold any printable text (`'` doubled); PyYAML double-quotes text that
starts or ends with a space, and so does this."""
_YAML_ESCAPE_RE = re.compile(rf'["\\]|[^{_YAML_PRINTABLE}]')
"""In a double-quoted scalar: `"`, `\\`, and everything YAML does not print as itself
(control characters, NEL and the Unicode line and paragraph separators, which YAML
reads as line breaks, the byte-order mark, surrogates)."""


def yaml_scalar(text: str) -> str:
    if (
        _YAML_PLAIN_RE.fullmatch(text)
        and text.lower() not in _YAML_AMBIGUOUS
        and (_YAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _YAML_STR_TAG)
    ):
        return text
    if _YAML_SINGLE_RE.fullmatch(text):
        return "'" + text.replace("'", "''") + "'"
    return '"' + _YAML_ESCAPE_RE.sub(_yaml_escape, text) + '"'


def _yaml_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in ('"', "\\"):
        return "\\" + char
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def format_count(n: int | None, singular: str, plural: str | None = None) -> str:
    if n is None:
        return ""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


@dataclass(frozen=True, slots=True)
class PaperRow:
    """One line of a paper list: a link, what is known of the paper, a one-line snippet,
    and the values the page's script sorts and filters by (`attrs`, an attr_list)."""

    title: str
    href: str
    details: str
    snippet: str = ""
    attrs: str = ""
    section: str = ""
    """The heading this row goes under (an archive's month), if the list has headings."""


@dataclass(frozen=True, slots=True)
class TopicRow:
    name: str
    href: str
    count: int
    description: str
    depth: int


def paper_rows(
    slugs: tuple[str, ...],
    corpus: Corpus,
    here: PurePosixPath,
    topics_of: Mapping[str, Sequence[str]] | None = None,
) -> list[PaperRow]:
    """Newest first; papers whose year is unknown after dated ones; then by title. With
    `topics_of` (paper slug → topic slugs), each row carries a snippet and the data a
    topic page's script sorts and filters by."""
    papers = [corpus.papers[slug] for slug in slugs]
    papers.sort(key=newest_first)
    return [paper_row(p, here, topics_of) for p in papers]


def paper_row(
    paper: Paper,
    here: PurePosixPath,
    topics_of: Mapping[str, Sequence[str]] | None = None,
    section: str = "",
) -> PaperRow:
    return PaperRow(
        title=md_escape(paper.title),
        href=link(here, paper_path(paper.slug)),
        details=row_details(paper),
        snippet=md_escape(snippet(paper.abstract)) if topics_of is not None else "",
        attrs=_row_attrs(paper, topics_of.get(paper.slug, ())) if topics_of is not None else "",
        section=section,
    )


SNIPPET_CHARS = 220


def snippet(abstract: str | None) -> str:
    """The abstract's first sentence, cut at a word near `SNIPPET_CHARS`."""
    if not abstract:
        return ""
    text = " ".join(abstract.split())
    match = _FIRST_SENTENCE_RE.match(text)
    first = match.group(0) if match else text
    if len(first) <= SNIPPET_CHARS:
        return first
    return first[:SNIPPET_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


_FIRST_SENTENCE_RE = re.compile(r".+?[.!?](?=\s+[A-Z(\[]|$)")


def sort_date(paper: Paper) -> str:
    """A paper's date as the page's script sorts it: `YYYY-MM-DD`, `0000-MM-DD` when the
    year is unknown, empty when no date is."""
    date = paper.published
    if date is None:
        return ""
    return f"{date.year or 0:04d}-{date.month:02d}-{date.day:02d}"


def _row_attrs(paper: Paper, topics: Sequence[str]) -> str:
    upvotes = paper.latest_upvotes.value if paper.latest_upvotes else 0
    comments = paper.latest_comments.value if paper.latest_comments else 0
    year = paper.published.year if paper.published and paper.published.year else ""
    return (
        f'{{ data-date="{sort_date(paper)}" data-year="{year}" data-upvotes="{upvotes}" '
        f'data-comments="{comments}" data-topics="{" ".join(topics)}" }}'
    )


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page is among the pages of one long list, and links to the others."""

    number: int
    count: int
    links: list[tuple[str, str | None]]
    """(label, href) for first, previous, nearby, next and last pages; href None for the
    current page and for gaps (`…`)."""


PAGE_SIZE = 200
"""Papers per page of a long list: a topic page of 200 papers with snippets is about
130 KB of HTML (seed site), well under the 300 KB every page of the site keeps to."""


def pages_of(items: Sequence[T], size: int = PAGE_SIZE) -> list[Sequence[T]]:
    """A long list split into pages of `size`; one (maybe empty) page when it is short."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items]


def pager(number: int, count: int, here: PurePosixPath, path_of) -> Pager | None:
    """Links from page `number` of `count` (paths from `path_of(n)`); None for one page."""
    if count <= 1:
        return None
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    links: list[tuple[str, str | None]] = []
    if number > 1:
        links.append(("‹ Previous", link(here, path_of(number - 1))))
    previous = 0
    for n in shown:
        if n - previous > 1:
            links.append(("…", None))
        links.append((str(n), None if n == number else link(here, path_of(n))))
        previous = n
    if number < count:
        links.append(("Next ›", link(here, path_of(number + 1))))
    return Pager(number=number, count=count, links=links)


def newest_first(paper: Paper) -> tuple[int, int, int, int, str]:
    date = paper.published
    if date is None:
        return (2, 0, 0, 0, paper.key)
    if date.year is None:
        return (1, -date.month, -date.day, 0, paper.key)
    return (0, -date.year, -date.month, -date.day, paper.key)


def row_details(paper: Paper, *, escape: bool = True) -> str:
    """What a paper list shows beside a title: date, organisation or author count, and
    the latest counts. Markdown, or plain text with `escape=False`."""
    parts = [paper.published.display()] if paper.published else []
    if paper.organisation:
        parts.append(md_escape(paper.organisation) if escape else paper.organisation)
    elif paper.authors is not None:
        parts.append(format_count(paper.authors, "author"))
    if paper.latest_upvotes is not None:
        parts.append(format_count(paper.latest_upvotes.value, "upvote"))
    if paper.latest_comments is not None:
        parts.append(format_count(paper.latest_comments.value, "comment"))
    return " · ".join(parts)
