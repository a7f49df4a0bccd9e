"""One base class; each error formats itself GNU-style (`path:line: message`)."""

from __future__ import annotations

from collections.abc import Sequence


class GeneratorError(Exception):
    """Anything the user can fix by changing an input. `cli` prints it without a traceback."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        problems: tuple[object, ...] = (),
    ):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.problems = problems
        """The problems this error stands for, when it reports several at once."""

    @classmethod
    def combine(cls, problems: Sequence[object], summary: str | None = None):
        """The one way errors are combined (unreadable dumps, diagnostics that fail a
        build, a taxonomy's mistakes): one problem per line, each as `path:line:
        message`, then the summary line if any. Keeps `problems` for callers."""
        lines = [str(problem) for problem in problems]
        if summary is not None:
            lines.append(summary)
        return cls("\n".join(lines), problems=tuple(problems))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(GeneratorError):
    """`content/topics.yml` (or another setting) is invalid."""


class DumpError(GeneratorError):
    """A dump cannot be read or holds no usable listing."""


class OutputError(GeneratorError):
    """The output would be wrong: a path outside the output directory, a path written twice."""


class Aborted(GeneratorError):
    """Problems reported together, with a closing `Aborted: ...` line."""

    @classmethod
    def of(cls, problems: Sequence[object], summary: str) -> Aborted:
        """`problems` (errors or diagnostics), then `Aborted: <summary>.`"""
        return cls.combine(problems, f"Aborted: {summary}.")


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
