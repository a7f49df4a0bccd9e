"""Assign topics to papers from the phrase rules of the taxonomy. Pure.

Phrase rules (see the header of `content/topics.yml`):
- a phrase matches whole words: `RL` does not match inside `URL`, and `convex` does not
  match the second half of `non-convex`;
- words written in lower case ignore case; a word written with a capital must match
  exactly, so `SLAM` is not `slam`, `Lean` (the prover) is not `lean` and `CLIP` is not
  `clip`, while `Monte Carlo tree search` still matches `Monte Carlo Tree Search`;
- spaces and hyphens are interchangeable (`mixture of experts` = `mixture-of-experts`),
  the last word also matches its plural (`model` = `models`), and a trailing `*` matches
  any ending of the last word (`optimi*`).

Score of a topic = title_weight per phrase found in the title + abstract_weight per
occurrence in the abstract (at most 3 counted per phrase). A topic is assigned when the
score reaches its `min_score`, and no `exclude` phrase vetoes it: an exclude phrase that
holds one of the topic's phrases (`dynamic programming` holds `programming`) only keeps
those words from counting; any other vetoes the topic. A match that rests on a single
`ambiguous` phrase (a lone "Monte Carlo" or "3D") does not count, unless the paper
matches no other topic.

Matching works on words, not regular expressions: each text is split into words once and
every run of 1..n words is looked up in a dictionary of all phrases of all topics, so the
cost grows with the text, not with the number of rules (10,000 papers in seconds).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from .config import Taxonomy, TopicRule
from .models import Corpus

_MAX_COUNTED_PER_PHRASE = 3
_WORD_RE = re.compile(r"(?:(?<=[^\W_])(-))?([^\W_]+)")
"""A word, with the hyphen that glues it to the word before (`non-convex`) if any."""


@dataclass(frozen=True, slots=True)
class TopicMatch:
    topic: str
    """Topic slug."""
    score: int
    reason: str
    """The strongest phrase that matched and where: `title: "language model"`."""
    phrases: tuple[str, ...] = ()
    """Every phrase of the topic that matched, strongest first."""


def split_words(text: str) -> list[tuple[str, str, bool]]:
    """(word, lower-cased word, glued to the previous word by a hyphen) for each word.
    A phrase cannot start at a glued word: `convex` is not in `non-convex`."""
    return [(word, word.lower(), bool(hyphen)) for hyphen, word in _WORD_RE.findall(text)]


def _phrase_words(phrase: str) -> tuple[tuple[str, ...], bool]:
    """(words as written, wildcard) of a phrase rule."""
    wildcard = phrase.endswith("*")
    words = tuple(w for w in re.split(r"[\s-]+", phrase.rstrip("*").strip()) if w)
    return words, wildcard


def _singular_forms(word: str) -> tuple[str, ...]:
    forms = [word]
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 2:
        forms.append(word[:-1])
    return tuple(forms)


def _case_matches(written: tuple[str, ...], found: list[str], wildcard: bool) -> bool:
    """Words written with a capital must appear exactly so (`Lean`, `SLAM`, `Monte`);
    lower-case words match any case (`tree search` in `Monte Carlo Tree Search`)."""
    for index, (want, got) in enumerate(zip(written, found, strict=True)):
        if want.islower() or not any(c.isupper() for c in want):
            continue
        last = index == len(written) - 1
        if last and wildcard:
            if not got.startswith(want):
                return False
        elif got != want and not (last and want in _singular_forms(got)):
            return False
    return True


class PhraseIndex:
    """Every phrase of a taxonomy, looked up by words. Build once, match many texts."""

    def __init__(self, phrases: Iterable[str]):
        # Keyed by the lower-cased words; capitals are checked on a hit.
        self.exact: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
        self.prefix: dict[tuple[str, ...], list[tuple[str, str, tuple[str, ...]]]] = {}
        self.starts: dict[str, int] = {}
        """First word of a phrase → the most words a phrase starting with it has. Most
        words of a text start no phrase, and are skipped after one lookup."""
        self.any_start_prefixes: list[str] = []
        """One-word wildcards (`optimi*`): any word may start them."""
        self.suffixes: list[tuple[str, str]] = []
        """(phrase, ending) of `*Bench` phrases: a word ending so, glued or not. An ending
        with a capital matches case exactly."""
        for phrase in sorted(set(phrases)):
            if phrase.startswith("*"):
                self.suffixes.append((phrase, phrase[1:]))
                continue
            words, wildcard = _phrase_words(phrase)
            lowered = tuple(w.lower() for w in words)
            if wildcard:
                self.prefix.setdefault(lowered[:-1], []).append((lowered[-1], phrase, words))
                if len(lowered) == 1:
                    self.any_start_prefixes.append(lowered[0])
                    continue
            else:
                self.exact.setdefault(lowered, []).append((phrase, words))
            self.starts[lowered[0]] = max(self.starts.get(lowered[0], 0), len(lowered))
        self.any_start_prefixes = sorted(set(self.any_start_prefixes))
        self._longest: dict[str, int] = {}
        self._forms: dict[str, tuple[str, ...]] = {}

    def _longest_from(self, word: str) -> int:
        """How many words a phrase starting at this (lower-cased) word can have; 0 for
        the many words that start none. Memoised: texts repeat their words."""
        longest = self._longest.get(word)
        if longest is None:
            longest = max(self.starts.get(form, 0) for form in _singular_forms(word))
            if any(word.startswith(prefix) for prefix in self.any_start_prefixes):
                longest = max(longest, 1)
            self._longest[word] = longest
        return longest

    def count(self, text: str) -> Counter[str]:
        """How often each phrase occurs in the text."""
        found: Counter[str] = Counter()
        words = split_words(text)
        lowered = [w[1] for w in words]
        # Inlined lookups: this loop runs for every word of every paper.
        longest_memo, forms_memo, exact, prefix = (
            self._longest,
            self._forms,
            self.exact,
            self.prefix,
        )
        total = len(words)
        for phrase, ending in self.suffixes:
            if ending != ending.lower():  # a capital: case must match
                hits = sum(1 for word, _, _ in words if word.endswith(ending))
            else:
                hits = sum(1 for _, low, _ in words if low.endswith(ending))
            if hits:
                found[phrase] += hits
        for start, (_, first, joined) in enumerate(words):
            if joined:
                continue
            longest = longest_memo.get(first)
            if longest is None:
                longest = self._longest_from(first)
            if not longest:
                continue
            for end in range(start + 1, min(start + longest, total) + 1):
                head = tuple(lowered[start : end - 1])
                last = lowered[end - 1]
                forms = forms_memo.get(last)
                if forms is None:
                    forms = forms_memo[last] = _singular_forms(last)
                for form in forms:
                    for phrase, written in exact.get((*head, form), ()):
                        if _case_matches(written, [w[0] for w in words[start:end]], False):
                            found[phrase] += 1
                for ending, phrase, written in prefix.get(head, ()):
                    if last.startswith(ending) and _case_matches(
                        written, [w[0] for w in words[start:end]], True
                    ):
                        found[phrase] += 1
        return found


@dataclass(frozen=True, slots=True)
class TaxonomyIndex:
    """A taxonomy prepared for matching: its phrases, and which topics each phrase can
    put a paper into. A paper is scored only against the few topics whose phrases it
    contains, not against every topic."""

    phrases: PhraseIndex
    owners: Mapping[str, tuple[int, ...]]
    """Phrase → positions (in taxonomy order) of the topics it counts for."""


def taxonomy_index(taxonomy: Taxonomy) -> TaxonomyIndex:
    owners: dict[str, list[int]] = {}
    for position, rule in enumerate(taxonomy.topics):
        for phrase in (*rule.title_phrases, *rule.phrases):
            owners.setdefault(phrase, []).append(position)
    phrases = PhraseIndex(
        phrase
        for rule in taxonomy.topics
        for phrase in (*rule.phrases, *rule.title_phrases, *rule.exclude)
    )
    return TaxonomyIndex(phrases, {p: tuple(sorted(set(o))) for p, o in owners.items()})


def score_topic(
    rule: TopicRule,
    title_counts: Mapping[str, int],
    abstract_counts: Mapping[str, int],
    *,
    alone: bool = False,
) -> TopicMatch | None:
    """The topic's match, or None. With `alone`, one ambiguous phrase is enough: for a
    paper no other topic matches."""
    masks = _masks(rule)
    if any(
        (title_counts.get(p) or abstract_counts.get(p)) and not masks.get(p) for p in rule.exclude
    ):
        return None
    if masks:
        title_counts = _unmasked(title_counts, masks)
        abstract_counts = _unmasked(abstract_counts, masks)
    score = 0
    reasons: list[tuple[int, str, str]] = []
    for phrase in (*rule.title_phrases, *rule.phrases):
        if title_counts.get(phrase):
            score += rule.title_weight
            # A title match explains a topic better than any count of abstract matches.
            reasons.append((1_000 + rule.title_weight, f'title: "{phrase}"', phrase))
    for phrase in rule.phrases:
        count = abstract_counts.get(phrase, 0)
        if count:
            counted = min(count, _MAX_COUNTED_PER_PHRASE)
            score += rule.abstract_weight * counted
            reasons.append((rule.abstract_weight * counted, f'abstract: "{phrase}"', phrase))
    if score < rule.min_score or not reasons:
        return None
    matched = {reason[2] for reason in reasons}
    if not alone and len(matched) == 1 and matched <= set(rule.ambiguous):
        return None  # one phrase with other meanings never decides a topic alone
    reasons.sort(key=lambda reason: -reason[0])  # stable: equals keep rule order
    phrases = tuple(dict.fromkeys(reason[2] for reason in reasons))
    return TopicMatch(topic=rule.slug, score=score, reason=reasons[0][1], phrases=phrases)


@cache
def _masks(rule: TopicRule) -> dict[str, tuple[str, ...]]:
    """Exclude phrase → the topic's phrases inside it (`dynamic programming` holds
    `programming`). Such an exclusion does not veto the topic: it only keeps its own words
    from counting, so "dynamic programming" in an abstract is not "programming", while
    "Programming Puzzles" in the title still is."""
    inside: dict[str, tuple[str, ...]] = {}
    for excluded in rule.exclude:
        words = _lower_words(excluded)
        held = tuple(
            phrase
            for phrase in (*rule.phrases, *rule.title_phrases)
            if _contains(words, _lower_words(phrase))
        )
        if held:
            inside[excluded] = held
    return inside


def _lower_words(phrase: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _phrase_words(phrase)[0])


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _unmasked(counts: Mapping[str, int], masks: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Counts less the occurrences that lie inside an excluded phrase."""
    left = dict(counts)
    for excluded, held in masks.items():
        for phrase in held:
            if phrase in left:
                left[phrase] = max(0, left[phrase] - counts.get(excluded, 0))
    return left


