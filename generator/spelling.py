"""British and American spellings, so that search finds a paper whichever a reader types.

Search normalises both sides to American spelling: a query's words in the browser (the
search page reads `RULES`, written into the page as JSON, so there is one list), and the
index, where a paper page carries, out of sight, the American form of every British word
of its title and abstract. Pure; the rules are a short, conservative list (whole words,
with exceptions such as "precise" and "noise"), not a dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

RULES: list[tuple[str, str]] = [
    # (pattern, replacement) on lower-case whole words, applied in order, first match wins
    (
        r"^(neighbo|behavio|colo|favo|labo|hono|harbo|humo|vapo|flavo|rigo|vigo|tumo|endeavo|odo)ur(s|hood|hoods|ed|ing|al|ally|ite|ites|able)?$",
        r"\1r\2",
    ),
    (r"^(cent|calib)red$", r"\1ered"),
    (r"^(cent|met|lit|fib|theat|spect|calib)re(s)?$", r"\1er\2"),
    (
        r"^(model|label|travel|cancel|signal|tunnel|fuel|level|channel|marshal|pixel)l(ing|ed|er|ers)$",
        r"\1\2",
    ),
    (r"^(anal|catal|paral|hydrol)ys(e|es|ed|ing|er|ers)$", r"\1yz\2"),
    (r"^(defen|licen|offen|preten)ce(s)?$", r"\1se\2"),
    (r"^(analog|catalog|dialog)ue(s)?$", r"\1\2"),
    (r"^programme(s)?$", r"program\1"),
    (r"^ageing$", "aging"),
    (r"^(judg|acknowledg)ement(s)?$", r"\1ment\2"),
    (r"^([a-z]{3,})is(ation|ations|ational|e|es|ed|ing|er|ers|able)$", r"\1iz\2"),
]
"""Python regular expressions that JavaScript reads the same way (no lookbehind)."""

EXCEPTIONS = (
    *("nois", "precis", "promis", "premis", "surpris", "exercis", "advis", "revis", "devis"),
    *("supervis", "televis", "improvis", "disguis", "prais", "cruis", "expertis"),
    *("franchis", "merchandis", "paradis", "treatis", "tortois", "porpois", "turquois"),
    *("concis", "excis", "incis", "demis", "despis", "enterpris", "apprais", "mortis"),
    *("advertis", "compris", "repris", "surmis", "chemis"),
)
"""Stems of words that end like a British -ise but are spelled so everywhere (denoising,
imprecise, promised, comprise...); with `EXCEPTION_WORDS` and words ending in -wise."""
EXCEPTION_WORDS = frozenset(
    {
        *("rise", "rises", "risen", "rising", "arise", "arises", "arisen", "arising"),
        *("raise", "raises", "raised", "raising", "poise", "poised", "anise", "valise"),
    }
)

_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]
_WORD_RE = re.compile(r"[A-Za-z]+")


def american(word: str) -> str | None:
    """The American spelling of a British word, or None when it is not one."""
    lower = word.lower()
    if (
        len(lower) < 5
        or lower in EXCEPTION_WORDS
        or lower.endswith("wise")
        or any(part in lower for part in EXCEPTIONS)
    ):
        return None
    for pattern, replacement in _COMPILED:
        if pattern.match(lower):
            changed = pattern.sub(replacement, lower)
            return changed if changed != lower else None
    return None


def respellings(text: str) -> list[str]:
    """Other spellings a reader may type for the words of `text`, each once, in order:
    the American form of a British word, and a word with accents without them
    ("Schrödinger" → "schrodinger", "Martin-Löf" → "lof")."""
    found: dict[str, None] = {}
    for word in _WORD_RE.findall(text):
        other = american(word)
        if other is not None:
            found.setdefault(other)
    for word in _ACCENTED_RE.findall(text):
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
        if plain != word and plain.isascii():
            found.setdefault(plain.lower())
    return list(found)


def vocabulary(texts: Iterable[str]) -> dict[str, object]:
    """The words a search can match, for the search page's "did you mean": each word of
    the texts (lower case, without accents, split where Pagefind splits: at anything not
    a letter or digit) and the American form of each British word, with the number of
    texts that have it. Sorted by word, so a script can look a prefix up by bisection."""
    counts: Counter[str] = Counter()
    for text in texts:
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        ).lower()
        words = {w for w in _SEARCH_WORD_RE.findall(plain) if len(w) > 1}
        words |= {w for w in map(american, words) if w}
        counts.update(words)
    ordered = sorted(counts)
    return {"words": ordered, "counts": [counts[w] for w in ordered]}


_SEARCH_WORD_RE = re.compile(r"[a-z0-9]+")
_ACCENTED_RE = re.compile(r"[^\W\d_]*[À-ɏ][^\W\d_]*")
"""A word with a Latin letter beyond ASCII (é, ö, ł...)."""


def rules_json() -> dict[str, object]:
    """The rules and exceptions for the search page's script (`\\1` becomes `$1`)."""
    return {
        "rules": [[pattern, replacement.replace("\\", "$")] for pattern, replacement in RULES],
        "exceptions": list(EXCEPTIONS),
        "exception_words": sorted(EXCEPTION_WORDS),
    }
