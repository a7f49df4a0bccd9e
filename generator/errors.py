"""One base class; each error formats itself GNU-style (`path:line: message`)."""

from __future__ import annotations


class GeneratorError(Exception):
    """Anything the user can fix by changing an input. `cli` prints it without a traceback."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

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
    """Several errors were reported already; this carries the one-line summary."""
