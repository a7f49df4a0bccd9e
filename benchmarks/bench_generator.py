"""Benchmark the generator (and optionally `mkdocs build`) on synthetic corpora.

    .venv/bin/python benchmarks/bench_generator.py                 # 1k, 3k, 10k papers
    .venv/bin/python benchmarks/bench_generator.py --sizes 1000 30000 --mkdocs

Synthetic dumps are made from the seed corpus: each paper's title splices two seed
titles and adds two words from the seed abstracts, its abstract mixes sentences of three
seed abstracts, and 10% of entries repeat an earlier paper in a later dump (real dumps
overlap). Cards use the metadata layout, 200 per dump. Everything is seeded: the same
size gives the same corpus.

Each size runs in a fresh process, so peak memory (max RSS) is per size. Prints seconds
per stage, peak memory, the fitted growth exponent of the total (slope of log time over
log size), and with --mkdocs the build time, site size and search index size. Machines
here are noisy: compare ratios and exponents, not single timings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_DUMP = 200


def seed_papers() -> list[tuple[str, str]]:
    """(title, abstract) of every seed paper."""
    from generator.build import default_settings, load_corpus

    corpus = load_corpus(default_settings(ROOT))
    return [(p.title, p.abstract or "") for p in corpus.papers.values()]


def synthetic_papers(rng: random.Random, count: int, seen: set[str]) -> list[tuple]:
    """`count` papers (title, abstract, authors, month, day) with titles not in `seen`."""
    seeds = seed_papers()
    words = sorted({w for _, a in seeds for w in re.findall(r"[A-Za-z]{6,}", a)})
    # Whole sentences (a capital first, a full stop last): an abstract spliced from
    # fragments ("e.g. that the ...") would not read as prose, to the parser or anyone.
    sentences = [
        s
        for _, a in seeds
        for s in re.split(r"(?<=\.) ", a)
        if len(s) > 40 and s[0].isupper() and s.endswith(".")
    ]
    papers = []
    while len(papers) < count:
        a, b = rng.sample(seeds, 2)
        head = a[0].split()[: max(2, len(a[0].split()) // 2)]
        tail = b[0].split()[len(b[0].split()) // 2 :]
        title = " ".join([*head, *tail, rng.choice(words).title(), rng.choice(words)])
        if title.lower() in seen:
            continue
        seen.add(title.lower())
        abstract = " ".join(rng.sample(sentences, 3))
        papers.append((title, abstract, rng.randint(1, 12), rng.randrange(12), rng.randint(1, 28)))
    return papers


def write_dump(entries: list[tuple], path: Path) -> None:
    """A daily-papers dump in the metadata layout."""
    from generator.models import MONTHS

    lines = ["new", "", "Subscribe", "", "Daily Papers", ""]
    for title, abstract, authors, month, day in entries:
        lines += [
            title,
            "",
            abstract,
            "",
            f"  • {authors} authors",
            "·",
            f"{MONTHS[month]} {day}, 2024",
            "",
        ]
    path.write_text("\n".join(lines))


def make_dumps(size: int, directory: Path) -> int:
    """Write synthetic dumps holding `size` distinct papers; return the entry count."""
    rng = random.Random(size)
    papers = synthetic_papers(rng, size, set())
    entries = list(papers)
    entries += [papers[rng.randrange(size)] for _ in range(size // 10)]  # overlaps
    for index in range(0, len(entries), PER_DUMP):
        write_dump(entries[index : index + PER_DUMP], directory / f"{index // PER_DUMP:05d}.txt")
    return len(entries)


def add_dump(size: int, directory: Path) -> None:
    """One more dump, as a new day brings: PER_DUMP entries, 90% of them new papers."""
    rng = random.Random(-size)
    existing = {
        line.lower() for dump in directory.glob("*.txt") for line in dump.read_text().splitlines()
    }
    new = synthetic_papers(rng, PER_DUMP * 9 // 10, existing)
    write_dump(new + new[: PER_DUMP - len(new)], directory / "99999.txt")


def run_one(size: int, with_mkdocs: bool) -> dict[str, float]:
    """Time each stage of the generator on a corpus of `size` papers (in this process),
    through `generator.build.run`: the pipeline that ships, with its own stage clock."""
    from generator.build import default_settings, run

    work = Path(tempfile.mkdtemp(prefix=f"atlas-bench-{size}-"))
    try:
        dumps = work / "content" / "dumps"
        dumps.mkdir(parents=True)
        entries = make_dumps(size, dumps)
        shutil.copy(ROOT / "content" / "topics.yml", work / "content" / "topics.yml")
        figures: dict[str, float] = {"papers": size, "entries": entries}
        report = run(default_settings(work))
        figures.update(report.stages)
        figures["generator"] = sum(report.stages.values())
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Incremental: the same run again with one more dump, as CI does on a new commit.
        add_dump(size, dumps)
        again = run(default_settings(work))
        figures["new_dump_s"] = again.seconds
        figures["new_dump_files_written"] = len(again.written.written)
        figures["files"] = len(again.files)
        if with_mkdocs:
            figures.update(mkdocs_figures(work, size))
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def mkdocs_figures(work: Path, size: int) -> dict[str, float]:
    shutil.copy(ROOT / "mkdocs.yml", work / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", work / "overrides")
    shutil.copytree(
        ROOT / "generator", work / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=work,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    seconds = time.perf_counter() - started
    site = work / "site"
    pages = list((site / "papers").glob("*/index.html"))
    figures = {
        "mkdocs_total": seconds,  # includes the generator and Pagefind run by the hook
        "site_mb": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        "search_index_mb": sum(
            p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()
        )
        / 1e6,
        "paper_page_kb": sum(p.stat().st_size for p in pages) / len(pages) / 1e3,
        # The biggest HTML page of the site (a topic, an archive year, a listing...):
        # every page stays under 300 KB, long lists being split into pages.
        "largest_page_kb": max(p.stat().st_size for p in site.rglob("*.html")) / 1e3,
    }
    largest = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    print(f"largest page: {largest.relative_to(site)}", file=sys.stderr)
    figures.update(search_figures(site, size))
    return figures


def chromium_path() -> str:
    """The browser to drive: $CHROMIUM if set (GitHub's runners have Google Chrome),
    else Debian's chromium. Never a browser downloaded by `playwright install`."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


class PagesHandler:
    """Built lazily (http.server is only needed here): a static server that compresses
    text files with gzip, as GitHub Pages does, so that bytes "downloaded" are the bytes
    a reader of the published site transfers. Pagefind's index files are compressed
    already and are served as they are."""

    COMPRESSED = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg"})

    @classmethod
    def make(cls, directory: Path):
        import functools
        import gzip
        import http.server
        import io

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def send_head(self):
                path = Path(self.translate_path(self.path))
                if path.is_dir():
                    path = path / "index.html"
                accepts = "gzip" in self.headers.get("Accept-Encoding", "")
                if not (accepts and path.suffix in cls.COMPRESSED and path.is_file()):
                    return super().send_head()
                body = gzip.compress(path.read_bytes(), 6, mtime=0)
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return io.BytesIO(body)

        return functools.partial(Handler, directory=str(directory))


def _transfer(request) -> tuple[int, int]:
    """(bytes on the wire, bytes after decompression) of a finished request."""
    try:
        wire = request.sizes()["responseBodySize"]
        response = request.response()
        body = len(response.body()) if response is not None else 0
    except Exception:  # redirects and aborted requests have no body
        return 0, 0
    return wire, body


def _title_words(site: Path, slug: str) -> list[str]:
    html = (site / "papers" / slug / "index.html").read_text()
    title = re.search(r"<h1[^>]*>(.*?)<", html).group(1)
    return re.findall(r"[A-Za-z]{4,}", title)


def _first_search(browser, base: str, query: str) -> dict[str, object]:
    """One reader's first search on the search page, in a fresh browser context (empty
    cache): bytes transferred for the page, its assets, Pagefind and the index chunks,
    milliseconds from entering the query to the first result, and the result links."""
    page = browser.new_page()
    finished: list[object] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(base + "search/")
    box = page.locator("#atlas-search input")
    box.wait_for()
    page.wait_for_load_state("networkidle")  # the page has loaded Pagefind
    started = time.perf_counter()
    box.fill(query)  # one input event: times the query, not the typing
    results = page.locator("#atlas-search .pagefind-ui__result-link")
    results.first.wait_for(timeout=30_000)
    latency = (time.perf_counter() - started) * 1000
    page.wait_for_load_state("networkidle")
    hrefs = [link.get_attribute("href") or "" for link in results.all()]
    transfers = [_transfer(request) for request in finished]
    engine = page.evaluate(
        """async (q) => {
            const pagefind = await import("/pagefind/pagefind.js");
            const started = performance.now();
            const found = await pagefind.search(q + " x");  // a query not cached
            if (found.results.length) await found.results[0].data();
            return performance.now() - started;
        }""",
        query,
    )
    page.context.close()
    return {
        "wire": sum(w for w, _ in transfers),
        "decoded": sum(d for _, d in transfers),
        "ms": latency,
        "engine_ms": engine,
        "hrefs": hrefs,
    }


def search_figures(site: Path, size: int, browser=None) -> dict[str, float]:
    """Readers' first searches in headless Chromium, served gzip-compressed as GitHub
    Pages serves them, for 5 papers spread over the corpus, each searched twice in a
    fresh browser: with the first 3 words of its title (a typical query: bytes transferred
    and decoded, time to the first result) and with every word of its title (the bytes of
    a long query, and whether the paper is listed first). Medians over the 5 papers, and
    Pagefind's own query time."""
    import http.server
    import threading

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PagesHandler.make(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rng = random.Random(size)
    slugs = sorted(p.parent.name for p in (site / "papers").glob("*/index.html"))
    picks = [slugs[rng.randrange(len(slugs))] for _ in range(5)]
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    short, full = [], []
    with contextlib.ExitStack() as stack:
        if browser is None:  # run standalone; the tests pass their own (one per session)
            playwright = stack.enter_context(sync_playwright())
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=args)
            stack.callback(browser.close)
        for slug in picks:
            words = _title_words(site, slug)
            short.append(_first_search(browser, base, " ".join(words[:3])))
            found = _first_search(browser, base, " ".join(words))
            found["first"] = bool(found["hrefs"]) and f"/papers/{slug}/" in found["hrefs"][0]
            full.append(found)
    server.shutdown()

    def median(items: list[dict[str, object]], key: str) -> float:
        return sorted(float(item[key]) for item in items)[len(items) // 2]

    return {
        "first_search_kb": median(short, "wire") / 1e3,
        "first_search_decoded_kb": median(short, "decoded") / 1e3,
        "first_search_ms": median(short, "ms"),
        "pagefind_query_ms": median(short + full, "engine_ms"),
        "title_search_kb": max(float(item["wire"]) for item in full) / 1e3,
        "title_search_decoded_kb": max(float(item["decoded"]) for item in full) / 1e3,
        "title_found_first": sum(bool(item["first"]) for item in full) / len(full),
    }


def exponent(sizes: list[float], values: list[float]) -> float:
    """Least-squares slope of log(value) over log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(max(v, 1e-9)) for v in values]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--mkdocs", action="store_true", help="also time `mkdocs build`")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per size; figures are their medians"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.mkdocs)))
        return 0

    rows = []
    for size in args.sizes:
        runs = []
        for attempt in range(args.repeat):
            print(
                f"... {size} papers, run {attempt + 1} of {args.repeat}",
                file=sys.stderr,
                flush=True,
            )
            command = [sys.executable, __file__, "--one", str(size)] + (["--mkdocs"] * args.mkdocs)
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode:
                print(result.stderr, file=sys.stderr)
                return 1
            runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
        rows.append({key: median([run[key] for run in runs]) for key in runs[0]})

    stages = ["parse", "merge", "topics", "related", "render", "write", "generator"]
    extra = (
        [
            "mkdocs_total",
            "site_mb",
            "search_index_mb",
            "paper_page_kb",
            "largest_page_kb",
            "first_search_kb",
            "first_search_decoded_kb",
            "first_search_ms",
            "pagefind_query_ms",
            "title_search_kb",
            "title_search_decoded_kb",
            "title_found_first",
        ]
        if args.mkdocs
        else []
    )
    header = [
        "papers",
        *stages,
        "peak_rss_mb",
        "files",
        "new_dump_files_written",
        "new_dump_s",
        *extra,
    ]
    print(" | ".join(f"{h:>10}" for h in header))
    for row in rows:
        print(
            " | ".join(
                f"{row[h]:>10.2f}" if isinstance(row[h], float) else f"{row[h]:>10}" for h in header
            )
        )
    if len(rows) > 1:
        sizes = [r["papers"] for r in rows]
        for key in ("topics", "related", "generator", *(["mkdocs_total"] if args.mkdocs else [])):
            print(f"growth exponent of {key}: {exponent(sizes, [r[key] for r in rows]):.2f}")
        if args.mkdocs:
            shares = ", ".join(f"{r['generator'] / r['mkdocs_total']:.0%}" for r in rows)
            print(f"generator share of the full build: {shares}")
    print(
        f"Benchmarked {len(rows)} sizes ({', '.join(map(str, args.sizes))} papers), "
        f"{args.repeat} run(s) each."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
