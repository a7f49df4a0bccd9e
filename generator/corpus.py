"""Merge the entries of every dump into one record per paper.

Pure: `build_corpus(dumps)` takes parse results and returns a `Corpus`.

Rules (each deterministic, so the same dumps always give the same corpus):
- Two entries are the same paper when they name the same arXiv id (a capture that kept
  the paper's link), or when their normalised titles are equal (`normalise_title`:
  Unicode compatibility forms, accents, case, punctuation, whitespace) and they do not
  name two different arXiv ids. So a paper whose title changed between arXiv versions
  is one paper where a capture shows its id, and two papers that share a title are two
  where captures show their ids. An entry without an id whose title matches two papers
  with different ids cannot be placed: that is an error.
- Title: as written at the first source; another wording is a note.
- Dump order is the order of `dumps` (the build sorts them by path); sources are kept in
  that order and `first_seen` is the first of them.
- Abstract: the longest wording (it has lost the least); on a tie, the earliest. Every
  other wording is kept in `abstract_variants` with its sources.
- Authors, organisation, published date: the first source that has one; a disagreement
  is a note naming both places, shown on the paper's page (resolved by this rule, so it
  does not fail a strict build). A full date beats a month-day date that
  agrees with it.
- Comments are snapshots: one per source that shows a count.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from slugify import slugify as _slugify

from .models import (
    Corpus,
    Diagnostic,
    DumpReport,
    Entry,
    Level,
    Paper,
    PartialDate,
    SlugRecord,
    Snapshot,
    SourceRef,
    Variant,
)
from .routes import paper_path, url_path

SLUG_MAX_CHARS = 80
_NON_WORD_RE = re.compile(r"[\W_]+")
# Characters that cannot appear unencoded in a URL end it: LaTeX in abstracts glues URLs
# together (`repo.git{https://...}`).
_URL_RE = re.compile(r"https?://[^\s<>\"'`{}|\\^]+")
_GITHUB_RE = re.compile(r"^https?://(?:www\.)?github\.com/([\w.-]+)/([\w.-]+)", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}'\""


def normalise_title(title: str) -> str:
    """The dedupe key: `"Attention Is All You Need!"` → `"attention is all you need"`."""
    decomposed = unicodedata.normalize("NFKD", title)
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = unicodedata.normalize("NFKC", without_marks.casefold())
    return _NON_WORD_RE.sub(" ", folded).strip()


def slugify(title: str) -> str:
    """ASCII, lower-case, hyphenated, at most `SLUG_MAX_CHARS` cut at a word boundary."""
    # python-slugify transliterates (text-unidecode); the cut is ours, because its
    # word_boundary mode skips a long word and keeps shorter later ones ("...-and-for").
    slug = _slugify(title)
    if len(slug) > SLUG_MAX_CHARS:
        cut = slug[: SLUG_MAX_CHARS + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:SLUG_MAX_CHARS]
    return slug.strip("-") or "paper"


def find_links(text: str) -> tuple[str, ...]:
    """URLs in the text, in order, without trailing sentence punctuation."""
    links: list[str] = []
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if url not in links:
            links.append(url)
    return tuple(links)


def github_repo(url: str) -> str | None:
    """`https://github.com/Owner/repo.git/tree/main` → `https://github.com/Owner/repo`."""
    match = _GITHUB_RE.match(url)
    if match is None:
        return None
    repo = match[2].removesuffix(".git")
    return f"https://github.com/{match[1]}/{repo}" if repo else None


def title_key(title: str) -> str:
    """What two entries must share to be one paper by title: `normalise_title`, or, for a
    title with no letter or digit (`---`, `🚀🔥💯`), the title itself, whitespace folded:
    such titles are not all the same paper."""
    return normalise_title(title) or " ".join(title.split())


def build_corpus(dumps: Sequence[DumpReport], ledger: Sequence[SlugRecord] = ()) -> Corpus:
    """`ledger`: the slugs given by earlier builds (`content/slugs.tsv`)."""
    diagnostics: list[Diagnostic] = []
    groups = group_entries([e for dump in dumps for e in dump.entries], diagnostics)
    merged = [_merge(key, entries, diagnostics) for key, entries in groups.items()]
    identities = [
        (
            paper.key,
            paper.first_seen,
            paper.title,
            paper.arxiv_id,
            list(dict.fromkeys(title_key(e.title) for e in groups[paper.key])),
        )
        for paper in merged
    ]
    slugs, new_slugs = assign_slugs(identities, ledger)
    moved = moved_slugs(identities, slugs, ledger)
    for old, new in sorted(moved.items()):
        paper = next(p for p in merged if slugs[p.key] == new)
        diagnostics.append(
            Diagnostic(
                paper.first_seen,
                Level.INFO,
                f"{url_path(paper_path(old))} (in content/slugs.tsv) is now the same paper "
                f"as {url_path(paper_path(new))}; the old URL leads to it",
            )
        )
    papers = sorted(
        (replace(paper, slug=slugs[paper.key]) for paper in merged), key=lambda p: p.slug
    )
    return Corpus(
        papers={paper.slug: paper for paper in papers},
        dumps=tuple(dumps),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: (d.source, d.message))),
        new_slugs=new_slugs,
        moved=moved,
    )


def group_entries(entries: list[Entry], diagnostics: list[Diagnostic]) -> dict[str, list[Entry]]:
    """Entries of one paper together, in order; keyed by the first entry's normalised
    title (with its arXiv id when another paper has the same title)."""
    titles = [title_key(entry.title) for entry in entries]
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        a, b = root(a), root(b)
        if a != b:
            parent[max(a, b)] = min(a, b)  # the earliest entry leads its paper

    first_with_id: dict[str, int] = {}
    by_title: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.arxiv_id is not None:
            join(first_with_id.setdefault(entry.arxiv_id, i), i)
        by_title.setdefault(titles[i], []).append(i)
    for members in by_title.values():
        ids = sorted({x for i in members if (x := entries[i].arxiv_id) is not None}, key=str)
        if len(ids) <= 1:
            for i in members[1:]:
                join(members[0], i)
            continue
        # One title, several papers: entries that name their id stay with it; one that
        # names none cannot be placed.
        for i in members:
            if entries[i].arxiv_id is None:
                others = ", ".join(
                    f"{x} (first at {entries[first_with_id[x]].source})" for x in ids
                )
                diagnostics.append(
                    Diagnostic(
                        entries[i].source,
                        Level.ERROR,
                        f"this title names several papers with different arXiv ids ({others}); "
                        "the dump shows no id for this one, so it cannot be placed",
                    )
                )
                join(first_with_id[ids[0]], i)
    groups: dict[int, list[Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(root(i), []).append(entry)
    keyed: dict[str, list[Entry]] = {}
    for leader, grouped in sorted(groups.items()):
        key = titles[leader]
        if key in keyed:  # another paper with this title: its arXiv id tells them apart
            key = f"{key} {grouped[0].arxiv_id or leader}"
        keyed[key] = grouped
    return keyed


RESERVED_SLUGS = frozenset(
    {"index", "page", "papers", "topics", "archive", "search", "feed", "tags", "assets", "404"}
)
"""Paper pages are `papers/<slug>.md`: `index` would be served as `/papers/` itself, and
the others are the roots of the site's own sections."""


