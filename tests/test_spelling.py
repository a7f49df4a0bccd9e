from __future__ import annotations

import pytest

from generator.spelling import american, respellings


@pytest.mark.parametrize(
    ("british", "us"),
    [
        ("optimiser", "optimizer"), ("optimisation", "optimization"), ("randomised", "randomized"),
        ("neighbourhood", "neighborhood"), ("modelling", "modeling"), ("labelled", "labeled"),
        ("centre", "center"), ("centred", "centered"), ("analyse", "analyze"),
        ("catalogue", "catalog"), ("judgement", "judgment"), ("generalisation", "generalization"),
        ("Characterising", "characterizing"), ("behaviours", "behaviors"),
    ],
)  # fmt: skip
def test_british_words_get_their_american_spelling(british: str, us: str) -> None:
    assert american(british) == us


@pytest.mark.parametrize(
    "word",
    ["pairwise", "otherwise", "denoising", "imprecise", "promised", "comprise", "raised",
     "rising", "noise", "exercise", "surprise", "advertise", "four", "hour", "color", "the"],
)  # fmt: skip
def test_words_spelled_so_everywhere_are_left_alone(word: str) -> None:
    assert american(word) is None


def test_respellings_add_american_and_unaccented_forms_once() -> None:
    text = "We optimise a neighbourhood; optimise again. Schrödinger bridges, pairwise."
    assert respellings(text) == ["optimize", "neighborhood", "schrodinger"]
