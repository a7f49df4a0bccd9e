"""Make Pagefind's index the same bytes for the same site.

Pagefind (1.x, still in 1.5.2: its issue #638) writes the values of each filter in hash-map
order, so every run names its filter files, its metadata file and the entry file's hash
differently, and a site rebuilt from the same dumps would not be the same bytes. After
Pagefind has run, `stabilise` rewrites those files in a fixed order:

- each `filter/<lang>_<hash>.pf_filter` lists its values sorted, each value's pages sorted;
- `pagefind.<lang>_<hash>.pf_meta` lists the filters sorted by name, with the new names;
- `pagefind-entry.json` names the new metadata file.

A file is named after a SHA-256 of its content (Pagefind's own names are content hashes
too, and its script only looks files up by the names the metadata gives). Everything else
Pagefind writes is already stable (fragments since 1.3, index chunks always). The files are
CBOR behind a `pagefind_dcd` signature, gzipped; cbor2 re-encodes what it decodes byte for
byte (checked on every file before anything is written, so a format this code does not know
fails loudly instead of being mangled).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from .errors import GeneratorError

SIGNATURE = b"pagefind_dcd"


class SearchIndexError(GeneratorError):
    """Pagefind wrote something this module does not understand."""


def _read(path: Path):
    import cbor2  # imported here: only the MkDocs hook needs it

    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError("not a Pagefind data file (no signature)", path=str(path))
    value = cbor2.loads(data[len(SIGNATURE) :])
    if SIGNATURE + cbor2.dumps(value) != data:
        raise SearchIndexError(
            "Pagefind's encoding changed; cannot rewrite it safely", path=str(path)
        )
    return value


def _encode(value) -> bytes:
    import cbor2

    # mtime=0: no time in the gzip header, so the same content gives the same bytes.
    return gzip.compress(SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def _content_name(language: str, data: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def stabilise(pagefind_dir: Path) -> int:
    """Rewrite the filter index of a Pagefind output directory in a fixed order; return
    the number of filter files rewritten."""
    entry_path = pagefind_dir / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    rewritten = 0
    for language, details in sorted(entry.get("languages", {}).items()):
        meta_path = pagefind_dir / f"pagefind.{details['hash']}.pf_meta"
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise SearchIndexError("unexpected metadata layout", path=str(meta_path))
        filters = []
        for name, old_hash in meta[3]:
            old_path = pagefind_dir / "filter" / f"{old_hash}.pf_filter"
            content = _read(old_path)
            if not (isinstance(content, list) and len(content) == 2 and content[0] == name):
                raise SearchIndexError("unexpected filter layout", path=str(old_path))
            values = sorted(([value, sorted(pages)] for value, pages in content[1]))
            data = _encode([name, values])
            new_hash = _content_name(language, data, 7)
            old_path.unlink()
            (pagefind_dir / "filter" / f"{new_hash}.pf_filter").write_bytes(data)
            filters.append([name, new_hash])
            rewritten += 1
        meta[3] = sorted(filters)
        data = _encode(meta)
        new_meta = _content_name(language, data, 15)
        meta_path.unlink()
        (pagefind_dir / f"pagefind.{new_meta}.pf_meta").write_bytes(data)
        details["hash"] = new_meta
    entry_path.write_text(
        json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    return rewritten


PAGEFIND_ARGS = ("--silent", "--exclude-selectors", ".headerlink")
"""Heading permalinks (¶) would show in every result title."""


def index_site(site_dir: Path) -> int:
    """Index a built site for search with Pagefind (`pagefind_bin` from PyPI ships the
    binary), then make the index stable. The MkDocs hook runs this after every build;
    `paper-atlas index SITE` runs it for a builder without hooks. Returns the number of
    filter files rewritten."""
    if not (site_dir / "index.html").is_file():
        raise GeneratorError(f"{site_dir}: no index.html here; is this a built site?")
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), *PAGEFIND_ARGS]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise GeneratorError(
            "Pagefind could not index the site (is `pagefind[bin]` installed? `make` installs "
            f"it):\n{(result.stderr or result.stdout).strip()}"
        )
    try:
        return stabilise(site_dir / "pagefind")
    except OSError as error:
        raise GeneratorError(f"could not make the search index stable: {error}") from None
