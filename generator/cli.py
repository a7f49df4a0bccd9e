"""`paper-atlas` (or `python -m generator`) `{build,site,serve,index,epoch,parse,check}`: argparse,
messages and exit codes; no logic.

Exit codes: 0 done, 1 a problem in the inputs (each printed as `path:line: message`,
then one `Aborted: ...` line), 2 a usage error. Tracebacks only with `--debug`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import (
    BuildReport,
    content_epoch,
    default_settings,
    display_path,
    fatal_diagnostics,
    load_corpus,
    parse_dumps,
    run,
)
from .config import load_taxonomy
from .corpus import build_corpus
from .errors import GeneratorError, plural
from .exports import paper_record
from .lock import build_lock, die_with_parent, handover_env
from .models import Corpus, LineKind
from .search_index import index_site
from .write import SITE_MARKER, claim_site, clean_leftovers, swap_in

log = logging.getLogger("generator")

BUILDERS = ("mkdocs", "properdocs")
"""Builders `site` and `serve` run as `python -m <builder>`: the same mkdocs.yml, hook and
plugins (README, "Builders")."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING if args.quiet else logging.INFO,
        format="%(levelname)s: %(message)s" if args.debug else "%(message)s",
        stream=sys.stderr,
    )
    try:
        return args.command(args)
    except GeneratorError as exc:
        if args.debug:
            raise
        message = str(exc)
        print(message, file=sys.stderr)
        if not message.rstrip().splitlines()[-1].startswith("Aborted"):
            print("Aborted.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    # `paper-atlas` when installed (pyproject.toml's command), `python -m generator` in a
    # checkout: usage and errors name the command the user typed.
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    parser = argparse.ArgumentParser(
        prog="paper-atlas" if invoked == "paper-atlas" else "python -m generator",
        description="Turn Hugging Face Papers listing dumps into a Markdown site for MkDocs.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    common.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument(
        "--dumps", type=Path, help="directory of *.txt and *.md dumps (content/dumps)"
    )
    inputs.add_argument("--topics", type=Path, help="topic taxonomy (content/topics.yml)")
    inputs.add_argument(
        "--slugs",
        type=Path,
        help="ledger of the URLs given to papers (content/slugs.tsv; none with --dumps)",
    )
    inputs.add_argument("--strict", action="store_true", help="treat warnings as errors")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build", parents=[common, inputs], help="write the Markdown tree (build/docs)"
    )
    build.add_argument("--out", type=Path, help="output directory (build/docs), owned whole")
    build.add_argument("--timings", action="store_true", help="print seconds per stage")
    build.add_argument(
        "--site-url",
        default=os.environ.get("SITE_URL") or None,
        help="URL the site is published at: absolute links in feeds and exports ($SITE_URL)",
    )
    build.set_defaults(command=_build)

    epoch = commands.add_parser(
        "epoch",
        parents=[common, inputs],
        help="print the build date for SOURCE_DATE_EPOCH: the newest capture date of the dumps",
    )
    epoch.set_defaults(command=_epoch)

    parse = commands.add_parser(
        "parse", parents=[common], help="print the merged records of DUMPs as JSON Lines"
    )
    parse.add_argument("dump_files", nargs="+", type=Path, metavar="DUMP")
    parse.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parse.set_defaults(command=_parse)

    site = commands.add_parser(
        "site",
        parents=[common],
        help="build the site with `mkdocs build --strict` and replace site/ only if it passed",
    )
    site.add_argument("--site-dir", type=Path, default=Path("site"), help="(site)")
    site.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="(mkdocs.yml)")
    site.add_argument(
        "--builder",
        choices=BUILDERS,
        default="mkdocs",
        help="MkDocs, or ProperDocs (its maintained fork): same config, same site (mkdocs)",
    )
    site.set_defaults(command=_site)

    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the site with live reload (`mkdocs serve`): a new or edited dump shows up",
    )
    serve.add_argument("--config-file", type=Path, default=Path("mkdocs.yml"), help="(mkdocs.yml)")
    serve.add_argument("--builder", choices=BUILDERS, default="mkdocs", help="(mkdocs)")
    serve.add_argument(
        "-a", "--dev-addr", default="127.0.0.1:8000", help="IP:PORT to serve on (127.0.0.1:8000)"
    )
    serve.set_defaults(command=_serve)

    index = commands.add_parser(
        "index",
        parents=[common],
        help="index a built SITE for search with Pagefind (for builders that run no hooks)",
    )
    index.add_argument("site_dir", type=Path, nargs="?", default=Path("site"), metavar="SITE")
    index.set_defaults(command=_index)

    check = commands.add_parser(
        "check", parents=[common, inputs], help="validate dumps and taxonomy; write nothing"
    )
    check.set_defaults(command=_check)
    return parser


