"""Machine-readable views of the corpus: BibTeX, JSON, CSV and RSS. Pure: strings out.

- BibTeX: one `@misc` per paper, keyed by its slug (unique and permanent), every field
  escaped for LaTeX so any title parses; `author` only when a saved paper page named
  the authors (listings show a count), and `year` only when a dump showed it.
- JSON: `papers.json` is `{"schema_version", "generated_from", "papers": [...]}`; its
  schema is `papers.schema.json` beside it (SCHEMA below), version PAPERS_SCHEMA_VERSION.
- CSV: one row per paper, the same fields flattened (lists joined with " | ").
- Feeds, RSS 2.0 and JSON Feed 1.1 side by side, newest first by when a paper was first
  seen. An RSS description is the abstract as HTML-escaped text (readers render
  descriptions as HTML); a JSON Feed item carries it as `content_text`. A dump has no
  capture date unless its file name or header gives one, so items carry a `pubDate` /
  `date_published` only then, and the channel's `lastBuildDate` is the newest capture
  date: both optional in RSS 2.0 and JSON Feed, so no date is invented and the same dumps
  give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from email.utils import format_datetime
from functools import lru_cache
from urllib.parse import quote_plus
from xml.etree import ElementTree as ET

from .models import Paper

PAPERS_SCHEMA_VERSION = 1

# LaTeX specials, and what stands for them inside a braced BibTeX field.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIALS))


def bibtex_escape(text: str) -> str:
    text = " ".join(text.split())
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIALS[m.group(0)], text)


@lru_cache(maxsize=256)
def title_query(title: str) -> str:
    """A title as a URL query value. Cached: a paper page and its BibTeX entry both need
    it, one after the other."""
    return quote_plus(title)


def hf_search_url(title: str) -> str:
    return f"https://huggingface.co/papers?q={title_query(title)}"


def arxiv_links(arxiv_id: str) -> dict[str, str]:
    """Where a paper with a known arXiv id lives: its abstract, its PDF, its Hugging Face
    page."""
    return {
        "abstract": f"https://arxiv.org/abs/{arxiv_id}",
        "pdf": f"https://arxiv.org/pdf/{arxiv_id}",
        "hugging_face": f"https://huggingface.co/papers/{arxiv_id}",
    }


def bibtex_entry(paper: Paper, page_url: str | None) -> str:
    fields = [("title", "{" + bibtex_escape(paper.title) + "}")]  # double braces keep case
    if paper.author_names:
        names = [bibtex_escape(name) for name in paper.author_names]
        if paper.authors is not None and paper.authors > len(names):
            names.append("others")  # BibTeX's own word for authors not named
        fields.append(("author", " and ".join(names)))
    if paper.published is not None and paper.published.year is not None:
        fields.append(("year", str(paper.published.year)))
    if paper.arxiv_id is not None:
        # biblatex's and natbib's arXiv fields, and the abstract page for plain BibTeX.
        fields.append(("eprint", paper.arxiv_id))
        fields.append(("archivePrefix", "arXiv"))
        abstract = arxiv_links(paper.arxiv_id)["abstract"]
        fields.append(("howpublished", r"\url{" + abstract + "}"))
    elif paper.github:
        fields.append(("howpublished", r"\url{" + bibtex_escape(paper.github[0]) + "}"))
    if paper.arxiv_id is not None:
        hf = arxiv_links(paper.arxiv_id)["hugging_face"]
        note = "Listed on Hugging Face Papers: " + r"\url{" + hf + "}"
        if paper.github:
            note += "; code: " + r"\url{" + bibtex_escape(paper.github[0]) + "}"
    else:
        search = hf_search_url(paper.title)
        note = "Listed on Hugging Face Papers; search: " + r"\url{" + search + "}"
    if paper.authors is not None and not paper.author_names:
        note += f"; {paper.authors} author{'s' if paper.authors != 1 else ''} (names not listed)"
    fields.append(("note", note.replace("%", r"\%")))
    if page_url is not None:
        fields.append(("url", page_url.replace("%", r"\%")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{paper.slug},\n{body}\n}}\n"


def paper_record(paper: Paper, topics: Sequence[str] = (), url: str | None = None) -> dict:
    """Every field of a paper, JSON-ready (the `parse` command prints these too)."""

    def snapshots(items) -> list[dict[str, object]]:
        return [{"value": s.value, "source": str(s.source)} for s in items]

    record: dict[str, object] = {
        "slug": paper.slug,
        "title": paper.title,
        "arxiv_id": paper.arxiv_id,
        "abstract": paper.abstract,
        "authors": paper.authors,
        "author_names": list(paper.author_names),
        "ai_summary": paper.ai_summary,
        "project_page": paper.project_page,
        "organisation": paper.organisation,
        "published": paper.published.iso() if paper.published else None,
        "upvotes": snapshots(paper.upvotes),
        "comments": snapshots(paper.comments),
        "github_stars": snapshots(paper.github_stars),
        "submitted_by": paper.submitted_by,
        "github": list(paper.github),
        "links": list(paper.links),
        "abstract_variants": [
            {"text": v.text, "sources": [str(s) for s in v.sources]}
            for v in paper.abstract_variants
        ],
        "sources": [str(s) for s in paper.sources],
        "first_seen": str(paper.first_seen),
    }
    if url is not None:
        record["url"] = url
        record["topics"] = list(topics)
    return record


def papers_json(
    papers: Iterable[Paper], topics: Mapping[str, Sequence[str]], url, dumps: Sequence[str]
) -> str:
    data = {
        "schema_version": PAPERS_SCHEMA_VERSION,
        "schema": "papers.schema.json",
        "generated_from": list(dumps),
        "papers": [paper_record(p, topics.get(p.slug, ()), url(p)) for p in papers],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


_SNAPSHOTS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "source"],
        "properties": {"value": {"type": "integer"}, "source": {"type": "string"}},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Paper Atlas papers.json",
    "description": "Every paper of the atlas. Version 1; a breaking change bumps schema_version.",
    "type": "object",
    "required": ["schema_version", "papers"],
    "properties": {
        "schema_version": {"const": PAPERS_SCHEMA_VERSION},
        "schema": {"type": "string"},
        "generated_from": {"type": "array", "items": {"type": "string"}},
        "papers": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "title", "url", "sources", "first_seen"],
                "properties": {
                    "slug": {"type": "string", "description": "Permanent page name."},
                    "url": {
                        "type": "string",
                        "description": "Page URL (site-relative "
                        "unless the site URL was configured).",
                    },
                    "title": {"type": "string"},
                    "arxiv_id": {
                        "type": ["string", "null"],
                        "pattern": "^\\d{4}\\.\\d{4,5}$",
                        "description": "When a capture kept the paper's link "
                        "(https://arxiv.org/abs/<id>, https://huggingface.co/papers/<id>).",
                    },
                    "abstract": {"type": ["string", "null"]},
                    "authors": {
                        "type": ["integer", "null"],
                        "description": "Author count (listings show only this).",
                    },
                    "author_names": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Every author's name, in order, when a saved paper "
                        "page listed them; empty otherwise.",
                    },
                    "ai_summary": {
                        "type": ["string", "null"],
                        "description": "Hugging Face's AI-generated summary (paper pages).",
                    },
                    "project_page": {"type": ["string", "null"]},
                    "organisation": {"type": ["string", "null"]},
                    "published": {
                        "type": ["string", "null"],
                        "description": "YYYY-MM-DD, or --MM-DD when the year was not shown.",
                    },
                    "upvotes": _SNAPSHOTS,
                    "comments": _SNAPSHOTS,
                    "github_stars": _SNAPSHOTS,
                    "submitted_by": {"type": ["string", "null"]},
                    "github": {"type": "array", "items": {"type": "string"}},
                    "links": {"type": "array", "items": {"type": "string"}},
                    "abstract_variants": {"type": "array"},
                    "topics": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Topic slugs, best match first.",
                    },
                    "sources": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "file:line of every merged entry.",
                    },
                    "first_seen": {"type": "string"},
                },
            },
        },
    },
}


def schema_json() -> str:
    return json.dumps(SCHEMA, indent=1) + "\n"


CSV_COLUMNS = (
    "slug", "url", "title", "arxiv_id", "published", "authors", "author_names",
    "organisation", "upvotes",
    "comments", "github_stars", "topics", "github", "first_seen", "sources", "abstract",
)  # fmt: skip


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
(`=HYPERLINK(...)` in a title would run when a reader opens the file)."""


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a leading `'` before a formula character, as
    OWASP's CSV-injection advice says (the quote is not shown; tools that read the CSV as
    data see it, and the README says so). Numbers are left as numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(record: Mapping[str, object]) -> list[object]:
    """A `papers.csv` row from the paper's JSON record (`paper_record`): each field is
    declared once, there. Snapshots give their latest value, lists are joined with ` | `."""
    row: list[object] = []
    for name in CSV_COLUMNS:
        value = record[name]
        if name in ("upvotes", "comments", "github_stars"):
            value = value[-1]["value"] if value else ""  # type: ignore[index]
        elif isinstance(value, list):
            value = " | ".join(value)
        row.append(csv_cell("" if value is None else value))
    return row


