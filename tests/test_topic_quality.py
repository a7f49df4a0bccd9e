"""How well the taxonomy files the seed corpus, measured against hand labels.

Thresholds (the build fails below them, so a taxonomy edit cannot quietly make the site
worse): on the author's 94 labels precision >= 0.90 and recall >= 0.75 (0.96 and 0.81 when
written); coverage >= 98% of papers with a topic; on the 100 blind held-out labels the
floor `HELD_OUT_FLOOR`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, seed_settings

from generator.build import load_corpus
from generator.config import load_taxonomy
from generator.topics import assign_topics, match_text

TAXONOMY = load_taxonomy(ROOT / "content" / "topics.yml")
LABELS: dict[str, list[str]] = yaml.safe_load((FIXTURES / "topic_labels.yml").read_text())
BLIND_TUNING: dict[str, list[str]] = yaml.safe_load(
    (FIXTURES / "topic_labels_tuning.yml").read_text()
)
HELD_OUT: dict[str, list[str]] = yaml.safe_load((FIXTURES / "topic_labels_heldout.yml").read_text())
SECOND_READER: dict[str, list[str]] = yaml.safe_load(
    (FIXTURES / "topic_labels_heldout_second.yml").read_text()
)
PROPOSED = {
    *("robotics", "retrieval-augmented", "recommender-systems", "distribution-shift"),
    *("multilingual-nlp", "signal-processing", "inverse-problems", "time-series"),
    *("optimal-transport", "finance"),
}
"""The ten topics the blind annotators could use before the taxonomy had them (issue 14);
all are in content/topics.yml now."""
HELD_OUT_FLOOR = (0.79, 0.63)
"""Precision and recall on the held-out labels when they were written (0.754, 0.589),
after the first tuning pass on the tuning set (0.768, 0.600), with the ten topics added
(0.779, 0.629), and with ambiguous phrases, masking exclusions and phrases for what the
272 new tuning labels showed missing (0.807, 0.651), less a little: a floor against
regressions, far from issue 14's targets (0.95, 0.90); a second blind reader reaches 0.98
and 0.84 (below)."""


@pytest.fixture(scope="module")
def assignments(tmp_path_factory: pytest.TempPathFactory):
    corpus = load_corpus(seed_settings(Path(tmp_path_factory.mktemp("unused"))))
    return corpus, assign_topics(corpus, TAXONOMY)


def closure(topics: list[str]) -> set[str]:
    found = set(topics)
    for topic in topics:
        if topic in TAXONOMY.by_slug:  # a proposed topic has no ancestors yet
            found.update(TAXONOMY.ancestors(topic))
    return found


def scores(assignments, labelled: dict[str, list[str]] = LABELS) -> tuple[float, float]:
    """Precision and recall: a predicted topic is right when it is a label or an
    ancestor of one; a label is found when it or one of its sub-topics is predicted."""
    _, assigned = assignments
    return agreement({s: [m.topic for m in matches] for s, matches in assigned.items()}, labelled)


def agreement(predicted_by: dict[str, list[str]], labelled: dict[str, list[str]]):
    right = wrong = found = total = 0
    for slug, labels in labelled.items():
        predicted = predicted_by[slug]
        allowed, reached = closure(labels), closure(predicted)
        right += sum(1 for p in predicted if p in allowed)
        wrong += sum(1 for p in predicted if p not in allowed)
        found += sum(1 for label in labels if label in reached)
        total += len(labels)
    return right / (right + wrong), found / total


def test_labels_name_real_papers_and_topics(assignments) -> None:
    corpus, _ = assignments
    assert len(LABELS) >= 80
    for slug, labels in LABELS.items():
        assert slug in corpus.papers, slug
        for label in labels:
            TAXONOMY.get(label)


def test_precision_and_recall_against_hand_labels(assignments) -> None:
    precision, recall = scores(assignments)
    print(f"precision {precision:.3f}, recall {recall:.3f} on {len(LABELS)} labelled papers")
    assert precision >= 0.90
    assert recall >= 0.75


def test_blind_labels_name_real_papers_and_topics_and_never_overlap(assignments) -> None:
    corpus, _ = assignments
    assert len(HELD_OUT) == 100 and len(BLIND_TUNING) >= 100
    assert not set(HELD_OUT) & set(BLIND_TUNING) and not set(HELD_OUT) & set(LABELS)
    for labelled in (BLIND_TUNING, HELD_OUT):
        for slug, labels in labelled.items():
            assert slug in corpus.papers, slug
            assert all(label in TAXONOMY.by_slug for label in labels)
    assert set(TAXONOMY.by_slug) >= PROPOSED


def test_precision_and_recall_on_blind_labels_held_out_and_tuning(assignments) -> None:
    """The held-out figures measure the taxonomy on papers it was not tuned on. Issue 14's
    targets are precision 0.95 and recall 0.90; the assert only keeps the figures from
    getting worse than measured when the labels were written (`HELD_OUT_FLOOR`)."""
    held = scores(assignments, HELD_OUT)
    tuning = scores(assignments, {**LABELS, **BLIND_TUNING})  # the author's 94 and 272 blind
    print(
        f"held-out (100 blind): precision {held[0]:.3f}, recall {held[1]:.3f}; "
        f"tuning ({len(LABELS) + len(BLIND_TUNING)}): precision {tuning[0]:.3f}, "
        f"recall {tuning[1]:.3f}"
    )
    assert held[0] >= HELD_OUT_FLOOR[0] and held[1] >= HELD_OUT_FLOOR[1], held


def test_a_second_blind_reader_agrees_with_the_held_out_labels_as_measured() -> None:
    """The ceiling the taxonomy is read against: a second blind labelling of the held-out
    papers, scored like the taxonomy (0.98 precision, 0.84 recall when written). A
    recall target above it asks more of rules than two readers agree on."""
    assert set(SECOND_READER) == set(HELD_OUT)
    assert all(label in TAXONOMY.by_slug for labels in SECOND_READER.values() for label in labels)
    precision, recall = agreement(SECOND_READER, HELD_OUT)
    print(f"second blind reader vs held-out labels: precision {precision:.3f}, recall {recall:.3f}")
    assert (round(precision, 2), round(recall, 2)) == (0.98, 0.84)


def test_at_least_98_percent_of_papers_get_a_topic(assignments) -> None:
    """Issue 14's coverage target; 98.1% (9 of 466 unclassified) when written."""
    _, assigned = assignments
    covered = sum(1 for matches in assigned.values() if matches) / len(assigned)
    print(f"coverage {covered:.1%}")
    assert covered >= 0.98, f"coverage {covered:.1%}"


