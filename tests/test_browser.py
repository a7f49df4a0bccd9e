"""What a reader sees, in headless Chromium (Playwright driving Debian's chromium, never a
downloaded browser), on the seed site served over http: search, topic and paper pages,
the palette toggle, a phone-sized screen, accessibility (axe-core) and that no request
leaves the site. Elements are found by role and text, not by the theme's CSS classes."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, require

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def base_url(seed_site: Path) -> Iterator[str]:
    server, url = serve(seed_site)
    yield url
    server.shutdown()


@pytest.fixture
def page(browser, base_url: str):
    """A fresh page that records, and blocks, every request leaving the site."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def route(route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert outside == [], f"requests left the site: {outside}"


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    require(AXE.is_file(), "npm axe-core")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def search(page, base_url: str, words: str):
    """Type into the header's search box and submit, as a reader does; return the result
    links of the search page."""
    page.goto(base_url)
    page.get_by_role("searchbox", name="Search papers").click()
    page.keyboard.type(words, delay=10)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q="))
    # Pagefind's UI lives in our #atlas-search element (generator/templates/search.md.j2).
    return page.locator("#atlas-search").get_by_role("link")


def test_typing_words_of_a_title_finds_that_paper_first_and_opens_it(page, base_url) -> None:
    from playwright.sync_api import expect

    results = search(page, base_url, "Grand Unification Quantum Algorithms")
    first = results.first
    expect(first).to_have_text("A Grand Unification of Quantum Algorithms", timeout=10_000)
    first.click()
    page.wait_for_url(re.compile(r".*/papers/a-grand-unification-of-quantum-algorithms/"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("A Grand Unification of Quantum Algorithms")


def test_words_every_paper_page_repeats_find_nothing(page, base_url) -> None:
    """The words "Semantic Scholar" are in every paper page's search links and in no seed
    abstract: only titles, metadata, topics and abstracts are indexed, so no paper matches
    (asked of the index itself: the search page would drop "scholar" and search on)."""
    page.goto(base_url + "search/")
    count = page.evaluate(
        """async () => {
            const pagefind = await import(new URL("../pagefind/pagefind.js", location.href));
            await pagefind.init();
            return (await pagefind.search("Semantic Scholar")).results.length;
        }"""
    )
    assert count == 0


def test_a_misspelt_query_shows_no_results_and_a_did_you_mean(page, base_url) -> None:
    """No indexed word starts with "transfomer": the page hides Pagefind's matches on
    short prefixes, says no paper has the word, and offers the closest indexed word."""
    from playwright.sync_api import expect

    page.goto(base_url + "search/")
    page.locator(".pagefind-ui__search-input").click()
    page.keyboard.type("transfomer", delay=20)
    note = page.locator("#atlas-search-note")
    expect(note).to_contain_text("No results: no paper has “transfomer”", timeout=10_000)
    expect(page.locator("#atlas-search .pagefind-ui__results-area")).to_be_hidden()
    suggestion = note.get_by_role("link", name="“transformer”")
    suggestion.click()
    expect(page.locator("#atlas-search .pagefind-ui__result").first).to_be_visible(timeout=10_000)
    assert page.url.endswith("?q=transformer")
    assert page.locator(".pagefind-ui__search-input").input_value() == "transformer"


def test_a_query_word_no_paper_has_is_dropped_and_named(page, base_url) -> None:
    from playwright.sync_api import expect

    page.goto(base_url + "search/?q=speculative%20decoding%20zxqvbnm")
    note = page.locator("#atlas-search-note")
    expect(note).to_contain_text("No paper has “zxqvbnm”: showing results", timeout=10_000)
    first = page.locator("#atlas-search .pagefind-ui__result-link").first
    expect(first).to_contain_text(re.compile("Speculative|Decoding", re.I), timeout=10_000)


def test_slash_focuses_the_search_box(page, base_url) -> None:
    page.goto(base_url + "topics/")
    page.keyboard.press("/")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Search papers"


def test_a_topic_page_lists_its_papers_and_every_link_opens(page, base_url) -> None:
    page.goto(base_url + "topics/quantum/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Quantum computing")
    content = page.get_by_role("main")
    links = content.get_by_role("link").filter(has_text=re.compile("Quantum", re.I))
    hrefs = [a.get_attribute("href") for a in links.all()]
    paper_hrefs = [h for h in hrefs if h and "papers/" in h]
    assert len(paper_hrefs) >= 10
    for href in paper_hrefs:
        response = page.request.get(base_url + "topics/quantum/" + href)
        assert response.status == 200, href
    content.get_by_role("link", name=re.compile("Grand Unification")).click()
    page.wait_for_url(re.compile(r".*/papers/a-grand-unification-of-quantum-algorithms/"))


def test_a_paper_page_shows_topics_related_papers_and_bibtex(page, base_url) -> None:
    page.goto(base_url + "papers/a-grand-unification-of-quantum-algorithms/")
    main = page.get_by_role("main")
    assert main.get_by_role("link", name="Quantum computing").first.is_visible()
    assert main.get_by_role("heading", name=re.compile("Related papers")).is_visible()
    related = main.get_by_role("link", name=re.compile("Quantum Hamiltonian Embedding"))
    assert related.is_visible()
    assert main.get_by_role("heading", name=re.compile("Cite")).is_visible()
    code = main.locator("code", has_text="@misc{a-grand-unification-of-quantum-algorithms")
    assert code.is_visible()


def test_the_palette_toggle_switches_to_dark_mode_and_back(page, base_url) -> None:
    page.goto(base_url)
    scheme = page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == "default"
    # The visible toggle is a <label> titled with what it does.
    page.get_by_title("Switch to dark mode").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.get_by_title("Switch to light mode").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"


def test_the_layout_works_at_a_phone_width(browser, base_url) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(base_url + "papers/a-grand-unification-of-quantum-algorithms/")
        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_role("heading", name=re.compile("Abstract")).is_visible()
        # The sidebar navigation is folded away behind the header's menu button...
        menu = page.locator('header label[for="__drawer"]')
        assert menu.is_visible()
        nav_link = page.get_by_role("link", name="Corpus health").first

        def on_screen() -> bool:
            box = nav_link.bounding_box()  # the drawer slides in from outside the screen
            return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375

        assert not on_screen()
        menu.click()
        page.wait_for_timeout(500)  # the drawer's slide-in transition
        assert on_screen()
        # ...and nothing is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    ["", "topics/", "topics/quantum/", "papers/a-grand-unification-of-quantum-algorithms/",
     "archive/", "health/"],
)  # fmt: skip
def test_pages_have_no_serious_accessibility_violation(page, base_url, path: str) -> None:
    page.goto(base_url + path)
    assert axe_violations(page) == []


