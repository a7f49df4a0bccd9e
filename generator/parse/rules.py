"""The listing rule table: what each line of a listing page is, without parser state.

Each rule looks at one clean line (and, for a label whose value is printed below it, the
next line with text) and either says what it is, as a `Token`, or passes. Rules are tried
in the order of `RULES`, as Python-Markdown tries its block processors; a line no rule
claims is `TEXT`, a title or an abstract to be, and the structure pass (`cards`) decides
which from the shape of the whole page. A new layout is a new rule here, never a new
branch in the structure pass.

A rule names the kind of line it recognises and the card fields it fills:

| rule           | recognises                                      | fills                    |
|----------------|-------------------------------------------------|--------------------------|
| front matter   | the capture tool's header (YAML, Jina, a crawler's) | (page chrome)         |
|                | and a lynx link list                             |                          |
| link target    | a bare URL line after a link's text (notebooks) | the link of the line above |
| chrome         | page furniture: `Subscribe`, nav, footer, tabs  | (page chrome)            |
| glued chrome   | `SubscribeAddition is All...` (no line breaks)  | (the text after it)      |
| query          | `Search results for "x"`                        | the page's search query  |
| date           | `Jun 1, 2020 [n]`, `· Published on Oct 4, 2026` | published, comments      |
| one line meta  | `• 3 authors · Jun 1, 2020`, `Org · Oct 4, 2026` | authors or organisation, |
|                |                                                  | published                |
| authors        | `• 6 authors`, `* 3 authors`, `- 1 author`      | authors                  |
| separator      | `·`                                             | (card metadata)          |
| upvote         | `Upvote 42`, `Upvote` + `117`, `[-] 1`          | upvotes                  |
| submitted by   | `Submitted by x`, `Submitted by` + `x`          | submitted_by             |
| github         | `GitHub 1.32k [arXiv Page]`, `GitHub` + `131`    | github_stars, github     |
| arxiv page     | `arXiv Page`                                    | (card metadata)          |
| thumbnail      | an image that links to a paper                  | the card's arXiv id      |
| avatar         | an image, an empty list item (`-` among bullets) | (card metadata)         |
| count          | `128`, `1,204`, `1.32k`, `-` alone              | upvotes or comments      |
| organisation   | a short line right above `·` or `· date`        | organisation             |
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..models import MONTHS, PartialDate
from .lines import MARKDOWN, PLAIN, Document, Line, paper_id


class Kind(enum.Enum):
    CHROME = "chrome"
    """The page around the cards (or the capture tool's own header)."""
    MARKUP = "markup"
    """Nothing to read: an avatar, an anchor, an empty list item."""
    LINK = "link"
    """A bare URL line: the target of the link written on the line above."""
    TEXT = "text"
    """Claimed by no rule: a title, an abstract, or an unexplained line."""
    FIELD = "field"
    """Card metadata: fills one or more fields of a card."""
    QUERY = "query"


class Side:
    """Where a card prints a field: above its title, below its abstract, or either. Plain
    bit flags (`token.side & POST`): an enum's `in` costs a function call per test, and
    the structure pass tests every field of every card."""

    PRE = 1
    POST = 2
    EITHER = PRE | POST


class _NoValues(dict):
    """The values of a token that fills no field: one shared, read-only, empty dict (a
    new dict for each of the 200,000 lines of a large corpus costs more than its
    parsing). Hashable, so that a dataclass takes it as a default."""

    __hash__ = object.__hash__  # type: ignore[assignment]  # dict sets __hash__ = None

    def __setitem__(self, key: str, value: object) -> None:
        raise TypeError("token values are read-only")


_NO_VALUES: dict[str, object] = _NoValues()


@dataclass(slots=True)
class Token:
    """One or more lines that one rule recognised."""

    kind: Kind
    start: int
    """Index of its first line."""
    stop: int
    """Index after its last line."""
    rule: str
    side: int = Side.EITHER
    values: dict[str, object] = _NO_VALUES
    """The card fields it fills: `{"authors": 6}`, `{"published": date, "comments": 2}`.
    Never changed in place: a token made from a line seen before shares its values."""
    text: str = ""
    links: tuple[str, ...] = ()
    heading: int = 0
    joins_next: bool = False
    paper: str | None = None
    """The arXiv id its links name, if any."""


Rule = Callable[[Document, int], Token | None]


def applies(
    kind: Kind,
    fills: str = "",
    *,
    starts: str | None = None,
    lines: str = "text",
    context: bool = False,
) -> Callable[[Rule], Rule]:
    """What a rule recognises (`kind`: the kind of token it makes) and the card fields it
    fills (`fills`, space-separated; `count` is an upvote or comment count, the structure
    pass says which); and which lines it can recognise at all: those whose clean text
    starts with one of `starts` (None: any), of the kind `lines` names (`text`,
    `markup`: nothing readable left, `url`: a bare URL, `header`: the capture tool's
    header; several, space-separated). `classify` tries a rule on no other line: most
    lines are titles and abstracts, and no rule needs to look at them twice. `context`:
    the rule looks at
    other lines too (a label's value below it); the others decide from the line alone,
    so `classify` reuses their answer for a line it has seen before (a dump repeats
    `·`, dates and author counts on every card)."""

    def mark(rule: Rule) -> Rule:
        rule.kind = kind  # type: ignore[attr-defined]
        rule.fills = frozenset(fills.split())  # type: ignore[attr-defined]
        rule.starts = starts  # type: ignore[attr-defined]
        rule.lines = frozenset(lines.split())  # type: ignore[attr-defined]
        rule.context = context  # type: ignore[attr-defined]
        return rule

    return mark


_MONTH = "|".join(MONTHS)
_DATE_RE = re.compile(
    rf"^(·\s*)?(Published on\s+)?({_MONTH}) (\d{{1,2}})(?:, (\d{{4}}))?(?: (\d+))?$"
)
_MONTH_NAMES = frozenset(MONTHS)
COUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?[kKM]?|-)"
_COUNT_RE = re.compile(rf"^{COUNT}$")
_UPVOTE_RE = re.compile(rf"^(?:Upvote|\[-\])(?: ({COUNT}))?$")
_SUBMITTED_RE = re.compile(r"^Submitted by(?: (\S+))?$")
_GITHUB_RE = re.compile(rf"^GitHub(?: ({COUNT}))?( arXiv Page)?$")
_AUTHORS_RE = re.compile(r"^(\d+) authors?$")
_QUERY_RE = re.compile(
    r"^(?:(?:search )?results for|search:|you searched for)\s*[\"“'«](.+?)[\"”'»]$"
    r"|^(?:search:|you searched for)\s*(.{1,60})$",
    re.IGNORECASE,
)
"""`Search results for "x"` (quoted), `Search: x` (short): not `results for image, ...`."""
_MORE_AVATARS_RE = re.compile(r"^\+ ?\d+$")
"""`+46`: the avatars a list of upvoters or authors does not show."""
_USER_RE = re.compile(r"^[\w.-]{1,64}$")

