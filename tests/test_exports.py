"""BibTeX, JSON, CSV, feeds and archives, checked with the tools their readers use."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import bibtexparser
import jsonschema
import pybtex.database
import pytest
from conftest import fixture_settings, seed_settings
from pylatexenc.latex2text import LatexNodes2Text

from generator.build import capture_date, run
from generator.corpus import build_corpus
from generator.exports import bibtex_entry
from generator.parse import parse_dump

HOSTILE_TITLES = [
    "Plain Title",
    "100% {Unbalanced} Braces } { and $math$ & #hash_under^hat~tilde",
    "Back\\slash \\textbf{not a command} @misc{x, title={y}}",
    "Quotes \"double\" and 'single', comma, = equals",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_bibtex_entry_parses_and_keeps_the_title(title: str) -> None:
    text = f"Subscribe\n\n{title}\n\nAbstract.\n\n  • 2 authors\n·\nJun 1, 2020\n"
    (paper,) = build_corpus([parse_dump(text, "d.txt")]).papers.values()
    entry_text = bibtex_entry(paper, "https://example.org/p/")
    library = bibtexparser.parse_string(entry_text)
    assert library.failed_blocks == []
    pybtex_entry = pybtex.database.parse_string(entry_text, "bibtex").entries[paper.slug]
    assert pybtex_entry.fields["year"] == "2020"
    (entry,) = library.entries
    assert entry.key == paper.slug
    assert entry.fields_dict["year"].value == "2020"
    decoded = LatexNodes2Text().latex_to_text(entry.fields_dict["title"].value)
    decoded = decoded.replace("\u02c6", "^")  # pylatexenc renders \textasciicircum as ˆ
    assert " ".join(decoded.split()) == title


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("seed") / "docs"
    report = run(seed_settings(out, site_url="https://example.org/atlas/"))
    return out, report


def test_exports_hold_every_paper_and_validate(seed_out) -> None:
    out, report = seed_out
    papers = len(report.corpus.papers)
    assert len(list((out / "papers").glob("*.md"))) == papers == 466

    data = json.loads((out / "exports" / "papers.json").read_text())
    schema = json.loads((out / "exports" / "papers.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["schema_version"] == 1
    assert len(data["papers"]) == papers
    first = data["papers"][0]
    assert first["url"] == f"https://example.org/atlas/papers/{first['slug']}/"

    rows = list(csv.DictReader(io.StringIO((out / "exports" / "papers.csv").read_text())))
    assert len(rows) == papers
    assert {row["slug"] for row in rows} == {p["slug"] for p in data["papers"]}

    bib = (out / "exports" / "papers.bib").read_text()
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    assert len(library.entries) == papers
    parsed = pybtex.database.parse_string(bib, "bibtex")  # BibTeX's own rules too
    assert len(parsed.entries) == papers
    for key, entry in parsed.entries.items():  # the published page, never a relative URL
        assert entry.fields["url"] == f"https://example.org/atlas/papers/{key}/"


def test_topic_bibliographies_and_feeds_match_topic_membership(seed_out) -> None:
    out, report = seed_out
    for topic, members in report.site.members.items():
        if topic == "unclassified":
            continue
        bib = bibtexparser.parse_string((out / "exports" / "topics" / f"{topic}.bib").read_text())
        assert sorted(e.key for e in bib.entries) == sorted(members)
        feed = ET.parse(out / "topics" / topic / "feed.xml").getroot()
        guids = [g.text for g in feed.iter("guid")]
        assert sorted(guids) == sorted(f"paper-atlas:{slug}" for slug in members)


def test_site_feed_is_newest_first_by_dump_with_stable_ids(seed_out) -> None:
    out, report = seed_out
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    items = feed.findall("./channel/item")
    assert len(items) == 466
    order = [d.path for d in report.corpus.dumps]
    first_seen = [
        order.index(report.corpus.papers[i.find("guid").text.split(":", 1)[1]].first_seen.path)
        for i in items
    ]
    assert first_seen == sorted(first_seen, reverse=True)
    # The seed dumps carry no capture date: no item gets an invented one.
    assert feed.find("./channel/item/pubDate") is None
    assert items[0].find("link").text.startswith("https://example.org/atlas/papers/")


def test_feeds_hold_the_newest_papers_and_the_exports_page_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import listings

    out = tmp_path / "docs"
    full = run(fixture_settings(out))
    assert "newest papers of its topic" not in (out / "exports" / "index.md").read_text()
    newest = [
        f"paper-atlas:{p.slug}"
        for p in listings.newest_first_seen(
            full.corpus.papers.values(), {d.path: i for i, d in enumerate(full.corpus.dumps)}
        )
    ]
    assert [g.text for g in ET.parse(out / "feed.xml").getroot().iter("guid")] == newest

    monkeypatch.setattr(listings, "FEED_ITEMS", 3)
    report = run(fixture_settings(out))
    assert [g.text for g in ET.parse(out / "feed.xml").getroot().iter("guid")] == newest[:3]
    for topic, members in report.site.members.items():
        if topic != "unclassified":
            feed = ET.parse(out / "topics" / topic / "feed.xml").getroot()
            assert len(feed.findall("./channel/item")) == min(3, len(members))
    page = (out / "exports" / "index.md").read_text()
    assert "Each feed holds the 3 newest papers of its topic" in page
    assert "the 3 newest papers, newest first" in page
    # The bibliographies are not cut.
    bib = bibtexparser.parse_string((out / "exports" / "papers.bib").read_text())
    assert len(bib.entries) == len(report.corpus.papers) > 3


def test_a_capture_date_in_the_file_name_dates_feed_items(tmp_path: Path) -> None:
    assert str(capture_date("2026-10-04_daily.txt")) == "2026-10-04"
    assert capture_date("2026-13-40.txt") is None
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "2026-10-04_daily.txt").write_text("Subscribe\n\nA Paper\n\nIts abstract.\n")
    out = tmp_path / "docs"
    run(fixture_settings(out, dumps=dumps))
    (date,) = [e.text for e in ET.parse(out / "feed.xml").getroot().iter("pubDate")]
    assert date == "Sun, 04 Oct 2026 00:00:00 +0000"


def test_archives_list_every_paper_exactly_once(seed_out) -> None:
    out, report = seed_out
    linked: list[str] = []
    for page in sorted((out / "archive").glob("*/**/index.md")):  # years and their pages
        linked += re.findall(r"\((?:\.\./)+papers/([^)]+)\.md\)", page.read_text())
    assert sorted(linked) == sorted(report.corpus.papers)
    assert (out / "archive" / "undated" / "index.md").exists()
    index = (out / "archive" / "index.md").read_text()
    assert "| [2024](2024/index.md) | 22 |" in index


def test_home_page_shows_new_papers_top_papers_and_charts(seed_out) -> None:
    out, _ = seed_out
    home = (out / "index.md").read_text()
    assert "## New in the latest listing" in home
    # Listings by what a reader calls them, linked to their pages; never by file name.
    newest = "[Papers listing](listings/004-09b46fd0036fc2b5/index.md)"
    assert f"{newest} added 224 papers; the first 10:" in home
    assert "## Most discussed" in home
    daily = "[Daily papers, Nov 3](listings/001-36019720e30c5c20/index.md)"
    assert f"8 comments in {daily}" in home
    assert "content/dumps" not in home
    assert home.count('<svg role="img"') == 2
    assert "Papers per publication year" in home


def test_each_paper_field_is_declared_once_the_schema_and_csv_follow_the_record() -> None:
    """The JSON record is the one declaration of a paper's fields: the schema lists
    exactly its keys, and every CSV column is one of them."""
    from generator.exports import CSV_COLUMNS, SCHEMA, csv_row, paper_record

    text = "Subscribe\n\nA Paper\n\nIts abstract.\n\n  • 2 authors\n·\nJun 1, 2020\n"
    (paper,) = build_corpus([parse_dump(text, "d.txt")]).papers.values()
    record = paper_record(paper, ["quantum"], "papers/a-paper/")
    properties = SCHEMA["properties"]["papers"]["items"]["properties"]
    assert set(properties) == set(record)
    assert set(CSV_COLUMNS) <= set(record)
    row = dict(zip(CSV_COLUMNS, csv_row(record), strict=True))
    assert row["title"] == "A Paper" and row["topics"] == "quantum" and row["authors"] == 2
    assert row["published"] == "2020-06-01" and row["upvotes"] == ""


@pytest.mark.parametrize("hidden", ["", "\n+ 3 authors\n"])
def test_bibtex_of_a_paper_page_names_its_authors_and_arxiv(hidden: str) -> None:
    """A saved paper page gives names: `author = {A and B}` (and `others` for names the
    page folded away), with `eprint` and `archivePrefix`, read back by both parsers."""
    names = ["Ada Lovelace", "José García", "Tim O'Neil {Brace} 100%"]
    authors = " ,\n\n".join(names)
    text = (
        "---\ntitle: Paper page - A Paper\nurl: https://huggingface.co/papers/2401.00001\n---\n"
        f"\n# A Paper\n\nPublished on Jan 3, 2024\n\nAuthors:\n\n{authors}\n{hidden}\n"
        "## Abstract\n\nThe abstract.\n"
    )
    (paper,) = build_corpus([parse_dump(text, "p.md")]).papers.values()
    entry_text = bibtex_entry(paper, None)
    library = bibtexparser.parse_string(entry_text)
    assert library.failed_blocks == []
    parsed = pybtex.database.parse_string(entry_text, "bibtex").entries[paper.slug]
    people = [str(person) for person in parsed.persons["author"]]
    assert len(people) == len(names) + (1 if hidden else 0)
    assert people[0] == "Lovelace, Ada"
    assert (people[-1] == "others") == bool(hidden)
    assert parsed.fields["eprint"] == "2401.00001"
    assert parsed.fields["archivePrefix"] == "arXiv"
    assert entry_text.startswith("@misc{")


def test_feed_descriptions_are_html_that_shows_the_abstract_as_text(seed_out) -> None:
    """Readers render <description> as HTML: the abstract is HTML-escaped inside it, so a
    seed abstract's "0<delta<1" reads back as written (it showed as "0<1" before)."""
    out, report = seed_out
    items = ET.parse(out / "feed.xml").getroot().findall("./channel/item")
    by_slug = {i.find("guid").text.split(":", 1)[1]: i for i in items}
    checked = 0
    for slug, paper in report.corpus.papers.items():
        description = by_slug[slug].find("description")
        if paper.abstract is None:
            assert description is None
            continue
        html_text = description.text
        assert "<" not in html_text  # no tag: the HTML is all text
        assert html.unescape(html_text) == paper.abstract
        checked += "<" in paper.abstract
    assert checked >= 1  # a seed abstract with "<" in it (0<delta<1) is among them
