from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from conftest import seed_settings

from generator import related as related_module
from generator.build import load_corpus
from generator.corpus import build_corpus
from generator.parse import parse_dump
from generator.related import (
    FALLBACK_MIN,
    GENERIC_WORDS,
    LATEX_WORDS,
    MIN_SCORE,
    TOP_K,
    TOPIC_BONUS,
    explain,
    find_related,
    tfidf,
)

CARDS = [
    ("Quantum Circuits for Chemistry", "Variational quantum circuits estimate molecular energies."),
    ("Quantum Circuit Learning", "We train variational quantum circuits on molecular data."),
    ("Diffusion Models for Images", "Denoising diffusion models generate images from noise."),
    ("Latent Diffusion Models", "Diffusion models in a latent space generate images fast."),
    ("A Study of Pruning", "Pruning removes weights from trained networks."),
]


def small_corpus():
    text = "Subscribe\n\n" + "\n\n".join(f"{t}\n\n{a}" for t, a in CARDS) + "\n"
    return build_corpus([parse_dump(text, "d.txt")])


def test_related_papers_share_their_subject_and_say_which_terms() -> None:
    related = find_related(small_corpus(), min_score=0.05)
    (first, *_) = related["quantum-circuits-for-chemistry"]
    assert first.slug == "quantum-circuit-learning"
    assert 0 < first.score <= 1
    assert "quantum circuits" in first.shared_terms  # a word pair, not its two words
    assert related["latent-diffusion-models"][0].slug == "diffusion-models-for-images"


def test_a_paper_is_never_related_to_itself_and_scores_are_ranked() -> None:
    for slug, items in find_related(small_corpus(), min_score=0.0).items():
        assert slug not in {r.slug for r in items}
        assert [r.score for r in items] == sorted((r.score for r in items), reverse=True)


def test_the_threshold_drops_weak_pairs() -> None:
    related = find_related(small_corpus(), min_score=0.05)
    assert related["a-study-of-pruning"] == ()


def test_related_papers_are_deterministic() -> None:
    assert find_related(small_corpus()) == find_related(small_corpus())


def test_tiny_corpora_have_no_related_papers() -> None:
    text = "Subscribe\n\nOnly One\n\nA single paper.\n"
    corpus = build_corpus([parse_dump(text, "d.txt")])
    assert find_related(corpus) == {"only-one": ()}


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory):
    corpus = load_corpus(seed_settings(Path(tmp_path_factory.mktemp("unused"))))
    return corpus, find_related(corpus)


def test_related_papers_come_from_the_same_search_far_more_often_than_chance(seed) -> None:
    """Each seed dump is one search query's results, so a related paper should share a dump
    with its paper more often than a random paper does. Measured when written: 55% of
    related papers share a dump, against 34% of random pairs (ratio 1.62; the ceiling,
    every related paper sharing a dump, is 2.95). The test fails below a ratio of 1.4."""
    corpus, related = seed
    dumps = {slug: {s.path for s in paper.sources} for slug, paper in corpus.papers.items()}
    pairs = [(slug, r.slug) for slug, items in related.items() for r in items]
    same = sum(1 for a, b in pairs if dumps[a] & dumps[b]) / len(pairs)
    combos = list(itertools.combinations(dumps, 2))
    chance = sum(1 for a, b in combos if dumps[a] & dumps[b]) / len(combos)
    print(f"same dump: related {same:.1%}, random {chance:.1%}, ratio {same / chance:.2f}")
    assert same / chance >= 1.4


def test_most_seed_papers_have_similar_papers(seed) -> None:
    """Without the fallbacks: 212 of 466 seed papers (45%) have a paper similar enough
    (MIN_SCORE 0.20) when written; the others get a fallback (tested below). A small
    corpus on many subjects: a larger atlas has more close pairs."""
    corpus, related = seed
    with_related = sum(1 for items in related.values() if items)
    assert with_related / len(corpus.papers) >= 0.42


def test_related_papers_are_the_exact_nearest_neighbours(seed) -> None:
    """The top-k product (sparse_dot_topn) against brute force: every pair's cosine from
    the dense matrix, ranked by rounded score then slug, and the shared terms by weight."""
    corpus, related = seed
    matrix, terms = tfidf(corpus)
    slugs = list(corpus.papers)
    dense = matrix.toarray()
    cosine = dense @ dense.T
    for i, slug in enumerate(slugs):
        expected = sorted(
            (
                (round(float(cosine[i, j]), 3), slugs[j])
                for j in range(len(slugs))
                if j != i and cosine[i, j] >= MIN_SCORE
            ),
            key=lambda item: (-item[0], item[1]),
        )[:TOP_K]
        assert [(r.score, r.slug) for r in related[slug]] == expected, slug
        for r in related[slug]:
            weights = dense[i] * dense[slugs.index(r.slug)]
            order = sorted(np.flatnonzero(weights), key=lambda t: (-weights[t], t))
            assert r.shared_terms == explain(terms[t] for t in order)