HEADER_CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "Trending Papers",
        "byAK and the research community",
        "by AK and the research community",
    }
)
"""The head of a listing page: what comes before it is the capture tool's own header."""

CHROME = HEADER_CHROME | {
    # the header of a listing, also split over lines by some tools
    "by",
    "AK",
    "and the research community",
    "Daily",
    "Weekly",
    "Monthly",
    "Trending",
    "Daily Papers - Hugging Face",
    "Trending Papers - Hugging Face",
    "Hugging Face",
    "Hugging Face's logo",
    "Papers",
    # the site's navigation and footer
    "Models",
    "Datasets",
    "Spaces",
    "Buckets",
    "Buckets new",
    "Community",
    "Docs",
    "Enterprise",
    "Pricing",
    "Log In",
    "Sign Up",
    "Website",
    "Tasks",
    "HuggingChat",
    "Collections",
    "Languages",
    "Organizations",
    "Blog",
    "Posts",
    "Hardware",
    "Learn",
    "Discord",
    "Forum",
    "Solutions",
    "Team & Enterprise",
    "Hugging Face PRO",
    "Enterprise Support",
    "Inference Providers",
    "Inference Endpoints",
    "Storage Buckets",
    "System theme",
    "Company",
    "TOS",
    "Privacy",
    "About",
    "Careers",
    "Previous",
    "Next",
    "Load more",
    "Trending Papers ranked by GitHub stars activity",
    "Search",
    "Search papers",
    "Search models, datasets, users...",
}
"""Page furniture of Hugging Face's listing pages, compared with the whole clean line."""

