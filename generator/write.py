"""Write the rendered tree: the only module that writes files.

`write_tree` makes `dest` hold exactly the rendered files. It writes a file only when its
bytes change (each through a temporary file and an atomic rename) and removes files the
render no longer produces, so an unchanged page keeps its mtime and `mkdocs serve` only
sees what really changed. Dotfiles already in `dest` that the render does not produce (the
tracked `.gitignore` that keeps the directory in a clean clone) are left alone.

Every error in the inputs is raised before this runs, so a bad dump never leaves a
half-written tree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import OutputError


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    deleted: tuple[str, ...]


def check_paths(files: Mapping[PurePosixPath, str]) -> None:
    """Refuse any path that could land outside the output directory."""
    for path in files:
        if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
            raise OutputError(f"refusing to write outside the output directory: {str(path)!r}")
        if any("\\" in part or "\0" in part for part in path.parts):
            raise OutputError(f"refusing an unsafe output path: {str(path)!r}")


def write_tree(files: Mapping[PurePosixPath, str], dest: Path) -> WriteReport:
    check_paths(files)
    dest.mkdir(parents=True, exist_ok=True)
    existing = _existing_files(dest)  # one walk: no failed read per new file
    written: list[str] = []
    unchanged = 0
    for relative in sorted(files):
        target = dest.joinpath(*relative.parts)
        data = files[relative].encode("utf-8")
        if str(relative) in existing:
            try:
                if target.read_bytes() == data:
                    unchanged += 1
                    continue
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(f"cannot read '{target}': {exc.strerror}") from None
        _atomic_write(target, data)
        written.append(str(relative))
    deleted = _remove_stale(dest, existing, {str(p) for p in files})
    return WriteReport(written=tuple(written), unchanged=unchanged, deleted=tuple(deleted))


def _existing_files(dest: Path) -> set[str]:
    """Every file under dest, as a relative POSIX path."""
    found: set[str] = set()
    for root, _, names in os.walk(dest):
        prefix = Path(root).relative_to(dest).as_posix()
        found.update(name if prefix == "." else f"{prefix}/{name}" for name in names)
    return found


def _atomic_write(target: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: a reader (or `mkdocs serve`) never
    sees half a file. The temporary name is fixed (`.tmp-<name>`): one writer at a time
    owns the output directory, and mkstemp's random names cost a third of the time."""
    temp = target.with_name(f".tmp-{target.name}")
    try:
        try:
            temp.write_bytes(data)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(data)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write '{target}': {exc.strerror}") from None


def _remove_stale(dest: Path, existing: set[str], keep: set[str]) -> list[str]:
    """Remove the files that were there before and are not rendered any more (dotfiles
    excepted, leftover `.tmp-` files included), then the directories left empty."""
    deleted = sorted(
        relative
        for relative in existing - keep
        if not (
            (name := relative.rsplit("/", 1)[-1]).startswith(".") and not name.startswith(".tmp-")
        )
    )
    for relative in deleted:
        (dest / relative).unlink(missing_ok=True)
    parents = {(dest / relative).parent for relative in deleted}
    for directory in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        while directory != dest and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent
    return deleted
