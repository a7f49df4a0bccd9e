"""RSS 2.0 read back with feedparser as feed readers read it (no bozo flag), and JSON
Feed 1.1 validated against the spec's rules (feedparser 6 cannot read JSON Feed)."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser
import jsonschema
import pytest
from conftest import ROOT, fixture_settings, seed_settings

from generator.build import run

SITE_URL = "https://example.org/atlas/"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("published") / "docs"
    return out, run(seed_settings(out, site_url=SITE_URL))


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("local") / "docs"
    return out, run(seed_settings(out))


def feeds(out: Path) -> list[tuple[Path, Path]]:
    """(RSS feed, the JSON Feed beside it) for the site and every topic."""
    found = [(rss, rss.with_suffix(".json")) for rss in sorted(out.rglob("feed.xml"))]
    assert len(found) > 20
    return found


def page_file(out: Path, here: PurePosixPath, href: str) -> Path:
    """The Markdown page a site-relative URL is served from: `papers/x/` is
    `papers/x.md`, `topics/y/` is `topics/y/index.md`, `./` at the root is `index.md`."""
    target = posixpath.normpath(posixpath.join(str(here), href))
    assert not target.startswith(".."), f"{href} leaves the site"
    if target == ".":
        return out / "index.md"
    as_page = out / f"{target}.md"
    return as_page if as_page.is_file() else out / target / "index.md"


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "rss20"
    return parsed


JSON_FEED_SCHEMA = json.loads((FIXTURES / "jsonfeed-1.1.schema.json").read_text())


def parse_json(path: Path) -> dict:
    feed = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(feed, JSON_FEED_SCHEMA)
    return feed


def test_every_feed_validates_and_the_two_formats_agree(published) -> None:
    out, _ = published
    for rss_path, json_path in feeds(out):
        rss, data = parse(rss_path), parse_json(json_path)
        assert rss.feed.title == data["title"]
        assert [e.id for e in rss.entries] == [i["id"] for i in data["items"]]
        assert [e.link for e in rss.entries] == [i["url"] for i in data["items"]]
        assert [e.title for e in rss.entries] == [i["title"] for i in data["items"]]
        # Published: every link is absolute, under the site's URL, and names itself.
        for link in [rss.feed.link, data["home_page_url"], *(e.link for e in rss.entries)]:
            assert link.startswith(SITE_URL), link
        relative = rss_path.relative_to(out).as_posix()
        assert data["feed_url"] == SITE_URL + relative.removesuffix(".xml") + ".json"
        self_link = ET.parse(rss_path).getroot().find("./channel/{http://www.w3.org/2005/Atom}link")
        assert self_link is not None and self_link.get("href") == SITE_URL + relative
        assert "SITE_URL" not in rss.feed.description


def test_json_feed_items_carry_the_abstract_as_text(published) -> None:
    """`content_text` is plain text: "0<delta<1" stays as written, in a field a reader
    never renders as HTML (the RSS description escapes it: tests/test_exports.py)."""
    out, report = published
    items = parse_json(out / "feed.json")["items"]
    assert len(items) == len(report.corpus.papers)
    with_lt = 0
    for item in items:
        paper = report.corpus.papers[item["id"].removeprefix("paper-atlas:")]
        assert item["content_text"] == (paper.abstract or paper.title)
        assert item["url"] == f"{SITE_URL}papers/{paper.slug}/"
        if paper.arxiv_id:
            assert item["external_url"] == f"https://arxiv.org/abs/{paper.arxiv_id}"
        with_lt += "<" in item["content_text"]
        # The seed dumps carry no capture date: no item gets an invented one.
        assert "date_published" not in item
    assert with_lt >= 1


def test_without_site_url_feed_links_resolve_from_the_feed_and_say_so(local) -> None:
    """No SITE_URL (a local build): links are relative to each feed's own address, so a
    topic feed's links no longer point under `/topics/<slug>/`; the feed and the
    downloads page say why; no `atom:link rel=self` with an address that is not known."""
    out, _ = local
    for rss_path, json_path in feeds(out):
        rss, data = parse(rss_path), parse_json(json_path)
        assert "Built without SITE_URL" in rss.feed.description
        here = PurePosixPath(rss_path.relative_to(out).as_posix()).parent
        links = [rss.feed.link, data["home_page_url"], *(e.link for e in rss.entries)]
        links += [item["url"] for item in data["items"]]
        for href in links:
            assert not urlsplit(href).scheme and not href.startswith("/"), href
            assert page_file(out, here, href).is_file(), f"{rss_path.relative_to(out)}: {href}"
        assert (
            ET.parse(rss_path).getroot().find("./channel/{http://www.w3.org/2005/Atom}link") is None
        )
        assert "feed_url" not in data
    assert "This build has no SITE_URL" in (out / "exports" / "index.md").read_text()


def test_capture_dates_date_items_and_the_channel_the_same_every_build(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "2026-10-04_daily.txt").write_text("Subscribe\n\nA Paper\n\nIts abstract.\n")
    (dumps / "2026-11-20_daily.txt").write_text("Subscribe\n\nB Paper\n\nIts <b> abstract.\n")
    out = tmp_path / "docs"
    run(fixture_settings(out, dumps=dumps, site_url=SITE_URL))
    first = (out / "feed.xml").read_bytes(), (out / "feed.json").read_bytes()
    rss, data = parse(out / "feed.xml"), parse_json(out / "feed.json")
    channel = ET.parse(out / "feed.xml").getroot().find("channel")
    assert channel.findtext("lastBuildDate") == "Fri, 20 Nov 2026 00:00:00 +0000"
    assert [e.published for e in rss.entries] == [
        "Fri, 20 Nov 2026 00:00:00 +0000",
        "Sun, 04 Oct 2026 00:00:00 +0000",
    ]
    assert [e.published_parsed[:3] for e in rss.entries] == [(2026, 11, 20), (2026, 10, 4)]
    assert [i["date_published"] for i in data["items"]] == [
        "2026-11-20T00:00:00Z",
        "2026-10-04T00:00:00Z",
    ]
    assert data["items"][0]["content_text"] == "Its <b> abstract."
    run(fixture_settings(out, dumps=dumps, site_url=SITE_URL))
    assert ((out / "feed.xml").read_bytes(), (out / "feed.json").read_bytes()) == first


def test_the_json_feed_check_does_fail_on_a_feed_readers_refuse() -> None:
    good = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [{"id": "1", "content_text": "x", "date_published": "2026-10-04T00:00:00Z"}],
    }
    jsonschema.validate(good, JSON_FEED_SCHEMA)
    for broken in (
        {**good, "version": "https://jsonfeed.org/version/1"},
        {**good, "items": [{"id": "1"}]},  # neither content_text nor content_html
        {**good, "items": [{"id": "1", "content_text": "x", "date_published": "2026-10-04"}]},
        {**good, "feed_url": "feed.json"},  # relative
        {**good, "items": [{"id": 1, "content_text": "x"}]},  # an id must be a string
        {**good, "authors": [{}]},  # an author names, links or pictures someone
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, JSON_FEED_SCHEMA)
