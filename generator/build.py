"""Run the stages in order: read → parse → merge → topics → render → write.

Only this module (and `config`) reads files and only `write` writes them. Everything is
gathered and checked before the first byte is written: a bad input aborts with every
problem listed and leaves the previous output as it was.
"""

from __future__ import annotations

import calendar
import datetime
import gc
import logging
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .authors import authors_of
from .config import UNCLASSIFIED, Taxonomy, format_slug_ledger, load_slug_ledger, load_taxonomy
from .corpus import build_corpus
from .errors import Aborted, DumpError, plural
from .lock import build_lock
from .models import Corpus, Diagnostic, DumpReport, Level, SiteInput, SlugRecord
from .parse import parse_dump
from .related import find_related
from .render import render_site, site_nav
from .topics import assign_topics, papers_by_topic
from .write import WriteReport, claim_output, write_file, write_tree

log = logging.getLogger(__name__)

DUMP_SUFFIXES = (".txt", ".md")
"""A browser's copy is text; crawlers, clippers and notebooks save Markdown."""
MAX_DUMP_BYTES = 16 * 1024 * 1024
"""Far above any real listing page (the seeds are 0.1–0.4 MB); larger is not a listing."""
MAX_LINE_CHARS = 100_000
"""The longest real abstract is about 2,000 characters."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    dumps: Path
    topics: Path
    out: Path
    root: Path = field(default_factory=Path.cwd)
    """Paths in messages and on pages are shown relative to this (the repository)."""
    strict: bool = False
    """Treat warnings as errors."""
    site_url: str | None = None
    """Where the site is published: makes links in feeds and exports absolute."""
    slugs: Path | None = None
    """The slug ledger (`content/slugs.tsv`): read, and extended when new papers arrive.
    None: slugs are given afresh and recorded nowhere (tests, benchmarks)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    corpus: Corpus
    taxonomy: Taxonomy
    site: SiteInput
    files: dict[PurePosixPath, str]
    written: WriteReport | None
    seconds: float
    stages: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: parse, merge, topics, related, render, write."""

    @property
    def nav(self) -> list[object]:
        """The generated navigation, as written to `.nav.yml` (MkDocs' `nav` shape)."""
        return site_nav(self.site)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return all_diagnostics(self.corpus)

    def summary(self) -> str:
        papers = len(self.corpus.papers)
        topics = len(self.taxonomy.topics)
        dumps = len(self.corpus.dumps)
        counts = _count_levels(self.diagnostics)
        saved_pages = sum(1 for dump in self.corpus.dumps if dump.kind == "paper")
        of_them = f" ({saved_pages} of them saved paper pages)" if saved_pages else ""
        text = (
            f"{plural(papers, 'paper page')} and {plural(topics + 1, 'topic page')} "
            f"(with Unclassified) from {plural(dumps, 'dump')}{of_them}; {counts}"
        )
        if self.written is not None:
            text += (
                f"; {len(self.written.written)} files written, {self.written.unchanged} unchanged, "
                f"{len(self.written.deleted)} removed"
            )
        return f"{text}; {self.seconds:.2f} s"


def display_path(path: Path, root: Path) -> str:
    """The path relative to the repository, as written: a link is shown by its own name,
    not by its target's."""
    path = path.absolute()
    path = path.resolve() if path.name in ("", "..") else path.parent.resolve() / path.name
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_dumps(directory: Path) -> list[Path]:
    """Every `*.txt` and `*.md` entry of the directory, in name order: files, and also
    what `dump_problem` refuses (links, directories), so that nothing is skipped quietly."""
    if not directory.is_dir():
        raise DumpError(f"dump directory '{directory}' does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in DUMP_SUFFIXES)


_UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control characters, line separators and the bidirectional overrides that make a name
read differently from what it is (`U+202E`)."""


def dump_problem(path: Path, root: Path, confine: Path | None = None) -> DumpError | None:
    """Why a dump cannot be used, judged from its name and what it is, before reading it.

    A dump's name is shown on the site and in logs: a name that is not UTF-8 or that holds
    a control character (a newline would break the health table, an escape sequence a
    terminal, a right-to-left override would disguise the name) is refused. With
    `confine`, the file must be inside that directory once every symbolic link on its way
    is followed (the dump itself, or the dumps directory): one that leads out of it could
    publish any file of the machine (its lines are quoted in error messages, and CI logs
    are public). A dangling link would be a dump silently missing, a loop a crash."""
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return DumpError(
            f"file name {os.fsencode(name)!r} is not valid UTF-8; rename the file",
            path=display_path(path.parent, root),
        )
    if _UNSAFE_NAME_RE.search(name):
        return DumpError(
            f"file name {name!r} holds a control character (a line break, a tab, a "
            "direction override, ...); rename the file",
            path=display_path(path.parent, root),
        )
    shown = display_path(path, root)
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return DumpError("symbolic link to a file that does not exist", path=shown)
    except (OSError, RuntimeError):  # a loop of links, a permission
        return DumpError("symbolic link that cannot be followed (a loop?)", path=shown)
    if confine is not None and not target.is_relative_to(confine.resolve()):
        return DumpError(
            "leads out of the repository (a symbolic link, or a linked directory); copy "
            "the dump into the dumps directory instead",
            path=shown,
        )
    if not target.is_file():
        return DumpError("not a regular file (a directory or a device?)", path=shown)
    return None


def read_dump(path: Path, name: str) -> str:
    """The text of a dump, or a `DumpError` that says in one line what is wrong with it."""
    try:
        size = path.stat().st_size
        if size > MAX_DUMP_BYTES:
            raise DumpError(
                f"file is {size / 1_048_576:.1f} MB, over the {MAX_DUMP_BYTES // 1_048_576} MB "
                "limit for one listing page; split it into several dumps",
                path=name,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DumpError(f"cannot read the file: {exc.strerror}", path=name) from None
    if not data.strip():
        raise DumpError("file is empty", path=name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DumpError("file is UTF-16; save dumps as UTF-8", path=name)
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise DumpError("binary data (NUL byte); not a text dump", path=name, line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DumpError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); re-save the dump as UTF-8 "
            "(it may be Latin-1 or Windows-1252)",
            path=name,
            line=line,
        ) from None
    for number, line_text in enumerate(text.split("\n"), start=1):
        if len(line_text) > MAX_LINE_CHARS:
            raise DumpError(
                f"line of {len(line_text):,} characters, over the {MAX_LINE_CHARS:,} limit; "
                "not a listing page",
                path=name,
                line=number,
            )
    return text


_FILE_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def capture_date(file_name: str) -> datetime.date | None:
    """A `YYYY-MM-DD` in a dump's file name is the day it was saved."""
    match = _FILE_DATE_RE.search(file_name)
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def parse_dumps(paths: list[Path], root: Path, confine: Path | None = None) -> list[DumpReport]:
    """Parse every dump; raise once, listing every unreadable file. With `confine`, every
    dump must be inside it (see `dump_problem`)."""
    reports: list[DumpReport] = []
    problems: list[DumpError] = []
    for path in paths:
        refused = dump_problem(path, root, confine)
        if refused is not None:
            problems.append(refused)
            continue
        name = display_path(path, root)
        try:
            text = read_dump(path, name)
        except DumpError as exc:
            problems.append(exc)
            continue
        report = parse_dump(text, name)
        saved = capture_date(path.name) or report.captured
        reports.append(replace(report, captured=saved))
    if problems:
        raise Aborted.of(problems, plural(len(problems), "unreadable dump"))
    return reports


def content_epoch(corpus: Corpus) -> int:
    """The build date a builder should print (SOURCE_DATE_EPOCH, the reproducible-builds
    convention MkDocs reads for page dates and the sitemap): the newest capture date of the
    dumps, at midnight UTC, or 0 (1970-01-01) when no dump tells. A date the content
    holds, never the clock, so the same dumps give the same site on any day."""
    newest = max((dump.captured for dump in corpus.dumps if dump.captured), default=None)
    return calendar.timegm(newest.timetuple()) if newest is not None else 0


def all_diagnostics(corpus: Corpus) -> tuple[Diagnostic, ...]:
    parsed = [d for dump in corpus.dumps for d in dump.diagnostics]
    return tuple(parsed) + corpus.diagnostics


def _count_levels(diagnostics: tuple[Diagnostic, ...]) -> str:
    errors = sum(1 for d in diagnostics if d.level is Level.ERROR)
    warnings = sum(1 for d in diagnostics if d.level is Level.WARNING)
    infos = sum(1 for d in diagnostics if d.level is Level.INFO)
    return f"{errors} errors, {warnings} warnings, {infos} notes"


def fatal_diagnostics(corpus: Corpus, strict: bool) -> list[Diagnostic]:
    """Errors, and warnings too when strict."""
    levels = (Level.ERROR, Level.WARNING) if strict else (Level.ERROR,)
    return [d for d in all_diagnostics(corpus) if d.level in levels]


def check_diagnostics(corpus: Corpus, strict: bool) -> None:
    """Abort on errors (and on warnings when strict), after listing all of them."""
    fatal = fatal_diagnostics(corpus, strict)
    if fatal:
        files = len({d.source.path for d in fatal})
        raise Aborted.of(fatal, f"{plural(len(fatal), 'problem')} in {plural(files, 'dump')}")


def confinement(settings: Settings) -> Path:
    """Where the dumps must really be: inside the repository when the dumps directory is
    (even through links), else inside the dumps directory given."""
    if settings.dumps.absolute().is_relative_to(settings.root.absolute()):
        return settings.root
    return settings.dumps


def dump_paths(settings: Settings) -> list[Path]:
    paths = find_dumps(settings.dumps)
    if not paths:
        raise DumpError(
            f"no dumps (*.txt, *.md) in '{display_path(settings.dumps, settings.root)}'"
        )
    return paths


def load_ledger(settings: Settings) -> tuple[SlugRecord, ...]:
    if settings.slugs is None:
        return ()
    return load_slug_ledger(settings.slugs, display_path(settings.slugs, settings.root))


def load_corpus(settings: Settings, paths: list[Path] | None = None) -> Corpus:
    paths = dump_paths(settings) if paths is None else paths
    reports = parse_dumps(paths, settings.root, confinement(settings))
    return build_corpus(reports, load_ledger(settings))


class Stopwatch:
    """Seconds per stage of a run, in order (shown by `build --timings`, read by the
    benchmark so that it measures the pipeline that ships)."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._last
        self._last = now


def generate(
    settings: Settings, clock: Stopwatch | None = None
) -> tuple[Corpus, Taxonomy, SiteInput, dict[PurePosixPath, str]]:
    """Everything up to, not including, writing."""
    clock = clock or Stopwatch()
    taxonomy = load_taxonomy(settings.topics, display_path(settings.topics, settings.root))
    ledger = load_ledger(settings)
    reports = parse_dumps(dump_paths(settings), settings.root, confinement(settings))
    clock.lap("parse")
    corpus = build_corpus(reports, ledger)
    check_diagnostics(corpus, settings.strict)
    clock.lap("merge")
    # The corpus lives until the end of the run: the collector need not scan it again at
    # every collection (a fifth of the render time at 30,000 papers). Unfrozen after, as
    # `mkdocs serve` runs the generator again and again in one process.
    gc.freeze()
    try:
        assignments = assign_topics(corpus, taxonomy)
        members = dict(papers_by_topic(assignments, taxonomy))
        members[UNCLASSIFIED] = tuple(s for s, matches in assignments.items() if not matches)
        clock.lap("topics")
        # A paper with no similar enough paper is shown the closest of its own topic's.
        neighbours = {
            slug: members[matches[0].topic] for slug, matches in assignments.items() if matches
        }
        specific = {
            slug: [m.topic for m in matches if taxonomy.get(m.topic).parent is not None]
            for slug, matches in assignments.items()
        }
        related = find_related(corpus, neighbours=neighbours, topics=specific)
        clock.lap("related")
        site = SiteInput(
            corpus=corpus,
            taxonomy=taxonomy,
            assignments=assignments,
            members=members,
            related=related,
            authors=authors_of(corpus),
            site_url=settings.site_url,
        )
        files = render_site(site)
        clock.lap("render")
    finally:
        gc.unfreeze()
    return corpus, taxonomy, site, files


def claim(settings: Settings) -> None:
    """Refuse an output directory the build must not replace (see `write.claim_output`)."""
    claim_output(
        settings.out,
        protected=[settings.root, settings.root / "content", settings.dumps, settings.topics],
        inputs=[settings.dumps, settings.root / "content"],
    )


def run(settings: Settings, *, write: bool = True) -> BuildReport:
    started = time.perf_counter()
    clock = Stopwatch()
    if not write:
        corpus, taxonomy, site, files = generate(settings, clock)
        written = None
    else:
        claim(settings)
        # The whole run holds the lock: the slug ledger read before the papers are given
        # their URLs must be the one extended after them.
        with build_lock(settings.out):
            corpus, taxonomy, site, files = generate(settings, clock)
            written = write_tree(files, settings.out)
            if settings.slugs is not None and corpus.new_slugs:
                ledger = (*load_ledger(settings), *corpus.new_slugs)
                write_file(settings.slugs, format_slug_ledger(ledger))
                log.info(
                    "Recorded the URLs of %s in %s: commit it with the dumps",
                    plural(len(corpus.new_slugs), "new paper"),
                    display_path(settings.slugs, settings.root),
                )
    clock.lap("write")
    for diagnostic in all_diagnostics(corpus):
        if diagnostic.level is Level.WARNING:
            log.warning("%s", diagnostic)
        else:
            log.debug("%s", diagnostic)
    return BuildReport(
        corpus=corpus,
        taxonomy=taxonomy,
        site=site,
        files=files,
        written=written,
        seconds=time.perf_counter() - started,
        stages=clock.stages,
    )


def default_settings(root: Path | None = None, **overrides) -> Settings:
    """The repository layout: `content/dumps`, `content/topics.yml`, `build/docs`."""
    root = root or Path.cwd()
    values: dict[str, Any] = {
        "dumps": root / "content" / "dumps",
        "topics": root / "content" / "topics.yml",
        "out": root / "build" / "docs",
        "slugs": root / "content" / "slugs.tsv",
        "root": root,
    }
    if overrides.get("dumps") is not None and overrides.get("slugs") is None:
        values["slugs"] = None  # other dumps than the repository's: their URLs are not its
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