_NAV_WORDS = frozenset(
    word for item in CHROME if item not in HEADER_CHROME for word in item.split()
) - {"by", "and", "the", "research", "community", "AK", "new"}
"""Words of the navigation: a line made only of them is a nav bar copied onto one line
(`TOS Privacy About Careers Website`)."""


def _token(doc: Document, kind: Kind, start: int, stop: int, rule: str, **kw) -> Token:
    lines = doc.lines
    if stop == start + 1 and not lines[start].links:
        return Token(kind, start, stop, rule, **kw)
    links = tuple(url for i in range(start, stop) for url in lines[i].links)
    paper = next((p for url in links if (p := paper_id(url))), None)
    return Token(kind, start, stop, rule, links=links, paper=paper, **kw)


def next_content(lines: list[Line], index: int) -> int | None:
    """The next line after `index` with something to read (not blank, not markup)."""
    for i in range(index + 1, len(lines)):
        line = lines[i]
        if line.key and not line.markup_only and not line.url_only:
            return i
    return None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> tuple[PartialDate, int | None] | None:
    """`Jun 1, 2020 2` → (2020-06-01, 2 comments); `Sep 22` → (--09-22, None).
    Cached: a listing repeats the same few dates on many cards."""
    match = _DATE_RE.match(text)
    if match is None:
        return None
    month = MONTHS.index(match[3]) + 1
    day = int(match[4])
    year = int(match[5]) if match[5] else None
    if not 1 <= day <= _days_in_month(month, year):
        return None
    comments = int(match[6]) if match[6] else None
    return PartialDate(month=month, day=day, year=year), comments


def _days_in_month(month: int, year: int | None) -> int:
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_count(text: str) -> int:
    """`-` → 0, `1,234` → 1234, `1.32k` → 1320 (as precise as the page shows it)."""
    if text == "-":
        return 0
    scale = {"k": 1000, "K": 1000, "M": 1_000_000}.get(text[-1])
    if scale:
        return round(float(text[:-1]) * scale)
    return int(text.replace(",", ""))


# --- the rules, in the order they are tried ------------------------------------------


@applies(Kind.CHROME, lines="header", context=True)
def front_matter(doc: Document, i: int) -> Token | None:
    if i in doc.header or i in doc.references:
        stop = i + 1
        while stop < len(doc.lines) and (stop in doc.header or stop in doc.references):
            stop += 1
        return Token(Kind.CHROME, i, stop, "front matter")
    return None


@applies(Kind.LINK, lines="url", context=True)
def link_target(doc: Document, i: int) -> Token | None:
    if doc.lines[i].url_only and doc.format == MARKDOWN:
        return _token(doc, Kind.LINK, i, i + 1, "link target")
    return None


