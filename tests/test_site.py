"""End to end: the real mkdocs build of a project laid out like the repository."""

from __future__ import annotations

import html
import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import GOLDEN_INPUT, MKDOCS, ROOT, make_project, mkdocs_build, require

pytestmark = pytest.mark.slow
HREF_RE = re.compile(r'href="([^"#]+)(?:#[^"]*)?"')


def links_of(page: Path) -> set[Path]:
    """Resolved local pages a built page links to."""
    targets = set()
    for href in HREF_RE.findall(page.read_text()):
        if "://" in href or href.startswith(("mailto:", "javascript:")):
            continue
        target = (page.parent / href).resolve()
        targets.add(target / "index.html" if target.is_dir() else target)
    return targets


def test_seed_site_has_a_page_for_every_paper(seed_site: Path) -> None:
    pages = sorted((seed_site / "papers").glob("*/index.html"))
    assert len(pages) == 466


def test_seed_site_has_every_topic_page_and_they_link_both_ways(seed_site: Path) -> None:
    taxonomy = yaml.safe_load((ROOT / "content" / "topics.yml").read_text())
    slugs = [t["slug"] for t in taxonomy["topics"]] + ["unclassified"]
    parents = {t["slug"]: t.get("parent") for t in taxonomy["topics"]}

    def family(slug: str) -> set[Path]:
        """The topic's page and its sub-topics' pages: an area lists its sub-topics' papers,
        and those papers link to the sub-topic."""
        members = {s for s in slugs if s == slug}
        changed = True
        while changed:
            more = {s for s, p in parents.items() if p in members} - members
            members |= more
            changed = bool(more)
        return {(seed_site / "topics" / s / "index.html").resolve() for s in members}

    linked_papers: set[Path] = set()
    for slug in slugs:
        first = seed_site / "topics" / slug / "index.html"
        assert first.exists(), slug
        # A long topic goes on over pages of its own: topics/<slug>/page/<n>/.
        for topic_page in [first, *sorted((first.parent / "page").glob("*/index.html"))]:
            for paper_page in links_of(topic_page):
                if paper_page.parent.parent.name != "papers":  # a topic, a page, the home
                    continue
                linked_papers.add(paper_page)
                assert paper_page.exists(), paper_page
                assert family(slug) & links_of(paper_page), (topic_page, paper_page)
    assert (seed_site / "topics" / "language-models" / "page" / "2" / "index.html").exists()
    # Every paper is reachable from a topic page (or from Unclassified).
    assert linked_papers == set((seed_site / "papers").glob("*/index.html"))


def test_two_generator_runs_on_the_seeds_give_byte_identical_markdown(tmp_path: Path) -> None:
    from conftest import seed_settings

    from generator.build import run

    trees = []
    for name in ("one", "two"):
        out = tmp_path / name
        run(seed_settings(out))
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    topics = len(yaml.safe_load((ROOT / "content" / "topics.yml").read_text())["topics"])
    names = [str(path) for path in trees[0]]
    assert sum(1 for n in names if re.fullmatch(r"papers/[^/]+\.md", n)) == 466
    assert sum(1 for n in names if re.fullmatch(r"topics/[^/]+/index\.md", n)) == topics + 1
    assert trees[0] == trees[1]


def test_every_paper_page_shows_a_bibtex_entry_that_parses(seed_site: Path) -> None:
    import bibtexparser
    import pybtex.database

    entries = []
    for page in sorted((seed_site / "papers").glob("*/index.html")):
        markup = page.read_text()
        block = re.search(r'<h2 id="cite">.*?<code>(.*?)</code>', markup, re.S)
        assert block, page
        code = html.unescape(re.sub(r"<[^>]+>", "", block[1]))
        library = bibtexparser.parse_string(code)
        assert library.failed_blocks == [], page
        (entry,) = library.entries
        assert entry.key == page.parent.name
        # BibTeX's own reading (pybtex) agrees; and a build without SITE_URL gives no `url`
        # at all: never a local or relative one that a citation would carry.
        parsed = pybtex.database.parse_string(code, "bibtex")
        assert list(parsed.entries) == [entry.key]
        assert "url" not in {name.lower() for name in parsed.entries[entry.key].fields}
        assert "127.0.0.1" not in code and "localhost" not in code
        entries.append(entry.key)
    assert len(entries) == 466


def test_feeds_are_linked_from_every_page_head(seed_site: Path) -> None:
    for page in (seed_site / "index.html", seed_site / "topics" / "quantum" / "index.html"):
        heads = re.findall(
            r'<link rel="alternate" type="application/rss\+xml"[^>]*>', page.read_text()
        )
        hrefs = [re.search(r'href="([^"]+)"', h)[1] for h in heads]
        for href in hrefs:
            assert (page.parent / href).resolve().is_file(), href
    assert len(hrefs) == 2  # the site feed and the topic's own


