"""The command line as a user meets it: exact messages, exit codes, and an output
directory that a failed run leaves exactly as it was."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOLDEN_INPUT, ROOT

from generator.cli import main


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the golden fixture inputs laid out like the repository."""
    (tmp_path / "content").mkdir()
    shutil.copytree(GOLDEN_INPUT / "dumps", tmp_path / "content" / "dumps")
    shutil.copy(GOLDEN_INPUT / "topics.yml", tmp_path / "content" / "topics.yml")
    return tmp_path


def test_parse_prints_466_records_for_the_seed_dumps() -> None:
    dumps = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "content" / "dumps").glob("*.txt"))
    result = run_cli("parse", *dumps)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 466
    assert sum(len({s.split(":")[0] for s in r["sources"]}) > 1 for r in records) == 40
    assert set(records[0]) >= {
        "title",
        "abstract",
        "authors",
        "published",
        "upvotes",
        "comments",
        "sources",
    }
    bigcode = next(r for r in records if r["title"].startswith("BigCodeBench"))
    assert (bigcode["organisation"], bigcode["published"], bigcode["comments"][0]["value"]) == (
        "bigcode BigCode",
        "2024-06-22",
        8,
    )
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("Parsed 466 papers (519 entries) from 5 dumps in ")
    )


def test_parse_prints_what_it_found_but_exits_1_when_a_line_is_not_understood() -> None:
    result = run_cli("parse", "tests/fixtures/dumps/truncated.txt")
    assert result.returncode == 1
    assert [json.loads(line)["title"] for line in result.stdout.splitlines()] == ["A Complete Card"]
    assert result.stderr.splitlines() == [
        "tests/fixtures/dumps/truncated.txt:11: error: the dump ends after a title with no "
        "abstract (capture cut off?): 'A Card Cut Off Before Its Abstr'",
        result.stderr.splitlines()[-1],
    ]
    assert result.stderr.splitlines()[-1].startswith("Parsed 1 paper (1 entry) from 1 dump in ")
    assert result.stderr.splitlines()[-1].endswith(
        "with 1 problem in 1 dump: the records above are not complete or not right."
    )


def test_parse_strict_exits_1_on_warnings() -> None:
    result = run_cli("parse", "--strict", "tests/fixtures/dumps/missing_abstract.txt")
    assert result.returncode == 1
    assert "warning: title with no abstract" in result.stderr


def test_check_prints_the_accounting_and_passes_on_the_seeds() -> None:
    result = run_cli("check", "--strict")
    assert result.returncode == 0, result.stderr
    assert "content/dumps/001_36019720e30c5c20.txt    591       73" in result.stdout
    assert result.stderr.splitlines()[-1].startswith("OK: 5 dumps, 466 papers, ")


def test_build_ends_with_a_one_line_summary(project: Path) -> None:
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "Generated 8 paper pages and 5 topic pages (with Unclassified) from 7 dumps "
        "(1 of them saved paper pages); "
    )
    assert (
        project / "build" / "docs" / "papers" / "a-benchmark-of-tabular-data-cleaning.md"
    ).exists()


def test_build_timings_lists_every_stage_before_the_summary(project: Path) -> None:
    result = run_cli("build", "--timings", cwd=project)
    assert result.returncode == 0, result.stderr
    recorded, *stages, last = result.stderr.strip().splitlines()
    assert recorded == (
        "Recorded the URLs of 8 new papers in content/slugs.tsv: commit it with the dumps"
    )
    assert (project / "content" / "slugs.tsv").read_text().count("\n") == 4 + 8
    assert [line.split()[0] for line in stages] == [
        "parse", "merge", "topics", "related", "render", "write"
    ]  # fmt: skip
    assert all(line.endswith(" s") for line in stages)
    assert last.startswith("Generated 8 paper pages")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "content/dumps/z.txt: file is empty"),
        (b"new\n\x00\x01binary", "content/dumps/z.txt:2: binary data (NUL byte); not a text dump"),
        ("T\xe9tulo\n\nAbstract\n".encode("latin-1"), "content/dumps/z.txt:1: not valid UTF-8"),
        ("Title\n\nAbstract\n".encode("utf-16"), "content/dumps/z.txt: file is UTF-16"),
        (b"new\nSubscribe\n", "content/dumps/z.txt:2: error: no paper found in this dump"),
        (
            b"Dear diary\n\nToday I read a paper.\n",
            "content/dumps/z.txt:1: error: does not look like a Hugging Face Papers listing",
        ),
        (
            "Title\n\nAbstract.\n\n  • 2 authors\n·\nMay 2\n·\n".encode(),
            "content/dumps/z.txt:8: error: unexplained line (a second separator for one paper)",
        ),
    ],
)
def test_bad_dump_fails_with_one_clear_message_and_leaves_output_untouched(
    project: Path, content: bytes, message: str
) -> None:
    assert run_cli("build", cwd=project).returncode == 0
    before = snapshot(project / "build")
    (project / "content" / "dumps" / "z.txt").write_bytes(content)

    result = run_cli("build", cwd=project)

    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Aborted")
    assert snapshot(project / "build") == before
    assert run_cli("check", cwd=project).returncode == 1


def test_bad_taxonomy_names_its_line(project: Path) -> None:
    (project / "content" / "topics.yml").write_text("topics:\n  - slug: a\n    name: A\n")
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "content/topics.yml:2: topic 'a' has no phrases, so it can never match"
    )


def test_debug_shows_the_traceback(project: Path) -> None:
    (project / "content" / "dumps" / "z.txt").write_bytes(b"")
    result = run_cli("build", "--debug", cwd=project)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "generator.errors.Aborted: content/dumps/z.txt: file is empty" in result.stderr


def test_version_names_the_release() -> None:
    from generator import __version__

    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"python -m generator {__version__}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"Subscribe\n" + b"x" * 1_000_000 + b"\n",
            "content/dumps/z.txt:2: line of 1,000,000 characters",
        ),
        (
            b"Subscribe\n\nTitle\n\nAbstract.\n\n" * 1_800_000,
            "content/dumps/z.txt: file is 49.8 MB",
        ),
    ],
    ids=["line-of-1MB", "dump-of-50MB"],
)
def test_oversized_input_fails_with_one_clear_message(
    project: Path, content: bytes, message: str
) -> None:
    (project / "content" / "dumps" / "z.txt").write_bytes(content)
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr[:300]
    assert "Traceback" not in result.stderr


def test_mkdocs_serve_never_passes_its_local_address_on_as_the_site_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from generator import mkdocs_hook

    config = SimpleNamespace(site_url="http://127.0.0.1:8000/")
    monkeypatch.delenv("SITE_URL", raising=False)
    mkdocs_hook.on_startup("serve", dirty=False)
    try:
        assert mkdocs_hook.published_url(config) is None
        monkeypatch.setenv("SITE_URL", "https://example.org/atlas/")
        assert mkdocs_hook.published_url(config) == "https://example.org/atlas/"
        mkdocs_hook.on_startup("build", dirty=False)
        assert mkdocs_hook.published_url(config) == "http://127.0.0.1:8000/"
    finally:
        mkdocs_hook.on_startup(None, dirty=False)
