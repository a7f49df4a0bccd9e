from __future__ import annotations

import pytest

from generator.config import parse_taxonomy
from generator.errors import ConfigError
from generator.topics import PhraseIndex, match_text

TAXONOMY = parse_taxonomy(
    """
topics:
  - slug: rl
    name: Reinforcement learning
    phrases: [reinforcement learning, RL, policy gradient]
  - slug: robotics
    name: Robotics
    phrases: [robot, SLAM]
    exclude: [language model]
  - slug: moe
    name: Mixture of experts
    phrases: [mixture of experts, optimi*]
  - slug: provers
    name: Theorem provers
    parent: rl
    phrases: [Lean, theorem prover]
    title_weight: 5
    min_score: 5
"""
)


def count(phrase: str, text: str) -> int:
    return PhraseIndex([phrase]).count(text)[phrase]


def topics(title: str, abstract: str = "") -> list[str]:
    return [m.topic for m in match_text(title, abstract, TAXONOMY)]


def test_phrases_match_whole_words_only() -> None:
    assert count("RL", "offline RL works") == 1
    assert count("RL", "see the URL and CURL") == 0
    assert count("RL", "RL-based training") == 1
    assert count("robot", "robotics") == 0
    assert count("convex", "a non-convex problem") == 0
    assert count("convex", "a convex-concave game") == 1


def test_capitals_make_a_phrase_case_sensitive() -> None:
    assert count("RL", "a rl b") == 0
    assert count("SLAM", "a slam dunk") == 0
    assert count("Lean", "a lean model") == 0
    assert count("Lean", "proofs in Lean 4") == 1
    assert count("reinforcement learning", "Reinforcement Learning") == 1
    # Only the capitalised words are case-sensitive: titles capitalise every word.
    assert count("Monte Carlo tree search", "Monte Carlo Tree Search Works") == 1
    assert count("Monte Carlo tree search", "monte carlo tree search") == 0
    assert count("Schrödinger bridge", "Light Schrödinger Bridge") == 1


def test_plurals_hyphens_wildcards_and_overlaps() -> None:
    assert count("robot", "two robots") == 1
    assert count("mixture of experts", "sparse mixture-of-experts layers") == 1
    assert count("optimi*", "optimisation and optimizers") == 2
    index = PhraseIndex(["language model", "large language model"])
    assert index.count("large language models") == {"language model": 1, "large language model": 1}


def test_title_match_alone_assigns_a_topic_and_explains_why() -> None:
    (match,) = match_text("Offline RL at Scale", "Nothing here.", TAXONOMY)
    assert (match.topic, match.score, match.reason) == ("rl", 3, 'title: "RL"')


def test_one_abstract_mention_is_not_enough() -> None:
    assert topics("A Title", "We use reinforcement learning once.") == []
    assert topics("A Title", "RL here, policy gradient there, and reinforcement learning.") == [
        "rl"
    ]


def test_per_topic_weights_and_minimum_score() -> None:
    assert topics("Proofs in Lean") == ["provers"]  # title weight 5 reaches min score 5
    assert topics("A Title", "We prove it in Lean, Lean and Lean again, Lean.") == []


