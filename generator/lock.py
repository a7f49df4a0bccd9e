"""One build at a time per output directory: an advisory lock (`flock`) on a file beside
it, `<parent>/.<name>.lock`, holding the pid and command of its holder.

The kernel drops the lock when its holder exits, however it exits (`kill -9` too), so a
crashed build never leaves a stale lock. A second build waits for the first (printing one
line that names it) up to `WAIT_SECONDS`, then gives up with a one-line message.

The lock is re-entrant within a process (the MkDocs hook takes it for the whole `mkdocs
build`, and the generator's write stage takes it again inside), and a child process may
be handed it: `generator site` holds it while its `mkdocs build` child runs, and tells
the child so through `PAPER_ATLAS_LOCK` (the lock file and the parent's pid, checked
against the lock file).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; builds are not serialised
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

WAIT_SECONDS = 600.0
"""How long a second build waits for the first (`PAPER_ATLAS_LOCK_WAIT` overrides it); a
`mkdocs build` of 30,000 papers takes a few minutes."""


def wait_seconds() -> float:
    value = os.environ.get("PAPER_ATLAS_LOCK_WAIT")
    if value is None:
        return WAIT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:
        raise OutputError(f"PAPER_ATLAS_LOCK_WAIT={value!r} is not a number of seconds")
    return seconds


ENV = "PAPER_ATLAS_LOCK"

_held: dict[Path, list[int]] = {}
"""Lock file → [file descriptor, depth] for the locks this process holds."""


def lock_path(out: Path) -> Path:
    try:
        out = out.resolve()
    except (OSError, RuntimeError):
        out = out.absolute()
    return out.parent / f".{out.name}.lock"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "another process"
    return text.splitlines()[0][:200] if text else "another process"


def _handed_down(path: Path) -> bool:
    """True when the parent process holds this lock and passed it on to us."""
    value = os.environ.get(ENV, "")
    where, _, pid = value.rpartition(":")
    if (
        not where
        or Path(where).resolve() != path.resolve()
        or not pid.isdigit()
        or int(pid) != os.getppid()
    ):
        return False
    return _holder(path).startswith(f"pid {pid}:")


@contextlib.contextmanager
def build_lock(out: Path, wait: float | None = None) -> Iterator[None]:
    acquire(out, wait)
    try:
        yield
    finally:
        release(out)


def acquire(out: Path, wait: float | None = None) -> None:
    path = lock_path(out)
    if path in _held:
        _held[path][1] += 1
        return
    if fcntl is None or _handed_down(path):
        _held[path] = [-1, 1]
        return
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot create the build lock '{path}': {exc.strerror}") from None
    announced = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise OutputError(f"cannot lock '{path}': {exc.strerror}") from None
        holder = _holder(path)
        if time.monotonic() >= deadline:
            os.close(fd)
            raise OutputError(
                f"another build is writing '{out}' ({holder}); try again when it has finished"
            )
        if not announced:
            log.warning("Waiting for another build of '%s' to finish (%s)...", out, holder)
            announced = True
        time.sleep(0.2)
    command = " ".join(sys.argv)[:200].replace("\n", " ")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()}: {command}\n".encode(errors="replace"), 0)
    _held[path] = [fd, 1]


def release(out: Path) -> None:
    path = lock_path(out)
    entry = _held.get(path)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _held[path]
    if entry[0] >= 0:
        os.ftruncate(entry[0], 0)
        os.close(entry[0])  # closing the descriptor releases the flock


def handover_env(out: Path) -> dict[str, str]:
    """Environment for a child process that may use the lock this process holds."""
    return {**os.environ, ENV: f"{lock_path(out)}:{os.getpid()}"}


def die_with_parent() -> None:
    """For a child process (`preexec_fn`): be killed when the parent dies, however it
    dies. A `mkdocs build` left running after `generator site` was killed would write
    build/docs with the lock gone (Linux only; elsewhere a no-op)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (AttributeError, OSError):
        pass
