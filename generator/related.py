"""Related papers: TF-IDF cosine similarity over title + abstract. Pure.

scikit-learn builds the TF-IDF matrix (tokenising, stop words, sublinear term frequency,
L2 normalisation): well-tested code instead of hand-written maths. Similarities are
computed a block of rows at a time against the sparse matrix and only the top k per row
are kept, so memory stays bounded (block x papers) instead of a dense papers x papers
matrix: 30,000 papers never need a 7 GB array.

Deterministic: the same corpus gives the same lists. Scores are rounded before ranking
and ties are broken by slug, so floating-point noise in the last digits cannot reorder
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .models import Corpus

TOP_K = 5
"""Related papers shown per paper, at most."""
MIN_SCORE = 0.12
"""Cosine similarity below which two papers are not called related."""
SHARED_TERMS = 4
MAX_DF = 0.2
"""Terms in more than this share of papers are ignored: a word in half the corpus relates
everything to everything, and common terms dominate the cost of the similarity product
(it grows with the square of each term's document frequency)."""
_BLOCK_ROWS = 512
_TITLE_REPEAT = 2
"""The title counts twice: it says what the paper is about more densely than the abstract."""


@dataclass(frozen=True, slots=True)
class Related:
    slug: str
    score: float
    """Cosine similarity of the two papers' TF-IDF vectors, 0..1, rounded to 3 digits."""
    shared_terms: tuple[str, ...]
    """The terms that contribute most to the similarity."""


def find_related(
    corpus: Corpus, *, top_k: int = TOP_K, min_score: float = MIN_SCORE
) -> Mapping[str, tuple[Related, ...]]:
    """Paper slug → its most similar papers, best first (possibly none)."""
    slugs = list(corpus.papers)
    if len(slugs) < 2:
        return {slug: () for slug in slugs}
    # Imported here: scikit-learn takes ~2 s to import, which `check`, `parse` and a build
    # that fails on a bad dump should not pay.
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [
        " ".join([paper.title] * _TITLE_REPEAT + [paper.abstract or ""])
        for paper in corpus.papers.values()
    ]
    vectorizer = TfidfVectorizer(
        stop_words="english",
        sublinear_tf=True,
        min_df=2,  # a word in one paper only cannot relate it to another
        # As a count: on a corpus of a handful of papers a share would leave no term.
        max_df=max(int(MAX_DF * len(texts)), 2),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9-]+\b",
        dtype=np.float64,
    )
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no term survives the document-frequency limits (tiny corpora)
        return {slug: () for slug in slugs}
    terms = vectorizer.get_feature_names_out()
    transposed = matrix.T.tocsc()
    result: dict[str, tuple[Related, ...]] = {}
    for start in range(0, len(slugs), _BLOCK_ROWS):
        block = (matrix[start : start + _BLOCK_ROWS] @ transposed).toarray()
        for offset, row in enumerate(block):
            index = start + offset
            row[index] = -1.0  # a paper is not related to itself
            result[slugs[index]] = _top(row, index, slugs, matrix, terms, top_k, min_score)
    return result


def _top(row, index, slugs, matrix, terms, top_k, min_score) -> tuple[Related, ...]:
    candidates = np.flatnonzero((row >= min_score) & (row > 0.0))
    if candidates.size == 0:
        return ()
    if candidates.size > 4 * top_k:
        # Keep a margin beyond k so that rounding ties at the cut are still ranked by slug.
        keep = np.argpartition(-row[candidates], 4 * top_k)[: 4 * top_k]
        candidates = candidates[keep]
    ranked = sorted(
        ((round(float(row[j]), 3), slugs[j], j) for j in candidates),
        key=lambda item: (-item[0], item[1]),
    )[:top_k]
    return tuple(
        Related(slug=slug, score=score, shared_terms=_shared_terms(matrix, index, j, terms))
        for score, slug, j in ranked
    )


def _shared_terms(matrix, i: int, j: int, terms) -> tuple[str, ...]:
    """The terms with the largest contribution (weight in i x weight in j) to the cosine."""
    row_i = slice(matrix.indptr[i], matrix.indptr[i + 1])
    row_j = slice(matrix.indptr[j], matrix.indptr[j + 1])
    common, in_i, in_j = np.intersect1d(
        matrix.indices[row_i], matrix.indices[row_j], assume_unique=True, return_indices=True
    )
    weights = matrix.data[row_i][in_i] * matrix.data[row_j][in_j]
    order = np.lexsort((common, -weights))[:SHARED_TERMS]  # by weight, then term index
    return tuple(str(terms[common[k]]) for k in order)
