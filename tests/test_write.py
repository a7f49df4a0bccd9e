from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from generator.errors import OutputError
from generator.write import write_tree


def P(path: str) -> PurePosixPath:
    return PurePosixPath(path)


def test_write_tree_writes_only_what_changed_and_removes_stale_files(tmp_path: Path) -> None:
    first = write_tree({P("a.md"): "A", P("sub/b.md"): "B", P("old/deep/c.md"): "C"}, tmp_path)
    assert first.written == ("a.md", "old/deep/c.md", "sub/b.md")
    os.utime(tmp_path / "a.md", (1, 1))
    (tmp_path / "sub" / ".tmp-b.md").write_text("left by an interrupted run")

    second = write_tree({P("a.md"): "A", P("sub/b.md"): "B2"}, tmp_path)
    assert second.written == ("sub/b.md",)
    assert second.unchanged == 1
    assert second.deleted == ("old/deep/c.md", "sub/.tmp-b.md")
    assert (tmp_path / "a.md").stat().st_mtime == 1  # untouched
    assert (tmp_path / "sub/b.md").read_text() == "B2"
    assert not (tmp_path / "old").exists()


def test_write_tree_keeps_dotfiles_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*\n")
    write_tree({P("a.md"): "A"}, tmp_path)
    assert (tmp_path / ".gitignore").read_text() == "*\n"


@pytest.mark.parametrize("bad", ["../escape.md", "/etc/passwd", "a/../../b.md"])
def test_write_tree_refuses_paths_outside_dest_and_writes_nothing(tmp_path: Path, bad: str) -> None:
    dest = tmp_path / "dest"
    with pytest.raises(OutputError, match="outside the output directory"):
        write_tree({P("fine.md"): "ok", P(bad): "x"}, dest)
    assert not dest.exists()
    assert not (tmp_path / "escape.md").exists()