def test_a_paper_with_no_similar_enough_paper_gets_the_closest_papers(monkeypatch) -> None:
    corpus = small_corpus()
    plain = find_related(corpus, min_score=0.99)  # nothing is that similar
    assert all(items == () for items in plain.values())
    # The closest papers by their words, when they reach FALLBACK_MIN, marked "closest".
    closest = find_related(corpus, min_score=0.99, neighbours={})
    found = closest["quantum-circuits-for-chemistry"]
    assert [r.slug for r in found] == ["quantum-circuit-learning"]
    assert found[0].fallback == "closest" and FALLBACK_MIN <= found[0].score < 0.99
    assert closest["a-study-of-pruning"] == ()  # no word in common with any paper
    # None that close: the closest papers of the paper's own topic, marked "topic".
    monkeypatch.setattr(related_module, "FALLBACK_MIN", 0.999)
    topic = ["quantum-circuits-for-chemistry", "quantum-circuit-learning", "a-study-of-pruning"]
    related = find_related(
        corpus, min_score=0.99, neighbours={"quantum-circuits-for-chemistry": topic}
    )
    (first, *rest) = related["quantum-circuits-for-chemistry"]
    assert first.slug == "quantum-circuit-learning" and first.fallback == "topic"
    assert all(r.fallback == "topic" for r in rest) and {r.slug for r in rest} <= set(topic)
    assert related["latent-diffusion-models"] == ()  # no neighbours given: nothing invented
    # Papers with similar enough ones keep them, unmarked.
    normal = find_related(
        corpus, min_score=0.05, neighbours={"quantum-circuits-for-chemistry": topic}
    )
    assert normal["quantum-circuits-for-chemistry"][0].fallback is None


def test_at_most_3_percent_of_seed_papers_have_no_related_paper(tmp_path: Path) -> None:
    from generator.build import run

    report = run(seed_settings(tmp_path / "docs"))
    empty = sum(1 for items in report.site.related.values() if not items)
    share = empty / len(report.site.related)
    print(f"papers with no related paper: {empty} ({share:.1%})")
    assert share <= 0.03


def test_a_shared_topic_ranks_a_paper_higher_and_says_so() -> None:
    # The first paper shares one word with each of the next two, equally: a tie.
    cards = [
        ("Wavelets Spectra", "Wavelets and spectra."),
        ("Wavelets Proteins", "Wavelets for proteins."),
        ("Spectra Crystals", "Spectra of crystals."),
        ("Cooking Bread", "Cooking bread."),
        ("Cooking Cake", "Cooking cake."),
    ]
    text = "Subscribe\n\n" + "\n\n".join(f"{t}\n\n{a}" for t, a in cards) + "\n"
    corpus = build_corpus([parse_dump(text, "d.txt")])
    plain = find_related(corpus, min_score=0.05)["wavelets-spectra"]
    assert [r.slug for r in plain] == ["spectra-crystals", "wavelets-proteins"]  # by slug
    assert plain[0].score == plain[1].score and all(r.topic is None for r in plain)
    topics = {"wavelets-spectra": ["signal-processing"], "wavelets-proteins": ["signal-processing"]}
    ranked = find_related(corpus, min_score=0.05, topics=topics)["wavelets-spectra"]
    assert [r.slug for r in ranked] == ["wavelets-proteins", "spectra-crystals"]
    assert ranked[0].topic == "signal-processing" and ranked[1].topic is None
    assert ranked[0].score == plain[1].score  # the page shows the cosine, and says the topic
    # A shared topic never lets in a paper that is not similar enough by its words.
    topics["cooking-bread"] = ["signal-processing"]
    related = find_related(corpus, min_score=0.05, topics=topics)
    assert [r.slug for r in related["cooking-bread"]] == ["cooking-cake"]
    assert TOPIC_BONUS > 0