def slug_base(title: str, key: str) -> str:
    """The slug a title asks for: `slugify`, moved off the reserved names (`index` →
    `index-paper`), and for a title with no letter or digit (`---`, `🚀🔥💯`) one made
    from its key, so such papers get distinct and stable URLs."""
    slug = slugify(title)
    if slug == "paper" and not normalise_title(title):
        return f"paper-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
    return f"{slug}-paper" if slug in RESERVED_SLUGS else slug


def assign_slugs(
    papers: Iterable[tuple[str, SourceRef, str, str | None, Sequence[str]]],
    ledger: Sequence[SlugRecord] = (),
) -> tuple[dict[str, str], tuple[SlugRecord, ...]]:
    """Map each paper key to its slug, and list the slugs given to papers the ledger did
    not know. `papers` are (key, first seen, title, arXiv id, title keys of its entries).

    A paper the ledger knows (by arXiv id, else by one of its titles) keeps its recorded
    slug: adding a dump never moves a published URL, whatever its file name. A new paper
    gets `slug_base(title)`, unless a recorded or already given slug has it: then a suffix
    from a hash of its key, so it does not depend on which other papers exist. New papers
    are served in first-seen order, so without a ledger the first seen keeps the plain slug.
    """
    by_id = {r.arxiv_id: r for r in ledger if r.arxiv_id}
    by_title: dict[str, list[SlugRecord]] = {}
    for known in ledger:
        by_title.setdefault(known.title_key, []).append(known)
    taken = {record.slug for record in ledger}
    claimed: set[str] = set()
    result: dict[str, str] = {}
    new: list[tuple[str, str, str | None, str]] = []
    ordered = sorted(papers, key=lambda p: (p[1], p[0]))
    for key, _, title, arxiv_id, title_keys in ordered:
        record = by_id.get(arxiv_id) if arxiv_id else None
        if record is None or record.slug in claimed:
            record = next(
                (
                    r
                    for k in title_keys
                    for r in by_title.get(k, ())
                    if r.slug not in claimed and (r.arxiv_id in (None, arxiv_id) or not arxiv_id)
                ),
                None,
            )
        if record is not None:
            claimed.add(record.slug)
            result[key] = record.slug
        else:
            new.append((key, title, arxiv_id, title_keys[0]))
    for key, title, _, _ in new:
        slug = slug_base(title, key)
        if slug in taken:
            base = slug = f"{slug}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
            number = 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        result[key] = slug
    records = tuple(
        sorted(SlugRecord(result[key], title_key, arxiv_id) for key, _, arxiv_id, title_key in new)
    )
    return result, records


