from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from generator import lock
from generator.errors import OutputError
from generator.write import MANIFEST, MARKER, claim_output, write_tree

ROOT = Path(__file__).resolve().parent.parent


def P(path: str) -> PurePosixPath:
    return PurePosixPath(path)


def tree(dest: Path) -> dict[str, str]:
    return {
        p.relative_to(dest).as_posix(): p.read_text()
        for p in sorted(dest.rglob("*"))
        if p.is_file()
    }


def test_write_tree_writes_only_what_changed_and_removes_its_stale_files(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    first = write_tree({P("a.md"): "A", P("sub/b.md"): "B", P("old/deep/c.md"): "C"}, dest)
    assert first.written == ("a.md", "old/deep/c.md", "sub/b.md")
    assert (dest / MARKER).is_file()
    assert (dest / MANIFEST).read_text() == "a.md\nold/deep/c.md\nsub/b.md\n"
    os.utime(dest / "a.md", (1, 1))

    second = write_tree({P("a.md"): "A", P("sub/b.md"): "B2"}, dest)
    assert second.written == ("sub/b.md",)
    assert second.unchanged == 1
    assert second.deleted == ("old/deep/c.md",)
    assert (dest / "a.md").stat().st_mtime == 1  # the same file, linked into the new tree
    assert (dest / "sub/b.md").read_text() == "B2"
    assert not (dest / "old").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")) == [
        ".out.lock"
    ]  # no staging or old tree left beside it


def test_an_unchanged_build_touches_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    write_tree({P("a.md"): "A"}, dest)
    inode = dest.stat().st_ino
    report = write_tree({P("a.md"): "A"}, dest)
    assert (report.written, report.deleted) == ((), ())
    assert dest.stat().st_ino == inode  # not swapped: mkdocs serve sees no change


def test_files_the_generator_did_not_write_are_never_deleted(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    write_tree({P("a.md"): "A"}, dest)
    (dest / ".gitignore").write_text("*\n")
    (dest / "notes").mkdir()
    (dest / "notes" / "mine.txt").write_text("a user's file")
    write_tree({P("b.md"): "B"}, dest)
    assert tree(dest) == {
        ".gitignore": "*\n",
        MANIFEST: "b.md\n",
        MARKER: (dest / MARKER).read_text(),
        "b.md": "B",
        "notes/mine.txt": "a user's file",
    }


@pytest.mark.parametrize("bad", ["../escape.md", "/etc/passwd", "a/../../b.md", MANIFEST])
def test_write_tree_refuses_paths_outside_dest_and_writes_nothing(tmp_path: Path, bad: str) -> None:
    dest = tmp_path / "dest"
    with pytest.raises(OutputError, match=r"outside the output directory|own"):
        write_tree({P("fine.md"): "ok", P(bad): "x"}, dest)
    assert not dest.exists()
    assert not (tmp_path / "escape.md").exists()


def test_leftovers_of_a_killed_build_are_cleaned_and_a_lost_tree_is_put_back(
    tmp_path: Path,
) -> None:
    dest = tmp_path / "out"
    write_tree({P("a.md"): "A"}, dest)
    (tmp_path / ".out.staging-99999").mkdir()
    (tmp_path / ".out.staging-99999" / "half.md").write_text("half")
    # killed between the two renames of the fallback swap: the old tree is beside, not in place
    os.rename(dest, tmp_path / ".out.old-99998")
    write_tree({P("a.md"): "A"}, dest)
    assert tree(dest)["a.md"] == "A"
    assert not list(tmp_path.glob(".out.staging-*")) and not list(tmp_path.glob(".out.old-*"))


def test_claim_output_refuses_what_it_must_not_replace(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    dumps = repo / "content" / "dumps"
    dumps.mkdir(parents=True)
    protected = [repo, repo / "content", dumps]
    for out, message in [
        (repo, "it holds"),
        (tmp_path, "it holds"),
        (repo / "content", "it holds"),
        (dumps / "site", "inside"),
    ]:
        with pytest.raises(OutputError, match=message):
            claim_output(out, protected, inputs=[dumps, repo / "content"])
    (repo / "file.md").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        claim_output(repo / "file.md", protected)
    (repo / "mine").mkdir()
    (repo / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(OutputError, match="did not write"):
        claim_output(repo / "mine", protected)
    (repo / "empty").mkdir()
    for fine in (repo / "new", repo / "empty"):
        claim_output(fine, protected)
    write_tree({P("a.md"): "A"}, repo / "built")
    claim_output(repo / "built", protected)  # marked by the generator


def test_a_second_build_waits_then_gives_up_naming_the_first(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from generator import lock; "
            f"lock.acquire(Path({str(dest)!r})); print('held', flush=True); time.sleep(30)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputError, match=rf"another build is writing .*pid {holder.pid}:"):
            lock.acquire(dest, wait=0.5)
    finally:
        holder.kill()
        holder.wait()
    lock.acquire(dest, wait=5)  # the kernel released the killed holder's lock
    lock.release(dest)
