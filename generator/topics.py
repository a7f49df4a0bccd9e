"""Assign topics to papers from the phrase rules of the taxonomy. Pure.

A phrase matches on word boundaries (`RL` does not match inside `URL`), case-insensitively
unless it is written as an acronym (`SLAM`, `GAN`: two or more capitals and no lower-case
letter), in which case the case must match too. Spaces and hyphens in a phrase match each
other (`mixture of experts` = `mixture-of-experts`); a phrase also matches its plural, and a
trailing `*` matches any word ending (`optimi*`).

Score of a topic = title_weight per phrase found in the title + abstract_weight per
occurrence in the abstract (at most 3 counted per phrase). A topic is assigned when the
score reaches `min_score` and no `exclude` phrase is present.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .config import Taxonomy, TopicRule
from .models import Corpus, Paper

_MAX_COUNTED_PER_PHRASE = 3


@dataclass(frozen=True, slots=True)
class TopicMatch:
    topic: str
    """Topic slug."""
    score: int
    reason: str
    """The strongest phrase that matched and where: `title: "language model"`."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrase rule. The regex starts with a literal so that `re` can jump to
    candidates; the word boundary before the match is checked by hand (a look-behind at
    the start of the pattern makes `re` try every position, 20x slower here)."""

    pattern: re.Pattern[str]
    case_sensitive: bool

    def count(self, text: str, lowered: str) -> int:
        haystack = text if self.case_sensitive else lowered
        return sum(
            1
            for match in self.pattern.finditer(haystack)
            if match.start() == 0 or not _is_word_char(haystack[match.start() - 1])
        )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


@lru_cache(maxsize=4096)
def compile_phrase(phrase: str) -> Phrase:
    wildcard = phrase.endswith("*")
    acronym = sum(c.isupper() for c in phrase) >= 2 and not any(c.islower() for c in phrase)
    words = re.split(r"[\s-]+", phrase.rstrip("*").strip())
    if not acronym:
        words = [word.lower() for word in words]
    body = r"[\s-]+".join(re.escape(word) for word in words)
    ending = r"\w*" if wildcard else r"(?:s|es)?"
    return Phrase(re.compile(rf"{body}{ending}(?!\w)"), case_sensitive=acronym)


def score_topic(
    rule: TopicRule, title: str, abstract: str, taxonomy: Taxonomy
) -> TopicMatch | None:
    title_lower, abstract_lower = title.lower(), abstract.lower()
    for phrase in rule.exclude:
        compiled = compile_phrase(phrase)
        if compiled.count(title, title_lower) or compiled.count(abstract, abstract_lower):
            return None
    score = 0
    reasons: list[tuple[int, str]] = []
    for phrase in rule.title_phrases + rule.phrases:
        if compile_phrase(phrase).count(title, title_lower):
            score += taxonomy.title_weight
            # A title match explains a topic better than any count of abstract matches.
            reasons.append((1_000 + taxonomy.title_weight, f'title: "{phrase}"'))
    for phrase in rule.phrases:
        count = compile_phrase(phrase).count(abstract, abstract_lower)
        if count:
            counted = min(count, _MAX_COUNTED_PER_PHRASE)
            score += taxonomy.abstract_weight * counted
            reasons.append((taxonomy.abstract_weight * counted, f'abstract: "{phrase}"'))
    if score < taxonomy.min_score or not reasons:
        return None
    best = max(reasons, key=lambda reason: reason[0])  # the first of equals: rule order
    return TopicMatch(topic=rule.slug, score=score, reason=best[1])


def assign_topics(corpus: Corpus, taxonomy: Taxonomy) -> Mapping[str, tuple[TopicMatch, ...]]:
    """Paper slug → its topics, best first (ties in taxonomy order). Empty = unclassified."""
    order = {rule.slug: index for index, rule in enumerate(taxonomy.topics)}
    result: dict[str, tuple[TopicMatch, ...]] = {}
    for slug, paper in corpus.papers.items():
        result[slug] = match_paper(paper, taxonomy, order)
    return result


def match_paper(
    paper: Paper, taxonomy: Taxonomy, order: Mapping[str, int]
) -> tuple[TopicMatch, ...]:
    abstract = paper.abstract or ""
    found = [
        match
        for rule in taxonomy.topics
        if (match := score_topic(rule, paper.title, abstract, taxonomy)) is not None
    ]
    found.sort(key=lambda m: (-m.score, order[m.topic]))
    return tuple(found)


def papers_by_topic(
    assignments: Mapping[str, tuple[TopicMatch, ...]], taxonomy: Taxonomy
) -> dict[str, tuple[str, ...]]:
    """Topic slug → paper slugs (every topic present, possibly empty)."""
    members: dict[str, list[str]] = {rule.slug: [] for rule in taxonomy.topics}
    for paper, matches in assignments.items():
        for match in matches:
            members[match.topic].append(paper)
    return {topic: tuple(slugs) for topic, slugs in members.items()}