def test_slam_trap_a_language_model_named_slam_is_not_robotics() -> None:
    title = "SLAM: Towards Efficient Multilingual Reasoning via Selective Layer Fine-Tuning"
    assert topics(title, "We fine-tune a large language model on multilingual math.") == []
    assert topics("Visual SLAM for Robots", "A robot maps a room.") == ["robotics"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: [x y]\n  - slug: a\n    name: B\n"
            "    phrases: [z z]\n",
            "t.yml:5: duplicate topic 'a' (first defined on line 2)",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    parent: nope\n    phrases: [xy]\n",
            "t.yml:2: topic 'a' has unknown parent 'nope'",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: []\n",
            "t.yml:2: topic 'a' has no phrases, so it can never match",
        ),
        (
            "topics:\n  - slug: Bad Slug\n    name: A\n    phrases: [xy]\n",
            "t.yml:2: topic slug 'Bad Slug' must be lower-case words joined by hyphens",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: [x]\n",
            "t.yml:2: topic 'a': phrase 'x' is too short to match on its own",
        ),
        (
            "topics:\n  - slug: a\n    nam: A\n    phrases: [xy]\n",
            "t.yml:2: unknown key 'nam' in topic",
        ),
        ("topics: [\n", "t.yml:2: invalid YAML"),
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: [C++]\n",
            "t.yml:2: topic 'a': phrase 'C++' can never match",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: [xy]\n    ambiguous: [zz]\n",
            "t.yml:2: topic 'a': ambiguous phrase 'zz' is not one of its phrases",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    phrases: [xy]\n    min_score: 0\n",
            "t.yml:2: topic 'a': 'min_score' must be a positive whole number",
        ),
        (
            "topics:\n  - slug: a\n    name: A\n    parent: b\n    phrases: [xy]\n"
            "  - slug: b\n    name: B\n    parent: a\n    phrases: [zz]\n",
            "t.yml:2: topic 'a' is its own ancestor (a → b)",
        ),
    ],
)
def test_taxonomy_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_taxonomy(text, "t.yml")
    assert str(info.value).startswith(message)


def test_all_taxonomy_errors_are_reported_at_once() -> None:
    text = "topics:\n  - slug: a\n    phrases: [xy]\n  - slug: b\n    name: B\n    phrases: []\n"
    with pytest.raises(ConfigError) as info:
        parse_taxonomy(text, "t.yml")
    assert str(info.value).splitlines() == [
        "t.yml:2: topic 'a' needs a name",
        "t.yml:4: topic 'b' has no phrases, so it can never match",
    ]


AMBIGUOUS = parse_taxonomy(
    """
topics:
  - slug: probabilistic
    name: Probabilistic methods
    phrases: [Monte Carlo, Bayesian, variational inference]
    ambiguous: [Monte Carlo]
  - slug: search
    name: Planning and search
    phrases: [tree search, planning]
  - slug: code
    name: Code generation
    phrases: [programming, program synthesis]
    exclude: [dynamic programming, quantum]
"""
)


def ambiguous_topics(title: str, abstract: str = "") -> list[str]:
    return [m.topic for m in match_text(title, abstract, AMBIGUOUS)]


def test_one_ambiguous_phrase_never_decides_a_topic_alone() -> None:
    # "Monte Carlo" in Monte Carlo Tree Search is not a probabilistic method...
    assert ambiguous_topics("Monte Carlo Tree Search for Go") == ["search"]
    # ...but with a second phrase of the topic it counts,
    assert "probabilistic" in ambiguous_topics("Bayesian Monte Carlo for Go")
    # and a paper that matches nothing else is filed by it rather than left unclassified.
    assert ambiguous_topics("Monte Carlo Estimates of Pi") == ["probabilistic"]


def test_an_exclusion_holding_a_phrase_masks_its_words_instead_of_vetoing() -> None:
    # "dynamic programming" holds "programming": those words do not count...
    assert ambiguous_topics("Solving Games", "Dynamic programming solves games.") == []
    # ...but they no longer veto a paper the topic's own phrases file (issue 14's
    # "Programming Puzzles", once unclassified because its abstract said it).
    assert ambiguous_topics(
        "Programming Puzzles", "Unlike dynamic programming, puzzles test program synthesis."
    ) == ["code"]
    # An exclusion that holds none of the topic's phrases still vetoes it.
    assert ambiguous_topics("Programming Quantum Computers") == []


def test_a_leading_star_matches_any_beginning_and_a_capital_keeps_case() -> None:
    bench = parse_taxonomy(
        "topics:\n  - slug: data\n    name: Data\n    title_phrases: ['*Bench']\n"
    )

    def found(title: str) -> bool:
        return [m.topic for m in match_text(title, "", bench)] == ["data"]

    assert found("ProcessBench: Process Errors") and found("BIG-Bench Extra Hard")
    assert found("Struc-Bench: Structured Data")
    assert not found("A bench for the park") and not found("Benchmarks Considered")
