"""MkDocs hook: run the generator before every build, so `mkdocs build` and `mkdocs serve`
work straight from a clean clone and `serve` picks up a new or edited dump; and index the
built site with Pagefind after every build (the site's search).

MkDocs loads this file by path (`hooks:` in mkdocs.yml), not as part of the package, hence
the `sys.path` line. The generator rewrites only files whose bytes change, so the rebuild
that `serve` triggers on its own output finds nothing to do and the reload loop stops.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from mkdocs.exceptions import Abort

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import lock  # noqa: E402
from generator.build import BuildReport, content_epoch, default_settings, run  # noqa: E402
from generator.errors import GeneratorError  # noqa: E402
from generator.search_index import index_site  # noqa: E402

# A child of the `mkdocs` logger: MkDocs counts its warnings, so `--strict` fails on them.
log = logging.getLogger("mkdocs.hooks.paper_atlas")
# The generator's own warnings are re-logged below under the mkdocs logger; without a
# handler of its own, Python's last-resort handler would print them a second time.
logging.getLogger("generator").addHandler(logging.NullHandler())
logging.getLogger("generator").propagate = False

_locked: Path | None = None
"""The docs_dir this process locked for the build under way: from the generator run in
`on_config` until MkDocs has read it (`on_post_build`), no other build may replace it."""


def _unlock() -> None:
    global _locked
    if _locked is not None:
        lock.release(_locked)
        _locked = None


_command: str | None = None


def on_startup(command, dirty):
    """Remember whether this is `mkdocs serve`: it sets `site_url` to the local server's
    address, which must never reach a feed, an export or a citation."""
    global _command
    _command = command


def published_url(config) -> str | None:
    """The site's published URL: `site_url` (from `SITE_URL`), except under `mkdocs
    serve`, where only `SITE_URL` itself counts."""
    if _command == "serve":
        return os.environ.get("SITE_URL") or None
    return config.site_url or None


def on_config(config):
    global _locked
    root = Path(config.config_file_path).resolve().parent
    # Strict builds generate strictly: a warning aborts before build/docs is touched,
    # instead of failing MkDocs after the tree (and the site) were replaced.
    settings = default_settings(
        root, out=Path(config.docs_dir), site_url=published_url(config), strict=bool(config.strict)
    )
    _unlock()  # a rebuild of `mkdocs serve` after a failed one
    try:
        lock.acquire(settings.out)
    except GeneratorError as exc:
        raise Abort(f"Paper Atlas generator failed:\n{exc}") from None
    _locked = settings.out
    try:
        report = run(settings)
    except GeneratorError as exc:
        _unlock()
        # Abort prints the message without a traceback and exits 1.
        raise Abort(f"Paper Atlas generator failed:\n{exc}") from None
    for diagnostic in report.diagnostics:
        if diagnostic.level.value == "warning":
            log.warning("%s", diagnostic)
    _pin_build_date(report)
    log.info("Paper Atlas: %s", report.summary())
    return config


_pinned_epoch = False


def _pin_build_date(report: BuildReport) -> None:
    """MkDocs dates every page, the sitemap and the gzip header of `sitemap.xml.gz` with
    the build day, so the same dumps built on two days gave different sites. Unless the
    caller set SOURCE_DATE_EPOCH, use the content's date (`build.content_epoch`)."""
    global _pinned_epoch
    if "SOURCE_DATE_EPOCH" in os.environ and not _pinned_epoch:
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(content_epoch(report.corpus))
    _pinned_epoch = True  # `mkdocs serve` rebuilds: follow the dumps, not our first value


def on_build_error(error):
    _unlock()


def on_shutdown():
    _unlock()


def on_post_build(config):
    """Index the built site for search with Pagefind. Its index is split into chunks, so a
    reader's first search downloads a few hundred KB whatever the size of the atlas."""
    try:
        index_site(Path(config.site_dir))
    except GeneratorError as error:
        raise Abort(f"Paper Atlas: {error}") from None
    finally:
        _unlock()
    log.info("Paper Atlas: search index written by Pagefind")