def match_text(
    title: str, abstract: str, taxonomy: Taxonomy, index: TaxonomyIndex | None = None
) -> tuple[TopicMatch, ...]:
    """The topics of one paper, best first (ties in taxonomy order)."""
    index = index or taxonomy_index(taxonomy)
    title_counts = index.phrases.count(title)
    abstract_counts = index.phrases.count(abstract)
    # Only topics with a phrase in the text can score (exclusions alone cannot).
    candidates = sorted(
        {
            position
            for phrase in (*title_counts, *abstract_counts)
            for position in index.owners.get(phrase, ())
        }
    )
    found = [
        match
        for position in candidates
        if (match := score_topic(taxonomy.topics[position], title_counts, abstract_counts))
        is not None
    ]
    if not found:
        # No topic without its ambiguous phrases: a paper is better filed by one of them
        # (each right about half the time on the labels) than left unclassified.
        found = [
            match
            for position in candidates
            if (
                match := score_topic(
                    taxonomy.topics[position], title_counts, abstract_counts, alone=True
                )
            )
            is not None
        ]
        found = sorted(found, key=lambda m: -m.score)[:1]
    found.sort(key=lambda m: -m.score)  # stable: ties stay in taxonomy order
    return most_specific(found, taxonomy)


def most_specific(found: list[TopicMatch], taxonomy: Taxonomy) -> tuple[TopicMatch, ...]:
    """A paper's topics, most specific first: deepest in the taxonomy first, then by
    score (a chain-of-thought paper lists Reasoning before Language models)."""
    depth = {m.topic: len(taxonomy.ancestors(m.topic)) for m in found}
    return tuple(sorted(found, key=lambda m: -depth[m.topic]))  # stable within a depth


