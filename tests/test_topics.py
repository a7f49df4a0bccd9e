from __future__ import annotations

import pytest

from generator.config import parse_taxonomy
from generator.errors import ConfigError
from generator.topics import compile_phrase, score_topic

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
"""
)


def count(phrase: str, text: str) -> int:
    return compile_phrase(phrase).count(text, text.lower())


def test_phrases_match_whole_words_only() -> None:
    assert count("RL", "offline RL works") == 1
    assert count("RL", "see the URL and CURL") == 0
    assert count("RL", "RL-based training") == 1
    assert count("robot", "robotics") == 0


def test_acronyms_match_case_but_words_do_not() -> None:
    assert count("RL", "a rl b") == 0
    assert count("SLAM", "a slam dunk") == 0
    assert count("reinforcement learning", "Reinforcement Learning") == 1


def test_plurals_hyphens_and_wildcards() -> None:
    assert count("robot", "two robots") == 1
    assert count("mixture of experts", "sparse mixture-of-experts layers") == 1
    assert count("optimi*", "optimisation and optimizers") == 2


def test_title_match_alone_assigns_a_topic_and_explains_why() -> None:
    match = score_topic(TAXONOMY.get("rl"), "Offline RL at Scale", "Nothing here.", TAXONOMY)
    assert match is not None
    assert (match.score, match.reason) == (3, 'title: "RL"')


def test_one_abstract_mention_is_not_enough() -> None:
    rule = TAXONOMY.get("rl")
    assert score_topic(rule, "A Title", "We use reinforcement learning once.", TAXONOMY) is None
    abstract = "RL here, policy gradient there, and reinforcement learning."
    assert score_topic(rule, "A Title", abstract, TAXONOMY) is not None


def test_slam_trap_a_language_model_named_slam_is_not_robotics() -> None:
    rule = TAXONOMY.get("robotics")
    title = "SLAM: Towards Efficient Multilingual Reasoning via Selective Layer Fine-Tuning"
    abstract = "We fine-tune a large language model on multilingual math."
    assert score_topic(rule, title, abstract, TAXONOMY) is None
    assert score_topic(rule, "Visual SLAM for Robots", "A robot maps a room.", TAXONOMY)


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
