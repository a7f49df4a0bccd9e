"""Related papers: TF-IDF cosine similarity over title + abstract. Pure.

scikit-learn builds the TF-IDF matrix (tokenising, stop words, sublinear term frequency,
L2 normalisation): well-tested code instead of hand-written maths. sparse_dot_topn
multiplies the matrix by its transpose keeping only the best few candidates of each row,
so memory stays bounded (a few entries per paper) instead of a dense papers x papers
matrix: 30,000 papers never need a 7 GB array.

Deterministic: the same corpus gives the same lists. Scores are rounded before ranking
and ties are broken by slug, so floating-point noise in the last digits cannot reorder
them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

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
_TITLE_REPEAT = 2
"""The title counts twice: it says what the paper is about more densely than the abstract."""


@dataclass(frozen=True, slots=True)
class Related:
    slug: str
    score: float
    """Cosine similarity of the two papers' TF-IDF vectors, 0..1, rounded to 3 digits."""
    shared_terms: tuple[str, ...]
    """The terms that contribute most to the similarity."""
    fallback: bool = False
    """Below `MIN_SCORE`: one of the closest papers of the same topic, shown because no
    paper is similar enough (the page says so)."""


def find_related(
    corpus: Corpus,
    *,
    top_k: int = TOP_K,
    min_score: float = MIN_SCORE,
    neighbours: Mapping[str, Sequence[str]] | None = None,
) -> Mapping[str, tuple[Related, ...]]:
    """Paper slug → its most similar papers, best first (possibly none). With
    `neighbours` (paper slug → the papers of its own topic), a paper with no similar
    enough paper gets the closest of its neighbours instead, marked `fallback`."""
    slugs = list(corpus.papers)
    if len(slugs) < 2:
        return {slug: () for slug in slugs}
    weighted = tfidf(corpus)
    if weighted is None:
        return {slug: () for slug in slugs}
    matrix, terms = weighted
    from sparse_dot_topn import sp_matmul_topn  # see tfidf() for why imports are here

    # sparse_dot_topn multiplies the sparse matrix by its transpose keeping only the best
    # candidates of each row, in C++ on all cores: the product is nearly dense (most pairs
    # of papers share some term), and building it with scipy then scanning it took 40 s
    # for 30,000 papers, against 5 s here. The margin beyond k (and the paper itself) lets
    # rounding ties at the cut still be ranked by slug. "Greater than" the value just
    # below min_score is ">= min_score".
    product = sp_matmul_topn(
        matrix,
        matrix.T.tocsr(),
        top_n=4 * top_k + 1,
        threshold=float(np.nextafter(min_score, -np.inf)),
        n_threads=_threads(),
    )
    ranked = [
        _rank(product.indices[start:end], product.data[start:end], index, slugs, top_k)
        for index, (start, end) in enumerate(pairwise(product.indptr.tolist()))
    ]
    fallback = [False] * len(slugs)
    if neighbours is not None:
        row_of = {slug: index for index, slug in enumerate(slugs)}
        for index, slug in enumerate(slugs):
            if ranked[index] or not neighbours.get(slug):
                continue
            rows = [row_of[other] for other in neighbours[slug] if other != slug]
            if not rows:
                continue
            scores = matrix[rows] @ matrix[index].T
            found = _rank(np.array(rows), scores.toarray().ravel(), index, slugs, top_k)
            ranked[index], fallback[index] = found, bool(found)
    pairs = [(index, j) for index, found in enumerate(ranked) for _, _, j in found]
    shared = iter(_shared_terms(matrix, pairs, terms.tolist()))
    return {
        slug: tuple(
            Related(slug=other, score=score, shared_terms=next(shared), fallback=fallback[i])
            for score, other, _ in found
        )
        for i, (slug, found) in enumerate(zip(slugs, ranked, strict=True))
    }


def tfidf(corpus: Corpus):
    """(CSR matrix of L2-normalised TF-IDF rows in corpus order, term per column), or None
    when no term is shared by enough papers (tiny corpora)."""
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
    except ValueError:  # no term survives the document-frequency limits
        return None
    return matrix, vectorizer.get_feature_names_out()


def _threads() -> int | None:
    """Threads for the similarity product: every core (None = one thread)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores if cores and cores > 1 else None


def _rank(columns, scores, index, slugs, top_k) -> list[tuple[float, str, int]]:
    """(rounded score, slug, row) of the best candidates of one row, best first."""
    return sorted(
        (
            (round(score, 3), slugs[j], j)
            for j, score in zip(columns.tolist(), scores.tolist(), strict=True)
            if j != index and score > 0.0  # a paper is not related to itself
        ),
        key=lambda item: (-item[0], item[1]),
    )[:top_k]


def _shared_terms(matrix, pairs: list[tuple[int, int]], terms: list[str]) -> list[tuple[str, ...]]:
    """For each pair of rows, the terms with the largest contribution (weight in one x
    weight in the other) to their cosine, by weight then term index. All pairs at once:
    one sparse element-wise product instead of one set intersection per pair."""
    if not pairs:
        return []
    first = np.array([i for i, _ in pairs], dtype=np.int64)
    second = np.array([j for _, j in pairs], dtype=np.int64)
    products = matrix[first].multiply(matrix[second]).tocsr()
    rows = np.repeat(np.arange(len(pairs)), np.diff(products.indptr))
    order = np.lexsort((products.indices, -products.data, rows))
    columns = products.indices[order].tolist()
    return [
        tuple(terms[c] for c in columns[start : min(end, start + SHARED_TERMS)])
        for start, end in zip(
            products.indptr[:-1].tolist(), products.indptr[1:].tolist(), strict=True
        )
    ]