def test_taxonomy_has_25_topics_under_a_few_areas() -> None:
    areas = [t for t in TAXONOMY.topics if t.parent is None]
    assert len(TAXONOMY.topics) >= 25
    assert 5 <= len(areas) <= 16
    assert all(t.description for t in TAXONOMY.topics)


@pytest.mark.parametrize(
    ("title", "abstract", "not_expected"),
    [
        # Robotics' SLAM vs a language-model paper named SLAM.
        (
            "SLAM: Towards Efficient Multilingual Reasoning via Selective Language Fine-Tuning",
            "We fine-tune a large language model layer by layer for multilingual math.",
            "planning-and-search",
        ),
        # BRAIn is a reward-model method, not neuroscience.
        (
            "BRAIn: Bayesian Reward-conditioned Amortized Inference",
            "Following RLHF, we propose a method for natural language generation.",
            "medical",
        ),
        # "lean" the adjective is not the Lean prover.
        (
            "Lean Models for Fast Inference",
            "A lean and mean model: lean training.",
            "formal-methods",
        ),
        # A URL is not RL, and "clip" is not CLIP.
        (
            "Shortening URLs with Neural Networks",
            "We clip gradients and shorten each URL.",
            "reinforcement-learning",
        ),
        (
            "Shortening URLs with Neural Networks",
            "We clip gradients and shorten each URL.",
            "multimodal",
        ),
        # "non-convex" must not count as "convex optimization" context, nor MATH as math.
        ("Math Homework Helper", "A math tutor app for school math.", "reasoning"),
    ],
)
def test_acronym_and_word_clashes_do_not_file_papers(
    title: str, abstract: str, not_expected: str
) -> None:
    assert not_expected not in {m.topic for m in match_text(title, abstract, TAXONOMY)}


def test_acronyms_still_file_the_papers_they_name() -> None:
    topics = {m.topic for m in match_text("Proving Theorems in Lean 4", "", TAXONOMY)}
    assert "formal-methods" in topics
    topics = {m.topic for m in match_text("Offline RL for Robots", "", TAXONOMY)}
    assert "reinforcement-learning" in topics