def test_word_pairs_count_but_never_across_a_stop_word_or_punctuation() -> None:
    abstract = "Speculative decoding drafts tokens. Nodes in a graph (LMs) are {mathcal} free."
    cards = [
        ("Speculative Decoding Fast", abstract),
        ("Speculative Decoding Again", abstract),
        ("Unrelated Cooking", "Bread and butter recipes."),
        ("Unrelated Baking", "Bread and cake recipes."),
    ]
    text = "Subscribe\n\n" + "\n\n".join(f"{t}\n\n{a}" for t, a in cards) + "\n"
    _, terms = tfidf(build_corpus([parse_dump(text, "d.txt")]))
    vocabulary = set(terms.tolist())
    assert {"speculative decoding", "decoding drafts", "drafts tokens"} <= vocabulary
    assert "tokens nodes" not in vocabulary  # a full stop between them
    assert "nodes graph" not in vocabulary  # "in a" between them
    assert "graph lms" not in vocabulary  # a parenthesis between them
    assert not vocabulary & (LATEX_WORDS | GENERIC_WORDS)
    assert {"mathcal", "fast"}.isdisjoint(vocabulary)  # LaTeX; in one paper only


def test_the_explanation_shows_a_word_pair_for_its_words() -> None:
    ranked = ["speculative", "speculative decoding", "decoding", "draft", "tokens", "trees"]
    assert explain(ranked) == ("speculative decoding", "draft", "tokens", "trees")
    assert explain(["rl algorithm", "rl algorithms", "rl", "policy"]) == ("rl algorithm", "policy")
    assert explain(["a b", "c", "a", "b", "d", "e", "f"], limit=3) == ("a b", "c", "d")


def test_related_papers_share_a_hand_labelled_topic(tmp_path: Path) -> None:
    """Agreement with the hand topic labels (every labelled pair of a paper and one of its
    related papers, as built: topic bonus and fallback included). A pair agrees when one
    paper's label is the other's or a sub-topic of it. Measured when written, on the 566
    labels of 2026-12-06: 0.826 of all pairs and 0.845 of first related papers (on the
    294 labels before: word pairs, stop lists and the topic bonus took them from 0.837
    and 0.814, with 39 papers listing none, to 0.838 and 0.871); random pairs: 0.17."""
    import yaml
    from conftest import FIXTURES

    from generator.build import run

    labels: dict[str, list[str]] = {}
    for name in ("topic_labels", "topic_labels_tuning", "topic_labels_heldout"):
        labels.update(yaml.safe_load((FIXTURES / f"{name}.yml").read_text()))
    report = run(seed_settings(tmp_path / "docs"))
    taxonomy = report.site.taxonomy

    def closure(topics: list[str]) -> set[str]:
        return {t for topic in topics for t in (topic, *taxonomy.ancestors(topic))}

    def agree(a: str, b: str) -> bool:
        return bool(set(labels[a]) & closure(labels[b]) or set(labels[b]) & closure(labels[a]))

    related = report.site.related
    pairs = [(a, r.slug) for a, rs in related.items() for r in rs if {a, r.slug} <= set(labels)]
    first = [(a, rs[0].slug) for a, rs in related.items() if rs and {a, rs[0].slug} <= set(labels)]
    share = sum(agree(a, b) for a, b in pairs) / len(pairs)
    share_first = sum(agree(a, b) for a, b in first) / len(first)
    print(
        f"related pairs sharing a labelled topic: {share:.3f} of {len(pairs)} pairs, "
        f"first related papers {share_first:.3f}"
    )
    assert share >= 0.80 and share_first >= 0.82


def test_readers_would_follow_the_related_papers_listed(tmp_path: Path) -> None:
    """Judged precision: of the related papers listed now that a reader judged (see
    tests/fixtures/related_judged.yml), the share they would follow. Listed as similar
    (MIN_SCORE 0.20, not a fallback): 52 of 60 = 0.87 when written (20 of 22 = 0.91 on
    the sample judged after MIN_SCORE was chosen), against 0.59 at the old threshold
    (0.12). The fallback lists: 35 of 83 (the closest papers by their words, then by
    topic). Issue 14 asks for 0.85."""
    import yaml
    from conftest import FIXTURES

    from generator.build import run

    judged = yaml.safe_load((FIXTURES / "related_judged.yml").read_text())
    verdict = {(j["paper"], j["related"]): j["follow"] for j in judged}
    related = run(seed_settings(tmp_path / "docs")).site.related
    similar = [
        verdict[a, r.slug]
        for a, rs in related.items()
        for r in rs
        if not r.fallback and (a, r.slug) in verdict
    ]
    fallback = [
        verdict[a, r.slug]
        for a, rs in related.items()
        for r in rs
        if r.fallback and (a, r.slug) in verdict
    ]
    precision = sum(similar) / len(similar)
    print(
        f"judged precision: similar {sum(similar)}/{len(similar)} = {precision:.2f}; "
        f"fallback lists {sum(fallback)}/{len(fallback)}"
    )
    assert len(similar) >= 55 and precision >= 0.85
