"""generator/search_index.py: Pagefind's filter index, the same bytes on every run."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

from generator.search_index import SIGNATURE, SearchIndexError, stabilise

TOPICS = ["Reasoning", "Vision", "Agents", "Robotics, control", "Graphs"]


def site(root: Path) -> Path:
    """A small site whose pages carry topic and year filters, as paper pages do."""
    root.mkdir()
    for number in range(60):
        topics = "".join(
            f'<span data-pagefind-filter="topic">{TOPICS[(number + k) % 5]}</span>'
            for k in range(2)
        )
        (root / f"p{number}.html").write_text(
            f"<html><body><main data-pagefind-body><h1>Paper {number}</h1><p>words</p>"
            f'<div data-pagefind-ignore hidden>{topics}<span data-pagefind-filter="year">'
            f"{2015 + number % 9}</span></div></main></body></html>"
        )
    return root


def pagefind(root: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(root), "--silent"], check=True)
    return root / "pagefind"


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def decode(path: Path):
    import cbor2

    return cbor2.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE) :])


def test_three_runs_give_the_same_bytes_and_the_filters_read_back(tmp_path: Path) -> None:
    trees = []
    for run in range(3):
        out = pagefind(site(tmp_path / f"site{run}"))
        assert stabilise(out) == 2  # topic and year
        trees.append(tree(out))
    assert trees[0] == trees[1] == trees[2]
    filters = {
        name: values
        for name, values in map(decode, sorted((tmp_path / "site0/pagefind/filter").iterdir()))
    }
    topic_values = [value for value, _ in filters["topic"]]
    assert topic_values == sorted(TOPICS)  # sorted, a comma kept inside its value
    assert all(pages == sorted(pages) and len(pages) == 24 for _, pages in filters["topic"])
    assert [value for value, _ in filters["year"]] == [str(y) for y in range(2015, 2024)]


def test_stabilising_twice_changes_nothing(tmp_path: Path) -> None:
    out = pagefind(site(tmp_path / "site"))
    stabilise(out)
    once = tree(out)
    stabilise(out)
    assert tree(out) == once


def test_a_file_pagefind_did_not_write_fails_loudly(tmp_path: Path) -> None:
    out = pagefind(site(tmp_path / "site"))
    (filter_file,) = list((out / "filter").iterdir())[:1]
    filter_file.write_bytes(gzip.compress(b"something else"))
    with pytest.raises(SearchIndexError, match="not a Pagefind data file"):
        stabilise(out)
