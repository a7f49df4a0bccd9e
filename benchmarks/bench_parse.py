"""Parse throughput: how many MB of dump text per second `parse_dump` reads.

    .venv/bin/python benchmarks/bench_parse.py                # 30k-paper synthetic corpus
    .venv/bin/python benchmarks/bench_parse.py --size 10000 --repeat 5

The corpus is the benchmark's synthetic one (`bench_generator.make_dumps`: seed text in
the metadata layout, 200 cards per dump), so figures compare with BENCHMARKS.md. The
seed dumps and the real captures in ../shared/captures/listings (when present) are timed
too, as they exercise the other layouts (pairs, compact, Markdown). Prints MB/s per
corpus, the median of `--repeat` runs; machines here are noisy, so compare ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def load(paths: list[Path]) -> list[tuple[str, str]]:
    from generator.build import read_dump

    return [(read_dump(p, p.name), p.name) for p in paths]


def throughput(texts: list[tuple[str, str]], repeat: int) -> tuple[float, float, int]:
    """(MB/s, seconds, entries) of parsing every text, median over `repeat` runs."""
    from generator.parse import parse_dump

    size = sum(len(text.encode("utf-8")) for text, _ in texts) / 1e6
    times = []
    entries = 0
    for _ in range(repeat):
        started = time.perf_counter()
        entries = sum(len(parse_dump(text, name).entries) for text, name in texts)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    return size / seconds, seconds, entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30000, help="synthetic papers")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from bench_generator import make_dumps

    corpora: dict[str, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="atlas-parse-") as work:
        directory = Path(work)
        print(f"writing a synthetic corpus of {args.size:,} papers...", file=sys.stderr)
        make_dumps(args.size, directory)
        corpora[f"synthetic {args.size:,}"] = sorted(directory.glob("*.txt"))
        corpora["seed dumps"] = sorted((ROOT / "content" / "dumps").glob("*.txt"))
        captures = ROOT.parent / "shared" / "captures" / "listings"
        if captures.is_dir():
            corpora["real captures"] = sorted(
                p for p in captures.iterdir() if p.name != "README.md"
            )
        print(f"{'corpus':<20} {'files':>6} {'MB':>7} {'entries':>8} {'seconds':>8} {'MB/s':>7}")
        for name, paths in corpora.items():
            texts = load(paths)
            mb = sum(len(t.encode("utf-8")) for t, _ in texts) / 1e6
            rate, seconds, entries = throughput(texts, args.repeat)
            row = f"{name:<20} {len(paths):>6} {mb:>7.2f} {entries:>8} {seconds:>8.3f}"
            print(f"{row} {rate:>7.2f}")
    print(f"Parse throughput measured on {len(corpora)} corpora, median of {args.repeat} runs.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