@applies(Kind.CHROME)
def chrome(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if key in CHROME or (len(key) < 80 and " " in key and _NAV_WORDS.issuperset(key.split())):
        return _token(doc, Kind.CHROME, i, i + 1, "chrome")
    return None


_GLUED = ("Subscribe", "Daily Papers", "Trending Papers", "byAK and the research community")


@applies(Kind.TEXT, starts="SDTb")
def glued_chrome(doc: Document, i: int) -> Token | None:
    """A copy without line breaks glues the page's head to the first title
    (`SubscribeAddition is All You Need`): the rest of the line is text."""
    line = doc.lines[i]
    if not line.key.startswith(_GLUED):
        return None
    for prefix in _GLUED:
        if line.key.startswith(prefix) and line.key[len(prefix) : len(prefix) + 1].isupper():
            rest = line.key[len(prefix) :]
            return _token(doc, Kind.TEXT, i, i + 1, "glued chrome", text=rest)
    return None


@applies(Kind.QUERY, starts="SsRrYy")
def query(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if key[:1] not in "SsRrYy":
        return None
    match = _QUERY_RE.match(key)
    if match is None:
        return None
    return _token(doc, Kind.QUERY, i, i + 1, "query", text=match[1] or match[2])


@applies(Kind.FIELD, "published comments", starts="JFMASOND·P")
def date(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if len(key) > 40 or not (key[:3] in _MONTH_NAMES or key[0] == "·" or key[0] == "P"):
        return None
    found = parse_date(key)
    if found is None:
        return None
    values: dict[str, object] = {"published": found[0]}
    if found[1] is not None:
        values["comments"] = found[1]
    return _token(doc, Kind.FIELD, i, i + 1, "date", side=Side.POST, values=values)


@applies(Kind.FIELD, "authors organisation published comments")
def one_line_meta(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if " · " not in key or len(key) > 200:
        return None
    head, _, tail = key.rpartition(" · ")
    found = parse_date(tail)
    if found is None:
        return None
    values: dict[str, object] = {"published": found[0]}
    if found[1] is not None:
        values["comments"] = found[1]
    head = head.lstrip("•*-+ ")
    authors = _AUTHORS_RE.match(head)
    if authors is not None:
        values["authors"] = int(authors[1])
    elif head and " · " not in head and _looks_like_a_name(head):
        values["organisation"] = head
    else:
        return None
    return _token(doc, Kind.FIELD, i, i + 1, "one line meta", side=Side.POST, values=values)


@applies(Kind.FIELD, "authors", starts="0123456789")
def authors(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if not key[:1].isdigit():
        return None
    match = _AUTHORS_RE.match(key)
    if match is None:
        return None
    values = {"authors": int(match[1])}
    return _token(doc, Kind.FIELD, i, i + 1, "authors", side=Side.POST, values=values)


@applies(Kind.FIELD, "separator", starts="·")
def separator(doc: Document, i: int) -> Token | None:
    if doc.lines[i].key == "·":
        values = {"separator": "·"}
        return _token(doc, Kind.FIELD, i, i + 1, "separator", side=Side.POST, values=values)
    return None


@applies(Kind.FIELD, "upvotes", starts="U[", context=True)
def upvote(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if not key.startswith(("Upvote", "[-]")):
        return None
    match = _UPVOTE_RE.match(key)
    if match is None:
        return None
    if match[1] is not None:
        values = {"upvotes": parse_count(match[1])}
        return _token(doc, Kind.FIELD, i, i + 1, "upvote", values=values)
    below = _count_below(doc, i)
    if below is None:
        return None
    values = {"upvotes": parse_count(doc.lines[below].key)}
    return _token(doc, Kind.FIELD, i, below + 1, "upvote", values=values)


@applies(Kind.FIELD, "submitted_by", starts="S", context=True)
def submitted_by(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if not key.startswith("Submitted by"):
        return None
    match = _SUBMITTED_RE.match(key)
    if match is None:
        return None
    if match[1] is not None:
        values = {"submitted_by": match[1]}
        return _token(doc, Kind.FIELD, i, i + 1, "submitted by", side=Side.PRE, values=values)
    below = next_content(doc.lines, i)
    if below is None or not _USER_RE.match(doc.lines[below].key):
        # The label without its user (cut off, or a layout not known): still a field
        # printed above a title, so that it is reported where it stands.
        return _token(doc, Kind.FIELD, i, i + 1, "submitted by", side=Side.PRE)
    values = {"submitted_by": doc.lines[below].key}
    return _token(doc, Kind.FIELD, i, below + 1, "submitted by", side=Side.PRE, values=values)


@applies(Kind.FIELD, "github_stars github", starts="G", context=True)
def github(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if not key.startswith("GitHub"):
        return None
    match = _GITHUB_RE.match(key)
    if match is None:
        return None
    stop = i + 1
    stars = match[1]
    if stars is None:
        below = _count_below(doc, i)
        if below is None:  # the site's nav: a link to Hugging Face on GitHub
            return _token(doc, Kind.CHROME, i, i + 1, "chrome") if key == "GitHub" else None
        stars, stop = doc.lines[below].key, below + 1
    token = _token(doc, Kind.FIELD, i, stop, "github", side=Side.POST)
    repo = next((url for url in token.links if "github.com/" in url), None)
    token.values = {"github_stars": parse_count(stars)} | ({"github": repo} if repo else {})
    return token


@applies(Kind.FIELD, starts="a")
def arxiv_page(doc: Document, i: int) -> Token | None:
    if doc.lines[i].key == "arXiv Page":
        return _token(doc, Kind.FIELD, i, i + 1, "arxiv page", side=Side.POST)
    return None


@applies(Kind.FIELD, "thumbnail", lines="markup", context=True)
def thumbnail(doc: Document, i: int) -> Token | None:
    line = doc.lines[i]
    if line.markup_only and line.links:
        token = _token(doc, Kind.MARKUP, i, i + 1, "thumbnail")
        if token.paper is not None:
            token.kind, token.side = Kind.FIELD, Side.PRE
            token.values = {"thumbnail": token.paper}
        return token
    return None


@applies(Kind.MARKUP, starts="-•*+", lines="text markup", context=True)
def avatar(doc: Document, i: int) -> Token | None:
    line = doc.lines[i]
    if line.markup_only or line.key in ("•", "*", "+") or _MORE_AVATARS_RE.match(line.key):
        return _token(doc, Kind.MARKUP, i, i + 1, "avatar")
    # A lone `-` is an empty list item (Markdown writes a zero count as a link,
    # `[-](…login…)`), or in a plain copy one among other items; else a zero count.
    if (
        line.key == "-"
        and not line.links
        and (doc.format == MARKDOWN or line.bullet or _among_bullets(doc.lines, i))
    ):
        return _token(doc, Kind.MARKUP, i, i + 1, "avatar")
    return None


@applies(Kind.FIELD, "count", starts="0123456789-")
def count(doc: Document, i: int) -> Token | None:
    key = doc.lines[i].key
    if len(key) > 12 or not _COUNT_RE.match(key):
        return None
    token = _token(doc, Kind.FIELD, i, i + 1, "count", text=key)
    token.values = {"count": parse_count(key)}
    return token


@applies(Kind.FIELD, "organisation", context=True)
def organisation(doc: Document, i: int) -> Token | None:
    line = doc.lines[i]
    if not _looks_like_a_name(line.key):
        return None
    below = next_content(doc.lines, i)
    if below is None:
        return None
    after = doc.lines[below].key
    if after != "·" and not (after.startswith("·") and parse_date(after)):
        return None
    if doc.format != PLAIN and not line.links and not _url_below(doc.lines, i):
        return None  # captures that keep links link an organisation to its page
    values = {"organisation": line.key}
    return _token(doc, Kind.FIELD, i, i + 1, "organisation", side=Side.POST, values=values)


RULES: tuple[Rule, ...] = (
    front_matter,
    link_target,
    chrome,
    glued_chrome,
    query,
    date,
    one_line_meta,
    authors,
    separator,
    upvote,
    submitted_by,
    github,
    arxiv_page,
    thumbnail,
    avatar,
    count,
    organisation,
)


if not all(hasattr(rule, "context") for rule in RULES):  # pragma: no cover
    raise TypeError("every rule in RULES needs @applies(...)")


def _rules_for(kind: str, first: str) -> tuple[Rule, ...]:
    """The rules of the table, in order, that can recognise such a line."""
    by_first = _DISPATCH.setdefault(kind, {})
    rules = by_first.get(first)
    if rules is None:
        rules = tuple(
            rule
            for rule in RULES
            if kind in rule.lines  # type: ignore[attr-defined]
            and (rule.starts is None or first in rule.starts)  # type: ignore[attr-defined]
        )
        by_first[first] = rules
    return rules


_DISPATCH: dict[str, dict[str, tuple[Rule, ...]]] = {}


_LONGEST_RULE_LINE = 200
"""Longer lines are text: no rule recognises a line this long (an organisation and a
date on one line are the longest)."""


def classify(doc: Document) -> list[Token]:
    """Every line with something on it, claimed by the first rule that recognises it."""
    tokens: list[Token] = []
    append = tokens.append
    lines = doc.lines
    index = 0
    end = len(lines)
    header_end = doc.header.stop
    references = doc.references.start if doc.references else end
    seen: dict[str, Token] = {}
    """Lines recognised by rules that look at nothing else: the same text is the same."""
    while index < end:
        line = lines[index]
        if not line.raw:
            index += 1
            continue
        key = line.key
        if index < header_end or index >= references:
            kind = "header"
        elif line.url_only:
            kind = "url"
        elif line.markup_only:
            kind = "markup"
        elif len(key) > _LONGEST_RULE_LINE:
            kind = ""  # an abstract: no rule recognises a line this long
        else:
            kind = "text"
            known = seen.get(key)
            if known is not None and not line.links:
                append(Token(known.kind, index, index + 1, known.rule, known.side, known.values))
                index += 1
                continue
        token = None
        if kind:
            for rule in _rules_for(kind, key[:1]):
                token = rule(doc, index)
                if token is not None:
                    if kind == "text" and not line.links and _alone(rule, kind, key):
                        seen[key] = token
                    break
        if token is None:
            token = _token(
                doc,
                Kind.TEXT,
                index,
                index + 1,
                "text",
                text=line.text,
                heading=line.heading,
                joins_next=line.joins_next,
            )
        append(token)
        index = token.stop
    return tokens


def _alone(rule: Rule, kind: str, key: str) -> bool:
    """Did `rule` decide from the line alone, with no rule before it that looks around?"""
    for earlier in _rules_for(kind, key[:1]):
        if earlier is rule:
            return not rule.context  # type: ignore[attr-defined]
        if earlier.context:  # type: ignore[attr-defined]
            return False
    return False


def _count_below(doc: Document, index: int) -> int | None:
    below = next_content(doc.lines, index)
    if below is not None and _COUNT_RE.match(doc.lines[below].key):
        return below
    return None


def _among_bullets(lines: list[Line], index: int) -> bool:
    """A lone `-` in a list (`-`, `-`, `- 4 authors`) is an empty item, an avatar, not
    `0`: the line below it with text is another item, or the one above is a lone `-`."""
    below = next_content(lines, index)
    if below is not None and (lines[below].bullet or lines[below].key == "-"):
        return True
    for above in range(index - 1, -1, -1):
        line = lines[above]
        if line.key and not line.url_only:
            return line.key == "-" and not line.links
    return False


def _url_below(lines: list[Line], index: int) -> bool:
    """Is the next line with anything on it a bare URL (a notebook's link target)?"""
    for line in lines[index + 1 : index + 4]:
        if line.raw:
            return line.url_only
    return False


def _looks_like_a_name(text: str) -> bool:
    return 0 < len(text) <= 100 and not text.endswith(".") and text[0] not in "·•"
