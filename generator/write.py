"""Write the rendered tree: the only module that writes the output directory.

The output directory is replaced whole or not at all. `write_tree` builds the new tree in
a staging directory beside it (`.<name>.staging-<pid>`: files whose bytes did not change
are hard links to the old ones, so they keep their mtime and cost nothing), then swaps the
two directories in one atomic `rename` (`renameat2(RENAME_EXCHANGE)` on Linux), then
removes the old tree. A build killed at any point leaves either the old tree or the new
one, never a mix; what a killed build left beside it (a staging or old tree) is removed
by the next build. When nothing changed, nothing is touched, so `mkdocs serve` (which
watches the output) finds nothing to rebuild.

The generator owns a directory only if it made it: `.paper-atlas-output` marks it, and
`.paper-atlas-manifest` lists the files the last build wrote. A file it did not write
(the tracked `.gitignore`, a file a user put there) is carried into every new tree and
never deleted. `claim_output` refuses a directory that is not the generator's, and one
that is or holds the repository or its inputs (`--out .` would otherwise replace the
repository with the site's Markdown).

Every error in the inputs is raised before this runs, so a bad dump never touches the
output.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import OutputError
from .lock import build_lock

MARKER = ".paper-atlas-output"
"""In every directory the generator made: `claim_output` refuses any other."""
MANIFEST = ".paper-atlas-manifest"
"""The files the last build wrote, one per line: those, and only those, it may remove."""
_MARKER_TEXT = (
    "This directory is written by `python -m generator build` (Paper Atlas).\n"
    "The generator replaces only the files listed in .paper-atlas-manifest.\n"
)


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
        if path.name in (MARKER, MANIFEST):
            raise OutputError(f"refusing to overwrite the output's own {path.name}")


def claim_output(
    out: Path,
    protected: Iterable[Path],
    inputs: Iterable[Path] = (),
    marker: str = MARKER,
    accept=lambda where: False,
) -> None:
    """Refuse an output directory the generator must not replace: one that is, or holds,
    a protected path (the repository, its `content/`, the dumps, the taxonomy), one
    inside an input directory (its pages would be read back as dumps), a file, or a
    directory with files in it and no marker."""
    where = out.resolve()
    for path in inputs:
        path = path.resolve()
        if path in where.parents:
            raise OutputError(
                f"refusing to write the site into '{out}': it is inside '{path}', an input "
                "of the build; choose a directory of its own (build/docs)"
            )
    for path in protected:
        path = path.resolve()
        if where == path or where in path.parents:
            raise OutputError(
                f"refusing to write the site into '{out}': it holds '{path}', which the "
                "build would replace; choose a directory of its own (build/docs)"
            )
    if out.is_symlink():
        raise OutputError(
            f"refusing to write the site into '{out}': it is a symbolic link; give the "
            "directory it points to"
        )
    if where.exists() and not where.is_dir():
        raise OutputError(f"refusing to write the site into '{out}': it is not a directory")
    if (
        where.is_dir()
        and not (where / marker).is_file()
        and not accept(where)
        and any(where.iterdir())
    ):
        raise OutputError(
            f"refusing to write the site into '{out}': it holds files the generator did not "
            f"write (no {marker} file in it); choose a new or empty directory"
        )


SITE_MARKER = ".paper-atlas-site"
"""In a site `generator site` built: the directory it may replace next time."""


def claim_site(site: Path, settings) -> None:
    """Refuse a site directory `generator site` must not replace: what `claim_output`
    refuses, and a directory with files in it that is neither a site it built nor a
    site MkDocs built (`index.html` and `sitemap.xml`, from before the marker)."""
    claim_output(
        site,
        protected=[
            *(settings.root, settings.root / "content", settings.dumps, settings.topics),
            settings.out,
        ],
        inputs=[settings.dumps, settings.root / "content", settings.out],
        marker=SITE_MARKER,
        accept=lambda where: (where / "index.html").is_file() and (where / "sitemap.xml").is_file(),
    )


def write_tree(files: Mapping[PurePosixPath, str], dest: Path) -> WriteReport:
    check_paths(files)
    with build_lock(dest):
        return _write_tree(files, dest.absolute())


def _write_tree(files: Mapping[PurePosixPath, str], dest: Path) -> WriteReport:
    clean_leftovers(dest)
    existing = _existing_files(dest) if dest.is_dir() else set()
    if existing and MARKER not in existing:  # claimed by the caller; checked again here
        raise OutputError(f"refusing to replace '{dest}': no {MARKER} file in it")
    ours = _manifest(dest, existing)
    keep = {str(p) for p in files}
    foreign = existing - ours - keep - {MARKER, MANIFEST}
    data = {str(relative): text.encode("utf-8") for relative, text in files.items()}
    changed = [name for name in sorted(data) if not _same(dest / name, name, existing, data)]
    deleted = sorted(ours - keep)
    manifest = "".join(f"{name}\n" for name in sorted(keep))
    if not changed and not (ours & existing) - keep and _read(dest / MANIFEST) == manifest:
        return WriteReport(written=(), unchanged=len(data), deleted=())

    staging = dest.parent / f".{dest.name}.staging-{os.getpid()}"
    try:
        staging.mkdir(parents=True)
        changed_set = set(changed)
        for name in sorted(data):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if name in changed_set:
                target.write_bytes(data[name])
            else:
                _link_or_copy(dest / name, target)
        for name in sorted(foreign):
            target = staging / name.rstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(dest / name.rstrip("/"), target)
        (staging / MARKER).write_text(_read(dest / MARKER) or _MARKER_TEXT, encoding="utf-8")
        (staging / MANIFEST).write_text(manifest, encoding="utf-8")
        swap_in(staging, dest)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"cannot write '{dest}': {exc.strerror or exc}") from None
    shutil.rmtree(staging, ignore_errors=True)  # the old tree, after the swap
    return WriteReport(
        written=tuple(changed), unchanged=len(data) - len(changed), deleted=tuple(deleted)
    )


def _same(path: Path, name: str, existing: set[str], data: dict[str, bytes]) -> bool:
    if name not in existing:
        return False
    try:
        return path.read_bytes() == data[name]
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot read '{path}': {exc.strerror}") from None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _manifest(dest: Path, existing: set[str]) -> set[str]:
    """The files the last build wrote. A directory marked as the generator's but without
    a manifest (made before manifests existed) is taken to hold only generated files,
    dotfiles excepted."""
    text = _read(dest / MANIFEST)
    if text is None:
        return {
            name
            for name in existing
            if not name.endswith("/") and not name.rsplit("/", 1)[-1].startswith(".")
        }
    return {line for line in text.splitlines() if line} & existing


def _existing_files(dest: Path) -> set[str]:
    """Every file, symbolic link and empty directory under dest (a directory as
    `name/`), as relative POSIX paths: everything a new tree must account for."""
    found: set[str] = set()
    for root, directories, names in os.walk(dest):
        prefix = Path(root).relative_to(dest).as_posix()
        here = "" if prefix == "." else f"{prefix}/"
        found.update(here + name for name in names)
        found.update(here + name for name in directories if (Path(root) / name).is_symlink())
        if not names and not directories and here:
            found.add(here)  # an empty directory
    return found


def _link_or_copy(source: Path, target: Path) -> None:
    """Carry a file into the new tree: a hard link (same file, same mtime), a symbolic
    link as a link, an empty directory as a directory."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        target.mkdir(exist_ok=True)
    else:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)


