"""Run the stages in order: read → parse → merge → topics → render → write.

Only this module (and `config`) reads files and only `write` writes them. Everything is
gathered and checked before the first byte is written: a bad input aborts with every
problem listed and leaves the previous output as it was.
"""

from __future__ import annotations

import datetime
import gc
import logging
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import yaml

from .config import UNCLASSIFIED, Taxonomy, load_taxonomy
from .corpus import build_corpus
from .errors import Aborted, DumpError
from .models import Corpus, Diagnostic, DumpReport, Level
from .parse import parse_dump
from .related import find_related
from .render import NAV_FILE, SiteInput, render_site
from .topics import assign_topics, papers_by_topic
from .write import WriteReport, write_tree

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
        """The generated navigation, for `mkdocs.yml`'s `nav`."""
        return yaml.safe_load(self.files[NAV_FILE])["nav"]

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return all_diagnostics(self.corpus)

    def summary(self) -> str:
        papers = len(self.corpus.papers)
        topics = len(self.taxonomy.topics)
        dumps = len(self.corpus.dumps)
        counts = _count_levels(self.diagnostics)
        text = (
            f"{_plural(papers, 'paper page')} and {_plural(topics + 1, 'topic page')} "
            f"(with Unclassified) from {_plural(dumps, 'dump')}; {counts}"
        )
        if self.written is not None:
            text += (
                f"; {len(self.written.written)} files written, {self.written.unchanged} unchanged, "
                f"{len(self.written.deleted)} removed"
            )
        return f"{text}; {self.seconds:.2f} s"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def find_dumps(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise DumpError(f"dump directory '{directory}' does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in DUMP_SUFFIXES and p.is_file())


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


def parse_dumps(paths: list[Path], root: Path) -> list[DumpReport]:
    """Parse every dump; raise once, listing every unreadable file."""
    reports: list[DumpReport] = []
    problems: list[DumpError] = []
    for path in paths:
        name = display_path(path, root)
        try:
            text = read_dump(path, name)
        except DumpError as exc:
            problems.append(exc)
            continue
        reports.append(replace(parse_dump(text, name), captured=capture_date(path.name)))
    if problems:
        raise Aborted(
            "\n".join(str(p) for p in problems)
            + f"\nAborted: {len(problems)} unreadable dump{'s' if len(problems) > 1 else ''}."
        )
    return reports


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
        raise Aborted(
            "\n".join(str(d) for d in fatal)
            + f"\nAborted: {len(fatal)} problem{'s' if len(fatal) > 1 else ''} "
            f"in {files} dump{'s' if files > 1 else ''}."
        )


def dump_paths(settings: Settings) -> list[Path]:
    paths = find_dumps(settings.dumps)
    if not paths:
        raise DumpError(
            f"no dumps (*.txt, *.md) in '{display_path(settings.dumps, settings.root)}'"
        )
    return paths


def load_corpus(settings: Settings, paths: list[Path] | None = None) -> Corpus:
    paths = dump_paths(settings) if paths is None else paths
    return build_corpus(parse_dumps(paths, settings.root))


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
    reports = parse_dumps(dump_paths(settings), settings.root)
    clock.lap("parse")
    corpus = build_corpus(reports)
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
        related = find_related(corpus)
        clock.lap("related")
        site = SiteInput(
            corpus=corpus,
            taxonomy=taxonomy,
            assignments=assignments,
            members=members,
            related=related,
            site_url=settings.site_url,
        )
        files = render_site(site)
        clock.lap("render")
    finally:
        gc.unfreeze()
    return corpus, taxonomy, site, files


def run(settings: Settings, *, write: bool = True) -> BuildReport:
    started = time.perf_counter()
    clock = Stopwatch()
    corpus, taxonomy, site, files = generate(settings, clock)
    written = write_tree(files, settings.out) if write else None
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
    values = {
        "dumps": root / "content" / "dumps",
        "topics": root / "content" / "topics.yml",
        "out": root / "build" / "docs",
        "root": root,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