def _settings(args: argparse.Namespace):
    return default_settings(
        dumps=args.dumps,
        topics=args.topics,
        slugs=args.slugs,
        out=getattr(args, "out", None),
        site_url=getattr(args, "site_url", None),
        strict=args.strict,
    )


def _build(args: argparse.Namespace) -> int:
    report: BuildReport = run(_settings(args))
    if args.timings:
        for stage, seconds in report.stages.items():
            log.info("  %-8s %6.2f s", stage, seconds)
    log.info("Generated %s", report.summary())
    return 0


def _site(args: argparse.Namespace) -> int:
    """`mkdocs build --strict` into a staging directory beside the site, swapped in only
    when the build passed: a failed or killed build leaves the previous site whole. The
    build lock on build/docs is held throughout and handed to the `mkdocs` child (its hook
    would otherwise wait for it), so a second build waits for this one."""
    started = time.perf_counter()
    _require_builder(args.builder)
    site = args.site_dir.absolute()
    settings = default_settings(args.config_file.absolute().parent)
    docs = settings.out
    claim_site(site, settings)
    with build_lock(docs):
        clean_leftovers(site)
        staging = site.parent / f".{site.name}.staging-{os.getpid()}"
        command = [sys.executable, "-m", args.builder, "build", "--strict"]
        command += ["--config-file", str(args.config_file), "--site-dir", str(staging)]
        if args.quiet:
            command.append("--quiet")
        env = {**handover_env(docs), "NO_MKDOCS_2_WARNING": "1"}
        try:
            result = subprocess.run(command, env=env, check=False, preexec_fn=die_with_parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            print(
                f"Site not replaced: `{args.builder} build --strict` failed "
                f"(exit {result.returncode}); "
                f"'{args.site_dir}' is as it was.",
                file=sys.stderr,
            )
            return 1
        (staging / SITE_MARKER).write_text("Built by `python -m generator site` (Paper Atlas).\n")
        swap_in(staging, site)
        shutil.rmtree(staging, ignore_errors=True)
    log.info("Site built into '%s' in %.1f s", args.site_dir, time.perf_counter() - started)
    return 0


def _require_builder(builder: str) -> None:
    if importlib.util.find_spec(builder) is None:
        raise GeneratorError(
            f"{builder} is not installed in this environment: `pip install {builder}` "
            "(ProperDocs is in requirements-dev.txt)"
        )


def _epoch(args: argparse.Namespace) -> int:
    """For a builder without the MkDocs hook, which pins the date itself:
    `SOURCE_DATE_EPOCH=$(paper-atlas epoch) zensical build` dates pages and the sitemap
    by the dumps, not the clock."""
    print(content_epoch(load_corpus(_settings(args))))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """`mkdocs serve` (or ProperDocs'), whose hook regenerates build/docs on every change
    of content/ or generator/."""
    _require_builder(args.builder)
    command = [sys.executable, "-m", args.builder, "serve", "--config-file", str(args.config_file)]
    command += ["--dev-addr", args.dev_addr]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        return subprocess.run(command, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0


def _index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    index_site(args.site_dir)
    pages = sum(1 for _ in args.site_dir.rglob("*.html"))
    log.info(
        "Indexed %s in '%s' for search in %.1f s",
        plural(pages, "page"),
        args.site_dir,
        time.perf_counter() - started,
    )
    return 0


def _parse(args: argparse.Namespace) -> int:
    """Print what the parser found, even when a dump has errors; the exit code says
    whether it can be trusted (1 when any line could not be explained)."""
    started = time.perf_counter()
    root = Path.cwd()
    corpus = build_corpus(parse_dumps(list(args.dump_files), root))
    for paper in corpus.papers.values():
        sys.stdout.write(json.dumps(paper_record(paper), ensure_ascii=False) + "\n")
    _log_diagnostics(corpus)
    entries = sum(len(d.entries) for d in corpus.dumps)
    fatal = fatal_diagnostics(corpus, args.strict)
    summary = (
        f"{plural(len(corpus.papers), 'paper')} "
        f"({entries} {'entry' if entries == 1 else 'entries'}) "
        f"from {plural(len(corpus.dumps), 'dump')} in {time.perf_counter() - started:.2f} s"
    )
    if fatal:
        files = len({d.source.path for d in fatal})
        print(
            f"Parsed {summary}, with {len(fatal)} problem{'s' * (len(fatal) > 1)} in "
            f"{files} dump{'s' * (files > 1)}: the records above are not complete or not "
            "right.",
            file=sys.stderr,
        )
        return 1
    log.info("Parsed %s", summary)
    return 0


def _check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    settings = _settings(args)
    taxonomy = load_taxonomy(settings.topics, display_path(settings.topics, settings.root))
    corpus = load_corpus(settings)
    print(_accounting_table(corpus))
    _log_diagnostics(corpus)
    fatal = fatal_diagnostics(corpus, settings.strict)
    seconds = time.perf_counter() - started
    if settings.slugs is not None and corpus.new_slugs:
        log.info(
            "%d new papers get their URLs at the next build, which records them in %s "
            "(commit it with the dumps)",
            len(corpus.new_slugs),
            display_path(settings.slugs, settings.root),
        )
    pages = sum(1 for dump in corpus.dumps if dump.kind == "paper")
    print(
        f"{'FAILED' if fatal else 'OK'}: {len(corpus.dumps)} dumps"
        + (f" ({pages} of them saved paper pages)" if pages else "")
        + f", {len(corpus.papers)} papers, "
        f"{len(taxonomy.topics)} topics, {len(fatal)} problems in {seconds:.2f} s",
        file=sys.stderr,
    )
    return 1 if fatal else 0


def _log_diagnostics(corpus: Corpus) -> None:
    for dump in corpus.dumps:
        for diagnostic in dump.diagnostics:
            print(diagnostic, file=sys.stderr)
    for diagnostic in corpus.diagnostics:
        print(diagnostic, file=sys.stderr)


def _accounting_table(corpus: Corpus) -> str:
    header = (
        "dump",
        "lines",
        "entries",
        "papers",
        "merged",
        "blank",
        "chrome",
        "meta",
        "unexpl",
        "diag",
    )
    first_seen: dict[str, int] = {}
    for paper in corpus.papers.values():
        first_seen[paper.first_seen.path] = first_seen.get(paper.first_seen.path, 0) + 1
    rows = []
    for dump in corpus.dumps:
        new = first_seen.get(dump.path, 0)
        rows.append(
            (
                dump.path,
                dump.line_count,
                len(dump.entries),
                new,
                len(dump.entries) - new,
                dump.count(LineKind.BLANK),
                dump.chrome_lines,
                dump.count(LineKind.METADATA),
                dump.count(LineKind.UNEXPLAINED),
                len(dump.diagnostics),
            )
        )
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)