def clean_leftovers(dest: Path) -> None:
    """Remove what a killed build left beside the output: its staging tree, or the old
    tree between the two renames of the fallback swap (put back if the output is gone)."""
    parent = dest.parent
    if not parent.is_dir():
        return
    for path in sorted(parent.glob(f".{dest.name}.old-*")):
        if not dest.exists():
            os.rename(path, dest)
        else:
            shutil.rmtree(path, ignore_errors=True)
    for path in parent.glob(f".{dest.name}.staging-*"):
        shutil.rmtree(path, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2() -> Callable[..., int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_EXCHANGE = _renameat2()


def swap_in(new: Path, dest: Path) -> None:
    """Put `new` where `dest` is, atomically; the old tree ends up at `new`'s path."""
    if not dest.exists():
        os.rename(new, dest)
        new.mkdir()  # so the caller's removal of "the old tree" has something to remove
        return
    if _EXCHANGE is not None:
        result = _EXCHANGE(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(dest), 2)
        if result == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code))
    # No atomic exchange here (not Linux, or a file system without it): two renames. A
    # kill between them leaves the old tree at `.old-<pid>`, which the next build puts
    # back before anything else.
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    os.rename(dest, old)
    os.rename(new, dest)
    os.rename(old, new)


def write_file(path: Path, text: str) -> None:
    """Replace one file atomically (a temporary file beside it, then a rename)."""
    temp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise OutputError(f"cannot write '{path}': {exc.strerror}") from None