def papers_csv(papers: Iterable[Paper], topics: Mapping[str, Sequence[str]], url) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in papers:
        writer.writerow(csv_row(paper_record(p, topics.get(p.slug, ()), url(p))))
    return out.getvalue()


_XML_INVALID_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: the parser removes control characters from dumps (with a
    warning), and this keeps any that reach a feed by another way from making the whole
    document unreadable."""
    return _XML_INVALID_RE.sub("", text)


FeedItem = tuple[Paper, str, date | None]
"""(paper, the URL of its page, the capture date of the dump that first showed it)."""


def rss_feed(
    *,
    title: str,
    link: str,
    description: str,
    feed_url: str | None,
    last_build: date | None,
    items: Sequence[FeedItem],
) -> str:
    """An RSS 2.0 document. `feed_url` (the `atom:link rel="self"`) only when the feed's
    published address is known."""
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": "http://www.w3.org/2005/Atom"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = xml_text(title)
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = xml_text(description)
    if feed_url is not None:
        ET.SubElement(
            channel, "atom:link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"}
        )
    if last_build is not None:
        ET.SubElement(channel, "lastBuildDate").text = rfc822(last_build)
    ET.SubElement(channel, "generator").text = "Paper Atlas"
    for paper, url, captured in items:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = xml_text(paper.title)
        ET.SubElement(item, "link").text = url
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = feed_id(paper)
        if paper.abstract:
            # Readers treat <description> as HTML: escaped, an abstract's "0<delta<1"
            # stays text instead of becoming a tag that swallows the words after it.
            ET.SubElement(item, "description").text = xml_text(
                html.escape(paper.abstract, quote=False)
            )
        if captured is not None:
            ET.SubElement(item, "pubDate").text = rfc822(captured)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def json_feed(
    *,
    title: str,
    home_page_url: str,
    description: str,
    feed_url: str | None,
    items: Sequence[FeedItem],
) -> str:
    """A JSON Feed 1.1 document with the items of the RSS feed beside it. Every item needs
    `content_text` or `content_html`: the abstract, or the title when a dump showed none
    (text, never HTML, so nothing in it can become markup)."""
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_page_url,
    }
    if feed_url is not None:
        feed["feed_url"] = feed_url
    feed["description"] = description
    feed["language"] = "en"
    entries: list[dict[str, object]] = []
    for paper, url, captured in items:
        entry: dict[str, object] = {
            "id": feed_id(paper),
            "url": url,
            "title": paper.title,
            "content_text": paper.abstract or paper.title,
        }
        if paper.arxiv_id:
            entry["external_url"] = arxiv_links(paper.arxiv_id)["abstract"]
        if captured is not None:
            entry["date_published"] = f"{captured.isoformat()}T00:00:00Z"
        if paper.author_names:
            entry["authors"] = [{"name": name} for name in paper.author_names]
        entries.append(entry)
    feed["items"] = entries
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def feed_id(paper: Paper) -> str:
    """An item's permanent id in every feed: the paper's URL slug never changes."""
    return f"paper-atlas:{paper.slug}"


def rfc822(day: date) -> str:
    """`datetime.date` → RSS date, at midnight UTC."""
    return format_datetime(datetime(day.year, day.month, day.day, tzinfo=UTC))