def test_search_results_have_no_serious_accessibility_violation(page, base_url) -> None:
    search(page, base_url, "quantum").first.wait_for()
    assert axe_violations(page) == []


def test_axe_does_report_a_serious_violation(page, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body><main>'
        '<p style="color:#777;background:#888">unreadable</p><img src="x.png">'
        "<button></button></main></body></html>"
    )
    server, url = serve(tmp_path)
    try:
        page.goto(url)
        found = axe_violations(page)
    finally:
        server.shutdown()
    assert any(v.startswith("color-contrast") for v in found)
    assert any(v.startswith("image-alt") for v in found)


def test_dark_mode_pages_have_no_serious_accessibility_violation(browser, base_url) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        for path in ("", "papers/a-grand-unification-of-quantum-algorithms/", "topics/quantum/"):
            page.goto(base_url + path)
            assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
            assert axe_violations(page) == [], path
    finally:
        context.close()


def test_a_topic_list_sorts_and_filters_in_the_browser_and_stays_a_list_without_js(
    browser, page, base_url
) -> None:
    page.goto(base_url + "topics/language-models/")
    total = int(re.search(r"Papers \((\d+)\)", page.locator("article").inner_text())[1])
    code = int(
        page.get_by_role("row", name=re.compile("Code generation")).get_by_role("cell").nth(1)
        .inner_text()
    )  # fmt: skip
    items = page.locator(".atlas-papers li")
    assert total > 200 and items.count() == 200  # the first of two pages
    first_newest = items.first.inner_text()
    page.get_by_label("Sort by").select_option("comments")
    status = page.get_by_role("status")
    status.filter(has_text=f"{total} of {total} papers").wait_for()  # every page's, loaded
    assert "8 comments" in items.first.inner_text() and items.first.inner_text() != first_newest
    page.get_by_label("Sub-topic").select_option(label="Code generation")
    status.filter(has_text=f"{code} of {total} papers").wait_for()
    assert items.count() == code
    # A snippet under each title.
    assert page.locator(".atlas-papers li .atlas-snippet").count() == code
    # Back to newest, no filter: the page as written, with its pager.
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_label("Sub-topic").select_option("")
    assert items.first.inner_text() == first_newest
    assert page.get_by_role("navigation", name="Pages of this list").first.is_visible()

    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(base_url + "topics/language-models/")
        assert plain.locator(".atlas-papers li").count() == 200
        assert not plain.get_by_label("Sort by").count()  # no controls without a script
        plain.get_by_role("link", name="2", exact=True).first.click()
        assert plain.locator(".atlas-papers li").count() == total - 200
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_the_phone_header_shows_the_site_name_in_full(browser, base_url, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(base_url + "topics/quantum/")
        title = page.locator(".md-header__title .md-ellipsis").first  # the site's name
        assert page.get_by_role("searchbox", name="Search papers").is_visible()
        assert title.inner_text().strip() == "Paper Atlas"
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth")  # not cut to "P…"
    finally:
        context.close()


def test_the_health_table_fits_a_1280_pixel_screen(page, base_url) -> None:
    page.goto(base_url + "health/")
    wrappers = page.locator(".md-typeset__scrollwrap")
    assert wrappers.count() >= 2
    for index in range(wrappers.count()):
        assert wrappers.nth(index).evaluate("e => e.scrollWidth <= e.clientWidth + 1"), index


def test_the_search_page_has_one_search_box_and_a_no_script_message_with_links(
    browser, page, base_url
) -> None:
    page.goto(base_url + "search/?q=quantum")
    page.locator(".pagefind-ui__result").first.wait_for()
    # Pagefind's box only: the header's form is not shown on the search page.
    assert page.locator(".atlas-search__input").count() == 0
    assert page.locator(".pagefind-ui__search-input").count() == 1
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(base_url + "search/")
        assert plain.get_by_role("link", name="topic", exact=True).is_visible()
        assert "](" not in plain.locator("article").inner_text()  # no raw Markdown
    finally:
        context.close()


SEARCH_QUERIES = ROOT / "tests" / "fixtures" / "search_queries.yml"
SEARCH_FLOOR = {"hit@1": 0.93, "hit@5": 0.93, "zero": 0.05}
"""Measured when the queries were written (hit@1 0.94, hit@5 0.94, no result for 4%),
then with British spellings and hyphens normalised (hit@1 0.96, hit@5 0.96, 4%), less a
little: the build fails when search gets worse."""


def test_search_quality_on_queries_written_from_abstracts(page, base_url) -> None:
    """Issue 14's search measure: queries a reader would type for a paper, written from
    its abstract without its title. Runs Pagefind in the page on each query as the search
    page normalises it (hyphens, British spellings)."""
    import yaml

    queries = yaml.safe_load(SEARCH_QUERIES.read_text())
    assert len(queries) >= 40
    page.goto(base_url + "search/")
    found = page.evaluate(
        """async (queries) => {
            const pagefind = await import(new URL("../pagefind/pagefind.js", location.href));
            await pagefind.init();
            const out = [];
            await new Promise(done => {  // the page's own query normaliser, once loaded
                const wait = () => window.atlasNormalise ? done() : setTimeout(wait, 20);
                wait();
            });
            for (const q of queries) {
                const search = await pagefind.search(window.atlasNormalise(q));
                const top = await Promise.all(search.results.slice(0, 5).map(r => r.data()));
                out.push(top.map(d => d.url));
            }
            return out;
        }""",
        [q["query"] for q in queries],
    )
    ranks = []
    for query, urls in zip(queries, found, strict=True):
        paper = f"/papers/{query['paper']}/"
        ranks.append(next((i for i, url in enumerate(urls) if url.endswith(paper)), None))
    figures = {
        "hit@1": sum(r == 0 for r in ranks) / len(ranks),
        "hit@5": sum(r is not None for r in ranks) / len(ranks),
        "zero": sum(not urls for urls in found) / len(found),
    }
    missed = [q["query"] for q, r in zip(queries, ranks, strict=True) if r is None]
    print("search quality on", len(queries), "queries:", figures, "missed:", missed)
    assert figures["hit@1"] >= SEARCH_FLOOR["hit@1"]
    assert figures["hit@5"] >= SEARCH_FLOOR["hit@5"]
    assert figures["zero"] <= SEARCH_FLOOR["zero"]


def test_search_respells_british_words_and_keeps_the_query_in_the_url(page, base_url) -> None:
    page.goto(base_url + "search/")
    box = page.locator(".pagefind-ui__search-input")
    box.click()
    page.keyboard.type("neighbourhood search", delay=20)
    # An abstract that says "neighborhood" is found with the British spelling.
    page.get_by_role("link", name=re.compile("Searching Large Neighborhoods")).wait_for()
    assert page.url.endswith("?q=neighbourhood%20search")


def test_a_search_opened_with_a_query_always_offers_both_filters(browser, base_url) -> None:
    """Pagefind 1.5.2 loads index and filter chunks into one WebAssembly state, and chunks
    that arrive before its init has finished all start from the same state: when the
    search page searched at once, one load could undo another and the Topic filter was
    missing (about one load in seven on a busy machine, one in five with the WebAssembly
    held back as here). atlas.js now searches once the filters are in. A race, so this
    opens the page ten times: without the fix it failed in most runs."""
    import time

    def slow_wasm(route) -> None:
        if "wasm." in route.request.url:
            time.sleep(0.5)  # init is still running when the chunks arrive
        route.continue_()

    missing = []
    for attempt in range(10):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", slow_wasm)
        page = context.new_page()
        page.goto(base_url + "search/?q=reasoning")
        page.locator("#atlas-search .pagefind-ui__message").filter(
            has_text=re.compile(r"^\d+ results")
        ).wait_for(timeout=15_000)
        names = page.locator("#atlas-search summary.pagefind-ui__filter-name")
        page.wait_for_timeout(300)  # the filter panel renders with the results
        shown = sorted(names.all_inner_texts())
        if shown != ["Topic", "Year"]:
            missing.append((attempt, shown))
        context.close()
    assert missing == []


def test_topic_and_year_filters_narrow_the_results(page, base_url) -> None:
    """Topics (with their areas) and years are Pagefind filters on paper pages: the search
    page lists them with counts, and ticking one keeps only the papers it names."""
    from playwright.sync_api import expect

    page.goto(base_url + "search/?q=reasoning")
    message = page.locator("#atlas-search .pagefind-ui__message")
    expect(message).to_contain_text(re.compile(r"^\d+ results"), timeout=10_000)
    before = int(message.inner_text().split()[0])
    page.locator("#atlas-search summary", has_text="Topic").click()
    option = page.locator(".pagefind-ui__filter-label", has_text="Theorem proving").first
    option.click()
    # The count is the number of results that have the topic (the label's count is the
    # same once Pagefind has refreshed it; read the message, which changes last).
    expect(message).not_to_contain_text(f"{before} results", timeout=10_000)
    expect(message).to_contain_text(re.compile(r"^\d+ results? for"), timeout=10_000)
    after = int(message.inner_text().split()[0])
    assert 0 < after < before
    links = page.locator("#atlas-search .pagefind-ui__result-link")
    expect(links.first).to_be_visible()
    assert all(
        "/papers/" in (links.nth(i).get_attribute("href") or "") for i in range(links.count())
    )
    # Years: one per paper that has a known date, none for the others.
    page.locator("#atlas-search summary", has_text="Year").click()
    years = page.locator(".pagefind-ui__filter-label", has_text=re.compile(r"^\s*20\d\d"))
    assert years.count() >= 1