def assign_topics(corpus: Corpus, taxonomy: Taxonomy) -> Mapping[str, tuple[TopicMatch, ...]]:
    """Paper slug → its topics, best first. Empty = unclassified."""
    index = taxonomy_index(taxonomy)
    return {
        slug: match_text(paper.title, paper.abstract or "", taxonomy, index)
        for slug, paper in corpus.papers.items()
    }


def papers_by_topic(
    assignments: Mapping[str, tuple[TopicMatch, ...]], taxonomy: Taxonomy
) -> dict[str, tuple[str, ...]]:
    """Topic slug → paper slugs that match it or any of its sub-topics (every topic
    present, possibly empty), in paper slug order."""
    members: dict[str, set[str]] = {rule.slug: set() for rule in taxonomy.topics}
    for paper, matches in assignments.items():
        for match in matches:
            for slug in (match.topic, *taxonomy.ancestors(match.topic)):
                members[slug].add(paper)
    return {topic: tuple(sorted(slugs)) for topic, slugs in members.items()}


def top_phrases(
    topic: str, assignments: Mapping[str, tuple[TopicMatch, ...]], limit: int = 8
) -> list[tuple[str, int]]:
    """The phrases that put papers into a topic, most papers first."""
    counts: Counter[str] = Counter()
    for matches in assignments.values():
        for match in matches:
            if match.topic == topic:
                counts.update(match.phrases)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