def test_papers_stay_out_of_the_nav(seed_site: Path) -> None:
    home = (seed_site / "index.html").read_text()
    nav = home[home.index('<nav class="md-nav md-nav--primary"') :]
    assert "papers/" not in nav[: nav.index("</nav>")]


def test_search_index_holds_every_page(seed_site: Path) -> None:
    import json

    entry = json.loads((seed_site / "pagefind" / "pagefind-entry.json").read_text())
    pages = list(seed_site.rglob("index.html"))
    indexed = [p for p in pages if "data-pagefind-body" in p.read_text()]
    assert entry["languages"]["en"]["page_count"] == len(indexed)
    assert len([p for p in indexed if p.parent.parent.name == "papers"]) == 466
    # Material's own one-file index is gone: readers download Pagefind's chunks instead.
    assert not (seed_site / "search" / "search_index.json").exists()


def test_no_third_party_host_is_requested(seed_site: Path) -> None:
    page = next((seed_site / "papers").glob("*/index.html")).read_text()
    for tag in re.findall(r"<(?:script|link|img)[^>]+>", page):
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', tag):
            pytest.fail(f"page loads {url}")
    assert "fonts.googleapis.com" not in page


def test_hostile_text_renders_as_text(tmp_path: Path) -> None:
    project = make_project(tmp_path, GOLDEN_INPUT / "dumps", GOLDEN_INPUT / "topics.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    slug = "quantum-circuits-learn-everything-7-7-and-script-alert-1-script"
    page = (project / "site" / "papers" / slug / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:alert' not in page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Quantum Circuits Learn *Everything*: {{ 7*7 }} and <script>alert(1)</script>" in text
    assert "|x|^2 + \\lambda_1 where x_i ~ N(0,1); see [this](javascript:alert(1))" in text
    assert "{% raw %}" in text
    title = re.search(r"<title>(.*?)</title>", page, re.S)[1]
    assert html.unescape(title).startswith(
        "Quantum Circuits Learn *Everything*: {{ 7*7 }} and <script>"
    )


HOSTILE = ROOT / "tests" / "fixtures" / "hostile"


def test_hostile_titles_and_abstracts_render_literally_and_stay_inside_the_site(
    tmp_path: Path,
) -> None:
    from generator.build import parse_dumps

    project = make_project(tmp_path, HOSTILE / "dumps", HOSTILE / "topics.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    (report,) = parse_dumps([HOSTILE / "dumps" / "hostile.txt"], ROOT)
    site = project / "site"
    pages = sorted((site / "papers").glob("*/index.html"))
    assert len(pages) == len(report.entries) == 7
    for entry, page in zip(
        sorted(report.entries, key=lambda e: e.title), _pages_by_h1(pages), strict=True
    ):
        text = page[1]
        assert entry.title == page[0]
        assert " ".join(entry.abstract.split()) in text
    for page in pages:
        markup = page.read_text()
        assert "alert(" not in "".join(re.findall(r"<script[^>]*>(.*?)</script>", markup, re.S))
        assert not re.search(r"<img[^>]*onerror", markup)
        assert 'href="javascript:alert' not in markup
        assert not re.search(r"<img[^>]+evil\.example", markup)  # linked as text, never loaded
        assert "49 Jinja" not in html.unescape(re.sub(r"<[^>]+>", "", markup))  # not evaluated
    # Nothing was written outside the project's output directories.
    assert sorted(p.name for p in project.iterdir()) == sorted(
        ["build", "content", "generator", "mkdocs.yml", "overrides", "site"]
    )
    assert all(len(p.parent.name) <= 90 for p in pages)


def _pages_by_h1(pages: list[Path]) -> list[tuple[str, str]]:
    """(h1 text, page text) per page, sorted by the h1 text as a reader sees it."""
    found = []
    for page in pages:
        markup = page.read_text()
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.S)[1]
        h1_text = html.unescape(re.sub(r"<[^>]+>", "", h1)).replace("¶", "").strip()
        found.append((h1_text, html.unescape(re.sub(r"<[^>]+>", "", markup))))
    return sorted(found)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _wait_for(url: str, status: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _get(url) == status:
            return True
        time.sleep(0.5)
    return False


def test_serve_picks_up_a_new_dump_without_a_restart(tmp_path: Path) -> None:
    project = make_project(tmp_path, GOLDEN_INPUT / "dumps", GOLDEN_INPUT / "topics.yml")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    server = subprocess.Popen(
        [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_for(base, 200, 60), "mkdocs serve did not come up"
        new_page = base + "papers/a-brand-new-paper-about-robots/"
        assert _get(new_page) == 404
        (project / "content" / "dumps" / "d_new.txt").write_text(
            "Subscribe\n\nA Brand New Paper About Robots\n\nA robot learns to walk.\n"
        )
        assert _wait_for(new_page, 200, 60), "the new dump never reached the served site"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_seed_site_has_no_broken_link_or_anchor(seed_site: Path) -> None:
    from sitecheck import broken_links

    assert broken_links(seed_site) == []


def test_seed_site_html_is_valid(seed_site: Path) -> None:
    from sitecheck import VNU, html_errors

    require(VNU.is_file() and shutil.which("java") is not None, "java and npm vnu-jar")
    assert html_errors(seed_site) == []


def test_the_checks_do_fail_on_a_broken_site(tmp_path: Path) -> None:
    from sitecheck import VNU, broken_links, html_errors

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head><body>'
        '<a href="a/">ok</a> <a href="missing/">gone</a> <a href="a/#nowhere">anchor</a>'
        "</body></html>"
    )
    (site / "a" / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>a</title></head><body><p id="here">'
        '<img src="x.png"><a id="d"></a><a id="d" href="../index.html#here">wrong page</a>'
        "</body></html>"
    )
    (site / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>./</link>'
        "<description>d</description><item><title>i</title><link>papers/gone/</link></item>"
        "</channel></rss>"
    )
    (site / "feed.json").write_text(
        json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": "t",
                "home_page_url": "./",
                "items": [
                    {"id": "1", "url": "a/", "content_text": "x"},
                    {"id": "2", "url": "../outside/", "content_text": "x"},
                ],
            }
        )
    )
    found = broken_links(site)
    assert [line.split(" (")[0] for line in found] == [
        "a/index.html:1: a/x.png",
        "a/index.html:1: index.html#here",
        "feed.xml:1: papers/gone",
        "index.html:1: a#nowhere",
        "index.html:1: missing",
        "feed.json: ../outside/",
    ], found
    require(VNU.is_file() and shutil.which("java") is not None, "java and npm vnu-jar")
    assert html_errors(site), "the Nu checker accepted invalid HTML"


def test_no_page_but_health_shows_a_dump_file_name_outside_its_sources(seed_site: Path) -> None:
    names = [p.name for p in (ROOT / "content" / "dumps").iterdir()]
    stems = [name.rsplit(".", 1)[0] for name in names]
    for page in seed_site.rglob("*.html"):
        if page.parent.name == "health":
            continue
        markup = re.sub(r'<details class="info">.*?</details>', "", page.read_text(), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
        assert "content/dumps" not in text, page
        assert not any(stem in text for stem in stems), page


def test_every_dump_has_a_listing_page_in_its_order(seed_site: Path) -> None:
    listings = seed_site / "listings"
    pages = sorted(p.parent.name for p in listings.glob("*/index.html"))
    assert pages == [
        "000-c8ebe4c74f399ac9",
        "001-36019720e30c5c20",
        "002-e8e5cafb09e5d1d0",
        "003-104b885567196c9d",
        "004-09b46fd0036fc2b5",
    ]
    daily = (listings / "001-36019720e30c5c20" / "index.html").read_text()
    assert "<h1" in daily and "Daily papers, Nov 3" in daily
    first = re.search(r'<ol>\s*<li><a href="([^"]+)"', daily)
    assert first and first[1].endswith(
        "adahessian-an-adaptive-second-order-optimizer-for-machine-learning/"
    )
    # The long listing goes on over a second page, numbered on.
    second = (listings / "004-09b46fd0036fc2b5" / "page" / "2" / "index.html").read_text()
    assert '<ol start="201">' in second


def test_the_same_dumps_build_the_same_site_byte_for_byte(seed_site: Path, tmp_path: Path) -> None:
    """The whole built site, search index included, on a second build: Pagefind's filter
    files are rewritten in a fixed order (generator/search_index.py), and MkDocs' build
    date (sitemap, the gzip header of sitemap.xml.gz) is pinned to the dumps' newest
    capture date, not the clock."""
    from conftest import make_project, mkdocs_build

    project = make_project(tmp_path, ROOT / "content" / "dumps", ROOT / "content" / "topics.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr

    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    first, second = tree(seed_site), tree(project / "site")
    assert any(name.startswith("pagefind/filter/") for name in first)  # filters are there
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_saved_paper_pages_enrich_the_site_with_names_links_and_author_pages(
    tmp_path: Path,
) -> None:
    """Issue 15: the seeds plus the real paper pages that read without a warning. DSPy is
    in a seed listing too: its page gains its authors, arXiv links and a citable entry,
    and every author gets a page that lists it."""
    import bibtexparser
    import pybtex.database
    from conftest import FIXTURES, make_project, mkdocs_build

    dumps = tmp_path / "dumps"
    shutil.copytree(ROOT / "content" / "dumps", dumps)
    for name in (
        "2310.03714_dspy_jina_reader_with_json_meta",
        "2407.13168_scicode_text_with_hydration_json",
    ):
        shutil.copy(FIXTURES / "paper_pages" / f"{name}.txt", dumps)
    project = make_project(tmp_path, dumps, ROOT / "content" / "topics.yml")
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    slug = "dspy-compiling-declarative-language-model-calls-into-self-improving-pipelines"
    page = (site / "papers" / slug / "index.html").read_text()
    assert "Omar Khattab" in page and "Christopher Potts" in page
    # The authors line is searchable (not inside data-pagefind-ignore): a name finds it.
    authors = re.search(r'<p class="atlas-authors"[^>]*>', page)[0]
    assert "data-pagefind-ignore" not in authors
    assert 'href="https://arxiv.org/abs/2310.03714"' in page
    assert 'href="https://arxiv.org/pdf/2310.03714"' in page
    author = (site / "authors" / "omar-khattab" / "index.html").read_text()
    assert f'href="../../papers/{slug}/"' in author
    block = re.search(r'<h2 id="cite">.*?<code>(.*?)</code>', page, re.S)
    bib = html.unescape(re.sub(r"<[^>]+>", "", block[1]))
    assert bibtexparser.parse_string(bib).failed_blocks == []
    entry = pybtex.database.parse_string(bib, "bibtex").entries[slug]
    assert len(entry.persons["author"]) == 13
    assert entry.fields["eprint"] == "2310.03714"
    # SciCode is in no listing: a paper of its own, with its AI summary and 30 authors.
    scicode = (
        site / "papers" / "scicode-a-research-coding-benchmark-curated-by-scientists" / "index.html"
    ).read_text()
    assert "AI-generated summary" in scicode and "30 authors" in scicode
    health = (site / "health" / "index.html").read_text()
    assert re.search(
        r"Saved paper pages \(single papers, not listings\)</td>\s*<td[^>]*>2<", health
    )
    assert re.search(
        r"Papers a paper page enriched \(also in a listing\)</td>\s*<td[^>]*>1<", health
    )
    assert (site / "authors" / "index.html").exists()
    # A reference manager reads the names from the page's citation tags, in order.
    tags = citation_tags(site / "papers" / slug / "index.html")
    authors = [value for name, value in tags if name == "citation_author"]
    assert authors[:2] == ["Omar Khattab", "Arnav Singhvi"] and len(authors) == 13
    assert ("citation_arxiv_id", "2310.03714") in tags


class _MetaTags(html.parser.HTMLParser):
    """A page's <meta name=... content=...> pairs, read as Zotero's Embedded Metadata
    translator reads them (attribute values unescaped by the HTML parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name", "").startswith("citation_"):
            self.tags.append((found["name"], found.get("content") or ""))


def citation_tags(page: Path) -> list[tuple[str, str]]:
    reader = _MetaTags()
    reader.feed(page.read_text())
    return reader.tags


def test_every_paper_page_carries_highwire_citation_tags(seed_site: Path) -> None:
    """Issue 16: one `citation_title` per paper page, equal to the page's heading; a date
    only with its year; arXiv id and PDF only when the paper's id is known."""
    pages = sorted((seed_site / "papers").glob("*/index.html"))
    with_date = 0
    for page in pages:
        tags = citation_tags(page)
        titles = [value for name, value in tags if name == "citation_title"]
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(), re.S)[1]
        heading = re.sub(r'<a class="headerlink".*?</a>', "", heading)  # the ¶ permalink
        assert titles == [html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()], page
        dates = [value for name, value in tags if name == "citation_publication_date"]
        assert all(re.fullmatch(r"\d{4}/\d{2}/\d{2}", d) for d in dates)
        with_date += bool(dates)
        ids = [value for name, value in tags if name == "citation_arxiv_id"]
        pdfs = [value for name, value in tags if name == "citation_pdf_url"]
        assert pdfs == [f"https://arxiv.org/pdf/{i}" for i in ids]
    assert len(pages) == 466 and with_date == 59  # the seed papers whose year a listing showed