def moved_slugs(
    papers: Sequence[tuple[str, SourceRef, str, str | None, Sequence[str]]],
    slugs: Mapping[str, str],
    ledger: Sequence[SlugRecord],
) -> dict[str, str]:
    """Recorded slugs no paper holds any more because their paper was merged into another
    (a dump showed that two titles are one arXiv paper): old slug → the merged paper's
    slug, so the old URL can lead to it."""
    used = set(slugs.values())
    by_id = {arxiv_id: key for key, _, _, arxiv_id, _ in papers if arxiv_id}
    by_title = {t: key for key, _, _, _, keys in papers for t in keys}
    moved: dict[str, str] = {}
    for record in ledger:
        if record.slug in used:
            continue
        key = by_id.get(record.arxiv_id) if record.arxiv_id else None
        key = key or by_title.get(record.title_key)
        if key is not None:
            moved[record.slug] = slugs[key]
    return moved


def _merge(key: str, entries: list[Entry], diagnostics: list[Diagnostic]) -> Paper:
    first = entries[0]
    for duplicate in entries[1:]:
        if duplicate.source.path == first.source.path:
            diagnostics.append(
                Diagnostic(
                    duplicate.source,
                    Level.INFO,
                    f"same paper as line {first.source.line}; merged",
                )
            )
    variants = _abstract_variants(entries)
    abstract = variants[0].text if variants else None
    links = find_links(abstract or "")
    buttons = [e.github_repo for e in entries if e.github_repo]
    github = tuple(
        dict.fromkeys(repo for url in [*buttons, *links] if (repo := github_repo(url)) is not None)
    )
    before = len(diagnostics)
    _note_retitled(entries, diagnostics)
    arxiv_id = next((e.arxiv_id for e in entries if e.arxiv_id), None)
    authors = _merge_author_counts(entries, diagnostics)
    organisation = _first_agreed(entries, "organisation", diagnostics)
    published = _merge_dates(entries, diagnostics)
    submitted_by = _first_agreed(entries, "submitted_by", diagnostics)
    # Names come from saved paper pages only; two pages of one paper that list different
    # names are noted like any other conflict, and the earlier list is kept.
    with_names = [e for e in entries if e.author_names]
    author_names = _first_agreed(with_names, "author_names", diagnostics) or ()
    ai_summary = next((e.ai_summary for e in entries if e.ai_summary), None)
    project_page = next((e.project_page for e in entries if e.project_page), None)
    return Paper(
        key=key,
        slug="",
        title=first.title,
        arxiv_id=arxiv_id,
        abstract=abstract,
        abstract_variants=variants,
        authors=authors,
        organisation=organisation,
        published=published,
        comments=_snapshots(entries, "comments"),
        upvotes=_snapshots(entries, "upvotes"),
        github_stars=_snapshots(entries, "github_stars"),
        submitted_by=submitted_by,
        author_names=author_names,
        ai_summary=ai_summary,
        project_page=project_page,
        conflicts=tuple(diagnostics[before:]),
        links=links,
        github=github,
        sources=tuple(e.source for e in entries),
        first_seen=first.source,
    )


