"""Author pages (`/authors/<slug>/`): every author a saved paper page names, with their
papers in the atlas. Listings show an author count only, so a paper is on an author's
page only when a paper page of it was saved. Pure.

An author is known by their name as written; names that make the same slug (`José
García`, `Jose Garcia`) share a page, shown under the name most of their papers use. Two
people with one name share a page too: a paper page gives no more than the name.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from .corpus import slugify
from .models import Corpus

RESERVED = frozenset({"index", "page"})
"""`/authors/page/<n>/` continues the index of authors."""


@dataclass(frozen=True, slots=True)
class Author:
    slug: str
    name: str
    papers: tuple[str, ...]
    """Paper slugs, in slug order."""


def author_slug(name: str) -> str:
    """The URL part of an author's page; names with no Latin letters get `author-<hash>`."""
    slug = slugify(name)
    if not any(c.isalpha() for c in slug) or (slug == "paper" and "paper" not in name.lower()):
        return "author-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    if slug in RESERVED:  # a suffix no plain name makes: a hash of the name
        return f"{slug}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
    return slug


def authors_of(corpus: Corpus) -> Mapping[str, Author]:
    """Author slug → the author, by name (casefolded) order."""
    papers: dict[str, set[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    for paper in corpus.papers.values():
        for name in paper.author_names:
            slug = author_slug(name)
            papers.setdefault(slug, set()).add(paper.slug)
            spellings.setdefault(slug, Counter())[name] += 1
    authors = [
        Author(
            slug=slug,
            # the spelling most papers use; ties by the spelling itself
            name=min(spellings[slug].items(), key=lambda item: (-item[1], item[0]))[0],
            papers=tuple(sorted(papers[slug])),
        )
        for slug in papers
    ]
    authors.sort(key=lambda a: (a.name.casefold(), a.slug))
    return {author.slug: author for author in authors}
