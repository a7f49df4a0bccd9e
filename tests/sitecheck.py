"""Checks of a built site as a reader's browser meets it: links, anchors and HTML validity.

A small link checker instead of lychee: PyPI's `lychee` is an unrelated blog generator and
lychee's own binary is not on the registries this project can reach. It checks every
local `href`/`src` of every page: the target file exists and the `#fragment` is an id
(or name) on the target page. External links are not fetched (no network at build time).
"""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VNU = (
    Path(__file__).resolve().parent.parent
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)

# Nu checker errors that come from Material's own templates, not from our pages:
THEME_EXCEPTIONS = {
    # <input type="checkbox" autocomplete="off"> on Material's drawer and search toggles:
    # `autocomplete=off` stops Firefox restoring the toggles' state on back navigation.
    "Attribute “autocomplete” is only allowed when the input type is",
    # Material's toggles are hidden checkboxes driven by <label for=...>; the labels point
    # at inputs the validator considers hidden.
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        for key in ("href", "src"):
            if values.get(key) and not (tag == "link" and values.get("rel") == "preconnect"):
                self.links.append(values[key])


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def broken_links(site: Path) -> list[str]:
    """`page: link (why)` for every local link that leads nowhere."""
    site = site.resolve()
    problems: list[str] = []
    cache: dict[Path, _Page] = {}
    for page_path in sorted(site.rglob("*.html")):
        for href in _parse(page_path, cache).links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith("//"):
                continue  # external (http, mailto, javascript:...): not fetched
            where = page_path.relative_to(site)
            if parts.path:
                # Root-relative links (the 404 page has them) start at the site root.
                base = site if parts.path.startswith("/") else page_path.parent
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if parts.path.endswith("/") or target.is_dir():
                    target = target / "index.html"
            else:
                target = page_path
            if not target.is_file():
                problems.append(f"{where}: {href} (no such file)")
                continue
            if site not in target.parents:
                problems.append(f"{where}: {href} (outside the site)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in _parse(target, cache).ids:
                problems.append(f"{where}: {href} (no such anchor)")
    return problems


def html_errors(site: Path) -> list[str]:
    """Nu HTML checker errors in every page, less the listed theme exceptions."""
    site = site.resolve()
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
         str(site)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(urlsplit(m.get('url', '')).path).relative_to(site)}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if not any(m["message"].startswith(e) for e in THEME_EXCEPTIONS)
    ]