def _snapshots(entries: list[Entry], name: str) -> tuple[Snapshot, ...]:
    return tuple(
        Snapshot(value, e.source) for e in entries if (value := getattr(e, name)) is not None
    )


def _abstract_variants(entries: list[Entry]) -> tuple[Variant, ...]:
    seen: dict[str, list[SourceRef]] = {}
    for entry in entries:
        if entry.abstract is not None:
            seen.setdefault(entry.abstract, []).append(entry.abstract_source or entry.source)
    # dicts keep insertion order, so on equal length the earliest wording wins.
    ordered = sorted(seen.items(), key=lambda item: -len(item[0]))
    return tuple(Variant(text, tuple(sources)) for text, sources in ordered)


def _note_retitled(entries: list[Entry], diagnostics: list[Diagnostic]) -> None:
    """A paper merged by its arXiv id under another title (a new arXiv version): noted;
    the first title is kept. Case or punctuation alone is not worth a note."""
    first = entries[0]
    seen = {normalise_title(first.title)}
    for entry in entries[1:]:
        key = normalise_title(entry.title)
        if key not in seen:
            seen.add(key)
            diagnostics.append(
                Diagnostic(
                    entry.source,
                    Level.INFO,
                    f"title {entry.title!r} differs from {first.title!r} at {first.source} "
                    f"(same arXiv id {entry.arxiv_id}); kept the earlier",
                )
            )


def _merge_author_counts(entries: list[Entry], diagnostics: list[Diagnostic]) -> int | None:
    """How many authors: a saved paper page that names them counts them (its names and
    its `+ N authors`), and wins over a listing's count, which is noted when it differs;
    otherwise the earliest count, as for other fields."""
    named = [e for e in entries if e.author_names and e.authors is not None]
    if not named:
        return _first_agreed(entries, "authors", diagnostics)
    page = named[0]
    for entry in entries:
        if entry.authors is not None and entry.authors != page.authors:
            diagnostics.append(
                Diagnostic(
                    entry.source,
                    Level.INFO,
                    f"authors {entry.authors!r} differs from the {page.authors} the paper "
                    f"page at {page.source} names; kept the page's",
                )
            )
    return page.authors


def _first_agreed(entries: list[Entry], name: str, diagnostics: list[Diagnostic]):
    chosen: Entry | None = None
    for entry in entries:
        value = getattr(entry, name)
        if value is None:
            continue
        if chosen is None:
            chosen = entry
        elif value != getattr(chosen, name):
            diagnostics.append(
                Diagnostic(
                    entry.source,
                    Level.INFO,
                    f"{name} {value!r} differs from {getattr(chosen, name)!r} at "
                    f"{chosen.source}; kept the earlier",
                )
            )
    return None if chosen is None else getattr(chosen, name)


def _merge_dates(entries: list[Entry], diagnostics: list[Diagnostic]) -> PartialDate | None:
    chosen: Entry | None = None
    for entry in entries:
        date = entry.published
        if date is None:
            continue
        if chosen is None or chosen.published is None:
            chosen = entry
            continue
        kept = chosen.published
        if (date.month, date.day) == (kept.month, kept.day) and (
            date.year is None or kept.year is None or date.year == kept.year
        ):
            if kept.year is None and date.year is not None:
                chosen = entry  # the same day, now with its year
            continue
        diagnostics.append(
            Diagnostic(
                entry.source,
                Level.INFO,
                f"published date {date.iso()} differs from {kept.iso()} at {chosen.source}; "
                "kept the earlier",
            )
        )
    return None if chosen is None else chosen.published
