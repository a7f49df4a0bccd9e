"""Load and validate `content/topics.yml`.

Every problem is reported as `topics.yml:line: message`, all of them at once, before the
build aborts (as MkDocs' `load_config` does).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError
from .models import SlugRecord

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PHRASE_RE = re.compile(r"[^\W_]+(?:[\s-]+[^\W_]+)*\*?|\*[^\W_]+")
"""Words separated by spaces or hyphens, optionally ending in `*` (any ending), or `*` and
one word (any beginning: `*Bench` is ProcessBench, BIG-Bench, OptiBench)."""
_TOPIC_KEYS = {
    *("slug", "name", "description", "parent", "phrases", "title_phrases", "exclude"),
    "ambiguous",
    *("title_weight", "abstract_weight", "min_score"),
}
_DEFAULT_KEYS = {"title_weight", "abstract_weight", "min_score"}
UNCLASSIFIED = "unclassified"
"""Reserved slug of the page that lists papers matching no topic."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TopicRule:
    slug: str
    name: str
    description: str
    parent: str | None
    phrases: tuple[str, ...]
    """Match in the title or the abstract."""
    title_phrases: tuple[str, ...]
    """Match only in the title (for words too common in abstracts)."""
    exclude: tuple[str, ...]
    """Any of these in the title or abstract vetoes the topic."""
    line: int
    ambiguous: tuple[str, ...] = ()
    """Phrases of `phrases`/`title_phrases` with other meanings ("Monte Carlo" in Monte
    Carlo tree search, "3D" in 3D parallelism): alone they never decide the topic; a
    second, different phrase of the topic must match too."""
    """Where the topic starts in the taxonomy file."""
    title_weight: int = 3
    abstract_weight: int = 1
    min_score: int = 3
    """The topic is assigned when its matches add up to at least this."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    topics: tuple[TopicRule, ...]
    """In file order, which is the order the site lists them in."""
    title_weight: int = 3
    abstract_weight: int = 1
    min_score: int = 3
    """A topic is assigned when the matches add up to at least this."""

    by_slug: dict[str, TopicRule] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_slug.update((topic.slug, topic) for topic in self.topics)

    def get(self, slug: str) -> TopicRule:
        return self.by_slug[slug]

    def children(self, slug: str | None) -> tuple[TopicRule, ...]:
        return tuple(t for t in self.topics if t.parent == slug)

    def ancestors(self, slug: str) -> tuple[str, ...]:
        """Parent, grandparent, ... of a topic (the taxonomy has no cycles: validated)."""
        chain: list[str] = []
        parent = self.get(slug).parent
        while parent is not None:
            chain.append(parent)
            parent = self.get(parent).parent
        return tuple(chain)


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that remembers the line of every mapping as key `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_taxonomy(path: Path, display: str | None = None) -> Taxonomy:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("topic taxonomy not found", path=name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the topic taxonomy: {exc}", path=name) from None
    return parse_taxonomy(text, name)


def parse_taxonomy(text: str, name: str = "topics.yml") -> Taxonomy:
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML: {problem}", path=name, line=line) from None

    problems: list[ConfigError] = []

    def fail(message: str, line: int | None) -> None:
        problems.append(ConfigError(message, path=name, line=line))

    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise ConfigError("expected a mapping with a 'topics' list", path=name, line=1)
    defaults = data.get("defaults") or {}
    weights: dict[str, int] = {}
    if not isinstance(defaults, dict):
        fail("'defaults' must be a mapping", data["__line__"])
        defaults = {}
    for key, value in defaults.items():
        if key == "__line__":
            continue
        if key not in _DEFAULT_KEYS:
            fail(f"unknown setting 'defaults.{key}'", defaults["__line__"])
        elif not _positive_int(value):
            fail(f"'defaults.{key}' must be a positive whole number", defaults["__line__"])
        else:
            weights[key] = value
    for key in data:
        if key not in {"topics", "defaults", "__line__"}:
            fail(f"unknown top-level key '{key}'", data["__line__"])

    topics: list[TopicRule] = []
    seen: dict[str, int] = {}
    for item in data["topics"]:
        if not isinstance(item, dict):
            fail("each topic must be a mapping", None)
            continue
        topic = _topic(item, fail, weights)
        if topic is None:
            continue
        if topic.slug in seen:
            fail(
                f"duplicate topic '{topic.slug}' (first defined on line {seen[topic.slug]})",
                topic.line,
            )
            continue
        seen[topic.slug] = topic.line
        topics.append(topic)
    parents = {topic.slug: topic.parent for topic in topics}
    for topic in topics:
        if topic.parent is not None and topic.parent not in seen:
            fail(f"topic '{topic.slug}' has unknown parent '{topic.parent}'", topic.line)
            continue
        chain, parent = [topic.slug], topic.parent
        while parent is not None and parent in parents and parent not in chain:
            chain.append(parent)
            parent = parents[parent]
        if parent is not None and parent in chain:
            fail(f"topic '{topic.slug}' is its own ancestor ({' → '.join(chain)})", topic.line)
    if problems:
        raise _combine(problems)
    if not topics:
        raise ConfigError("the taxonomy defines no topic", path=name, line=1)
    # by_slug is named (as its default, empty: __post_init__ fills it) so that **weights
    # only stands for the int settings.
    return Taxonomy(topics=tuple(topics), by_slug={}, **weights)


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _topic(item: dict[str, Any], fail, defaults: dict[str, int]) -> TopicRule | None:
    line = item["__line__"]
    ok = True
    for key in item:
        if key != "__line__" and key not in _TOPIC_KEYS:
            fail(f"unknown key '{key}' in topic", line)
            ok = False
    slug = item.get("slug")
    if not isinstance(slug, str) or not _SLUG_RE.match(slug):
        fail(f"topic slug {slug!r} must be lower-case words joined by hyphens", line)
        return None
    if slug == UNCLASSIFIED:
        fail(f"'{UNCLASSIFIED}' is reserved for papers that match no topic", line)
        ok = False
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        fail(f"topic '{slug}' needs a name", line)
        ok = False
    description = item.get("description", "")
    if not isinstance(description, str):
        fail(f"topic '{slug}': description must be text", line)
        ok = False
    parent = item.get("parent")
    if parent is not None and not isinstance(parent, str):
        fail(f"topic '{slug}': parent must be a topic slug", line)
        ok = False
    lists = {}
    for key in ("phrases", "title_phrases", "exclude", "ambiguous"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(f"topic '{slug}': '{key}' must be a list of phrases", line)
            ok = False
            continue
        for phrase in value:
            if len(phrase.strip().strip("*")) < 2:
                fail(f"topic '{slug}': phrase {phrase!r} is too short to match on its own", line)
                ok = False
            elif not _PHRASE_RE.fullmatch(phrase.strip()):
                fail(
                    f"topic '{slug}': phrase {phrase!r} can never match: use letters and "
                    "digits, words separated by spaces or hyphens, and '*' only at the end "
                    "(or before a single word)",
                    line,
                )
                ok = False
        lists[key] = tuple(v.strip() for v in value)
    weights = dict(defaults)
    for key in _DEFAULT_KEYS:
        if key in item:
            if _positive_int(item[key]):
                weights[key] = item[key]
            else:
                fail(f"topic '{slug}': '{key}' must be a positive whole number", line)
                ok = False
    if ok:
        for phrase in lists["ambiguous"]:
            if phrase not in lists["phrases"] and phrase not in lists["title_phrases"]:
                fail(
                    f"topic '{slug}': ambiguous phrase {phrase!r} is not one of its phrases "
                    "or title_phrases",
                    line,
                )
                ok = False
    if ok and not lists["phrases"] and not lists["title_phrases"]:
        fail(f"topic '{slug}' has no phrases, so it can never match", line)
        ok = False
    if not ok:
        return None
    assert isinstance(name, str)  # else `ok` is False (checked above)
    return TopicRule(
        slug=slug,
        name=name.strip(),
        description=description.strip(),
        parent=parent,
        phrases=lists["phrases"],
        title_phrases=lists["title_phrases"],
        exclude=lists["exclude"],
        ambiguous=lists["ambiguous"],
        line=line,
        **weights,
    )


def _combine(problems: list[ConfigError]) -> ConfigError:
    return problems[0] if len(problems) == 1 else ConfigError.combine(problems)


SLUG_LEDGER_HEADER = """\
# Paper Atlas: the URL of every paper the atlas has published (/papers/<slug>/), so that
# it never moves and is never given to another paper. Written by `python -m generator build`
# (and so by `make serve` and `make site`) when new papers arrive: commit it with the dumps.
# One paper per line: slug, arXiv id (- when unknown), title as merged; tab-separated.
"""


def load_slug_ledger(path: Path, display: str | None = None) -> tuple[SlugRecord, ...]:
    """The recorded slugs; none when the file does not exist yet."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the slug ledger: {exc}", path=name) from None
    records: list[SlugRecord] = []
    seen: dict[str, int] = {}
    problems: list[ConfigError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not _SLUG_RE.match(fields[0]) or not fields[2].strip():
            problems.append(
                ConfigError(
                    "expected 'slug<TAB>arXiv id or -<TAB>title' with a lower-case slug",
                    path=name,
                    line=number,
                )
            )
            continue
        slug, arxiv_id, title = fields
        if slug in seen:
            problems.append(
                ConfigError(
                    f"slug '{slug}' recorded twice (first on line {seen[slug]})",
                    path=name,
                    line=number,
                )
            )
            continue
        seen[slug] = number
        records.append(SlugRecord(slug, title, None if arxiv_id == "-" else arxiv_id))
    if problems:
        raise _combine(problems)
    return tuple(records)


def format_slug_ledger(records: Iterable[SlugRecord]) -> str:
    lines = [
        f"{r.slug}\t{r.arxiv_id or '-'}\t{r.title_key}"
        for r in sorted(records, key=lambda r: r.slug)
    ]
    return SLUG_LEDGER_HEADER + "".join(line + "\n" for line in lines)
