"""The structure pass: paper cards from the tokens of a listing page.

The rule table (`rules`) says what each line is on its own. This pass decides what the
lines that no rule claimed (`TEXT`) are, from the shape of the whole page, in four steps:

1. **Paragraphs.** Adjacent text lines are one paragraph when the capture wraps text (a
   Markdown capture, a text browser, a copy with blank lines between fields), and each
   paragraph gets a shape: a *title* (short, no full stop at the end), a *sentence* (one
   sentence ending in a full stop: an AI summary, a short abstract) or *prose*.
2. **Titles.** A paragraph is a title when the page says so (a heading, the first text
   to link to a paper, an upvote count or `Submitted by` right above it), or when its shape
   and its neighbours do: a title-shaped paragraph followed by prose, or followed by card
   metadata right after the end of the previous card.
3. **Cards.** A card is its title, the paragraphs after it (the abstract), and the card
   metadata between it and the next title. The metadata between two cards is split where
   the page's own cards say it splits: a field printed above titles (`Submitted by`)
   belongs to the next card, one printed below abstracts (authors, dates) to the card
   before; an upvote count goes where this dump's other cards print theirs.
4. **Checks.** A line that fits nowhere is reported at its own line and stays inside its
   card; a card that lacks what the dump's other cards have (an abstract, metadata) or
   links to two papers is reported; the other cards are unaffected.
"""

from __future__ import annotations

import bisect
import enum
import re
from dataclasses import dataclass, field, fields

from ..models import Diagnostic, Entry, Level, LineKind, PartialDate, SourceRef
from .lines import MARKDOWN, PLAIN, TEXT_BROWSER, Document
from .rules import HEADER_CHROME, Kind, Side, Token

MAX_TITLE_CHARS = 400
"""Longer than any real title: a "title" this long is an abstract without its title."""


class Shape(enum.Enum):
    TITLE = "title"
    SENTENCE = "sentence"
    PROSE = "prose"


_ABBREVIATIONS = frozenset(
    {"vs", "etc", "al", "e.g", "i.e", "cf", "fig", "vol", "no", "approx", "inc", "ltd", "st"}
)
_BOUNDARY_RE = re.compile(r"(\w+)[)\]\"'”’]*\.\s+[A-Z(\[\"“]")
"""A full stop and a capital: titles ask questions (`Choose? A ...`), abstracts state."""
_CLOSERS = "\"'”’)]"
_PATH_RE = re.compile(r"[\w-]+\.[a-z]{2,}/\S")
"""A link without its scheme (`github.com/lab/code`)."""


def shape(text: str) -> Shape:
    """Titles are short and end without a full stop; abstracts are sentences."""
    if len(text) > MAX_TITLE_CHARS or text.count(" ") >= 60:
        return Shape.PROSE
    if ". " in text:
        for match in _BOUNDARY_RE.finditer(text):
            word = match[1]
            if word.casefold() not in _ABBREVIATIONS and not (len(word) == 1 and word.isupper()):
                return Shape.PROSE  # two sentences
    end = text.rstrip(_CLOSERS)
    if end.endswith(".") and end[:-1].rpartition(" ")[2].casefold() not in _ABBREVIATIONS:
        return Shape.SENTENCE
    if "://" in text or _PATH_RE.search(text):
        return Shape.SENTENCE  # titles hold no links; "Code: github.com/x/y" does
    return Shape.TITLE


@dataclass(slots=True)
class Card:
    title: Token
    strong: bool
    """The page marks the title (heading, paper link, a field above it), not only its shape."""
    pre: list[Token] = field(default_factory=list)
    body: list[Token] = field(default_factory=list)
    post: list[Token] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    paper: str | None = None
    keep: bool = True
    """False when the card is a fragment that must not become a paper."""

    @property
    def has_meta(self) -> bool:
        """Does the card show authors (or an organisation) or a date?"""
        values = self.values
        return "authors" in values or "organisation" in values or "published" in values


@dataclass(slots=True)
class Listing:
    entries: list[Entry]
    diagnostics: list[Diagnostic]
    kinds: list[LineKind]
    page_date: PartialDate | None
    query: str | None
    layout: str


class _Pass:
    """State of one run over one document (never shared between dumps)."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.kinds = [LineKind.BLANK] * len(doc.lines)
        self.diagnostics: list[Diagnostic] = []
        self.page_date: PartialDate | None = None
        self.query: str | None = None

    # --- accounting ----------------------------------------------------------------

    def mark(self, token: Token, kind: LineKind) -> None:
        if token.stop == token.start + 1:
            self.kinds[token.start] = kind
            return
        lines = self.doc.lines
        for index in range(token.start, token.stop):
            if lines[index].raw:
                self.kinds[index] = kind

    def report(self, token: Token, level: Level, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(SourceRef(self.doc.path, token.start + 1), level, message)
        )

    def unexplained(self, token: Token, why: str) -> None:
        self.mark(token, LineKind.UNEXPLAINED)
        text = token.text or self.doc.lines[token.start].raw
        self.report(token, Level.ERROR, f"unexplained line ({why}): {_clip(text)!r}")


def read_cards(doc: Document, tokens: list[Token]) -> Listing:
    run = _Pass(doc)
    items, owners = _attach_links(tokens)
    _mark_capture_header(run, items)
    items = _paragraphs(doc, items)
    titles = _find_titles(items)
    cards, gaps = _cards(items, titles)
    prefer_pre = _upvotes_above_titles(gaps, cards)
    _header(run, gaps[0], cards)
    for index, gap in enumerate(gaps[1:]):
        following = cards[index + 1] if index + 1 < len(cards) else None
        _split_gap(run, gap, cards[index], following, prefer_pre)
    for card in cards:
        _assemble(run, card)
    _check_cards(run, cards)
    for token in items:
        if token.kind is Kind.CHROME and run.kinds[token.start] is not LineKind.UNEXPLAINED:
            run.mark(token, LineKind.BOILERPLATE)
    _mark_markup(run, tokens, cards)
    for link, owner in owners:
        run.kinds[link.start] = run.kinds[owner.start] if owner else LineKind.BOILERPLATE
    entries = [_entry(doc.path, card) for card in cards if card.keep]
    return Listing(
        entries=entries,
        diagnostics=run.diagnostics,
        kinds=run.kinds,
        page_date=run.page_date,
        query=run.query or doc.query,
        layout=_layout(doc, cards),
    )


# --- 0. links and the capture tool's header ------------------------------------------


def _attach_links(tokens: list[Token]) -> tuple[list[Token], list[tuple[Token, Token | None]]]:
    """A bare URL line is the target of the link written above it (notebook exports):
    it gives that line its link, and a count linked to `#community` is a comment count."""
    markup, link = Kind.MARKUP, Kind.LINK
    if not any(token.kind is link for token in tokens):
        return [token for token in tokens if token.kind is not markup], []
    items: list[Token] = []
    owners: list[tuple[Token, Token | None]] = []
    owner: Token | None = None
    for token in tokens:
        if token.kind is Kind.MARKUP:
            continue
        if token.kind is not Kind.LINK:
            items.append(token)
            owner = token
            continue
        if owner is None or (owner.kind is not Kind.FIELD and _button(token.links[0])):
            owners.append((token, None))  # a button's target under text: not its link
            continue
        owners.append((token, owner))
        owner.links += token.links
        if owner.paper is None:
            owner.paper = token.paper
    return items, owners


def _button(url: str) -> bool:
    """The targets of the upvote button and the comment count: links of numbers."""
    return "/login?" in url or url.endswith("#community")


def _mark_capture_header(run: _Pass, items: list[Token]) -> None:
    """What a capture tool writes above the page (a provenance header, a title) comes
    before the page's own head (`new`, `Subscribe`, `Daily Papers`, ...). It is page
    chrome, unless it holds card metadata or prose (an abstract): then it is not a
    header at all."""
    lines = run.doc.lines
    position = next(
        (
            i
            for i, token in enumerate(items)
            if token.kind is Kind.CHROME and lines[token.start].key in HEADER_CHROME
        ),
        None,
    )
    if position is None:
        return
    head = items[:position]
    if any(t.kind in (Kind.FIELD, Kind.QUERY) for t in head):
        return
    if any(t.kind is Kind.TEXT and shape(t.text) is Shape.PROSE for t in head):
        return
    for token in head:
        token.kind = Kind.CHROME


# --- 1. paragraphs -------------------------------------------------------------------


def _wrapped(doc: Document) -> bool:
    """Does the capture wrap text over adjacent lines? Markdown and text browsers do; a
    plain copy does when blank lines separate its fields (the seeds: 40-50% of lines are
    blank), not when it has none (a compact copy, where each line is a field). A few
    stray blank lines must not make a compact dump join every title to its abstract."""
    if doc.format in (MARKDOWN, TEXT_BROWSER):
        return True
    lines = doc.lines
    start = 0
    while start < len(lines) and (not lines[start].raw or lines[start].key in HEADER_CHROME):
        start += 1
    blank = sum(1 for line in lines[start:] if not line.raw)
    return blank >= 0.25 * (len(lines) - start - blank)


def _paragraphs(doc: Document, items: list[Token]) -> list[Token]:
    wrapped = _wrapped(doc)
    lines = doc.lines
    markdown = doc.format == MARKDOWN
    result: list[Token] = []
    for token in items:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.kind is Kind.TEXT
            and previous.stop == token.start
            and (previous.joins_next or (wrapped and not token.heading and not previous.heading))
            and not (markdown and lines[token.start].bullet)
            and (token.kind is Kind.TEXT or _wrapped_word(token, previous))
        ):
            text = token.text or lines[token.start].text
            previous.text = f"{previous.text} {text}"
            previous.stop = token.stop
            previous.links += token.links
            previous.paper = previous.paper or token.paper
            previous.joins_next = token.joins_next
            continue
        result.append(token)
    return result


def _wrapped_word(token: Token, paragraph: Token) -> bool:
    """A line of a wrapped paragraph that a rule took on its own: a title wrapped before
    its last word (`Large Language` / `Models`), an abstract before a number (`of` / `95`).
    Only page chrome and counts, and only in the middle of a sentence (a count under a
    finished abstract is the next card's): a date, an author count or a label starts a
    new line in every layout."""
    return (
        token.stop == token.start + 1
        and token.rule in ("chrome", "count", "query")
        and not _finished(paragraph.text)
    )


# --- 2. titles -----------------------------------------------------------------------


def _find_titles(items: list[Token]) -> dict[int, bool]:
    """Positions of titles in `items`, each with whether the page marks it (strong)."""
    titles: dict[int, bool] = {}
    last_paper: str | None = None
    shapes: dict[int, Shape] = {}
    first_text = next((i for i, t in enumerate(items) if t.kind is Kind.TEXT), len(items))
    dated = (
        sum(1 for t in items[first_text:] if t.kind is Kind.FIELD and "published" in t.values) >= 2
    )  # cards end with a date (not counting the page's own date above them)

    def shape_at(i: int) -> Shape:
        if i not in shapes:
            shapes[i] = shape(items[i].text)
        return shapes[i]

    for i, token in enumerate(items):
        if token.kind is not Kind.TEXT:
            continue
        before = items[i - 1] if i else None
        after = items[i + 1] if i + 1 < len(items) else None
        strong = (
            token.heading > 0
            or (token.paper is not None and token.paper != last_paper)
            or (before is not None and _above_title(before))
        )
        if token.paper is not None:
            last_paper = token.paper
        if strong:
            titles[i] = True
            continue
        if (i - 1) in titles:
            continue  # the text right under a title is its abstract (or reported there)
        if shape_at(i) is Shape.SENTENCE:
            # A title that ends with a full stop ("Attention Is All You Need."): only at
            # the head of a card, right before prose, and short.
            if (
                (before is None or _ends_card(before))
                and after is not None
                and after.kind is Kind.TEXT
                and shape_at(i + 1) is Shape.PROSE
                and token.text.count(" ") < 25
            ):
                titles[i] = False
            continue
        if shape_at(i) is not Shape.TITLE:
            continue
        if after is not None and after.kind is Kind.TEXT and shape_at(i + 1) is not Shape.TITLE:
            if (
                dated
                and before is not None
                and before.kind is Kind.TEXT
                and shape_at(i - 1) is not Shape.TITLE
                and token.text.count(" ") < 3
            ):
                # Right under an abstract, where this dump's cards end with a date: a
                # card without metadata above a new title, or a line of the page
                # between two paragraphs of one abstract. Only a line that reads like a
                # title (four words or more) is taken for one; a short label is not.
                continue
            titles[i] = False  # a title, then its abstract
        elif (
            after is not None
            and after.kind is Kind.FIELD
            and _META_STARTS & after.values.keys()
            and (before is None or _ends_card(before))
        ):
            titles[i] = False  # a card without its abstract, right after the previous card
    return titles


_META_STARTS = frozenset({"authors", "organisation", "separator", "published"})
"""The fields that open a card's metadata under its abstract."""


def _ends_card(token: Token) -> bool:
    """Can a card end with this item, so that the next text starts a new card? The page's
    head does, and the last fields of a card (its date, comments, GitHub, arXiv link,
    upvotes below it); not the fields that come before its date (authors, `·`)."""
    if token.kind is not Kind.FIELD:
        return token.kind is not Kind.TEXT
    values = token.values
    return (
        "published" in values
        or "github_stars" in values
        or "upvotes" in values
        or "count" in values
        or token.rule == "arxiv page"
    )


def _above_title(token: Token) -> bool:
    """Fields that a page prints right above a title: an upvote count, `Submitted by`, a
    thumbnail."""
    if token.kind is not Kind.FIELD or not token.values:
        return False
    return token.side is Side.PRE or "count" in token.values or "upvotes" in token.values


# --- 3. cards ------------------------------------------------------------------------


def _cards(items: list[Token], titles: dict[int, bool]) -> tuple[list[Card], list[list[Token]]]:
    """Cards, and the gaps around them: gaps[0] is above the first card, gaps[i + 1]
    between card i's abstract and card i + 1's title (or the end)."""
    cards: list[Card] = []
    gaps: list[list[Token]] = [[]]
    for i, token in enumerate(items):
        if i in titles:
            cards.append(Card(title=token, strong=titles[i], paper=token.paper))
            gaps.append([])
        elif cards and token.kind is Kind.TEXT and not gaps[-1]:
            cards[-1].body.append(token)  # every paragraph up to the first other item
        else:
            gaps[-1].append(token)
    return cards, gaps


def _upvotes_above_titles(gaps: list[list[Token]], cards: list[Card]) -> bool:
    """Where this dump prints upvote counts: above titles (daily and search pages), or
    below abstracts (trending pages). Decided by the counts whose place is certain (in
    the page header, after `Submitted by`, before a field that only ends a card), and by
    where the page's first and last counts are: above titles, the first card has one and
    the last count is followed by a title; below abstracts, the other way round. Above,
    unless the page says otherwise."""
    above = below = 0
    shown = [False] * len(gaps)
    """Which gaps hold an upvote count (the first is above the first card)."""
    for number, gap in enumerate(gaps):
        fields = [t for t in gap if t.kind is Kind.FIELD]
        for j, token in enumerate(fields):
            if "upvotes" not in token.values and "count" not in token.values:
                continue
            if number and j and "count" in token.values and _after_date(fields, token):
                continue  # a comment count, most likely (above the first card: the page date)
            shown[number] = True
            if (number == 0 and cards) or any(t.side == Side.PRE for t in fields[:j]):
                above += 1
            elif any(t.side == Side.POST for t in fields[j + 1 :]):
                below += 1
    if len(cards) >= 2:
        if shown[0] and not shown[-1]:
            above += 1  # the first card has one above its title, the last none below
        elif not shown[0] and any(shown[1:]):
            below += 1  # the first card has none above its title, later ones do
    return above >= below


def _header(run: _Pass, gap: list[Token], cards: list[Card]) -> None:
    """Above the first card: chrome, the page date, a search query, and fields printed
    above the first title."""
    first = cards[0] if cards else None
    echoed = _query_echo(run, gap)
    for token in gap:
        if token.kind is Kind.CHROME:
            continue
        if token.kind is Kind.QUERY or token is echoed:
            run.query = run.query or token.text
            run.mark(token, LineKind.SEARCH_QUERY)
        elif token.kind is Kind.TEXT:
            run.unexplained(token, "text above the first paper")
        elif _plain_date(run.doc, token) and run.page_date is None:
            run.page_date = token.values["published"]  # type: ignore[assignment]
            run.mark(token, LineKind.PAGE_DATE)
        elif first is not None and token.side & Side.PRE:
            first.pre.append(token)
        else:
            run.unexplained(token, "metadata that belongs to no paper")


def _plain_date(doc: Document, token: Token) -> bool:
    """A date alone on its line (`Mar 19`): how a listing prints its own date."""
    return (
        token.rule == "date"
        and "comments" not in token.values
        and (
            doc.lines[token.start].key[:1].isalpha()
            and not doc.lines[token.start].key.startswith("Published")
        )
    )


def _query_echo(run: _Pass, gap: list[Token]) -> Token | None:
    """A search page's query, as the tools that keep the search box's text write it: the
    line equal to the query in the capture's URL (`?q=`). Any other text above the first
    card is not guessed to be a query: it is reported."""
    query = run.doc.query
    if query is None:
        return None
    for token in gap:
        if token.kind is Kind.TEXT and token.text.casefold() == query.casefold():
            return token
    return None


def _split_gap(
    run: _Pass, gap: list[Token], before: Card, after: Card | None, prefer_pre: bool
) -> None:
    """Split the fields between two cards: the end of `before`, the head of `after`."""
    fields = []
    lines = run.doc.lines
    new_page = False
    """A listing's head inside the dump (two pages saved into one file): the date under it
    is that page's date, not a card's."""
    for token in gap:
        if token.kind is Kind.CHROME and lines[token.start].key in HEADER_CHROME:
            new_page = True
        elif new_page and _plain_date(run.doc, token):
            run.mark(token, LineKind.PAGE_DATE)
        elif token.kind is Kind.FIELD:
            fields.append(token)
        elif token.kind is Kind.TEXT:
            run.unexplained(
                token, f"text between two papers, after {_clip(before.title.text, 40)!r}"
            )
        elif token.kind is Kind.QUERY:
            run.mark(token, LineKind.SEARCH_QUERY)
    if after is not None and all(t.side == Side.POST for t in fields):
        before.post += fields  # the usual case: authors, `·`, a date
        return
    if after is None:
        for token in fields:
            if (
                not token.side & Side.POST
                or ("count" in token.values and prefer_pre and not _after_date(fields, token))
                or (token.paper is not None and before.paper not in (None, token.paper))
            ):
                name = _field_name(token)
                run.unexplained(token, f"{name} with no paper after it")
            else:
                before.post.append(token)
        return
    lo = max((j + 1 for j, t in enumerate(fields) if not t.side & Side.PRE), default=0)
    hi = min((j for j, t in enumerate(fields) if not t.side & Side.POST), default=len(fields))
    while lo > hi:  # a field printed above titles, inside the metadata of the card before
        run.unexplained(fields[hi], f"{_field_name(fields[hi])} among the fields of one paper")
        fields.pop(hi)
        lo -= 1
        hi = min((j for j, t in enumerate(fields) if not t.side & Side.POST), default=len(fields))
    for j in range(lo if before.paper != after.paper else hi, hi):
        # a link to a paper tells whose field it is (unless the card is printed twice)
        if fields[j].paper is not None and fields[j].paper == after.paper:
            hi = j
            break
        if fields[j].paper is not None and fields[j].paper == before.paper:
            lo = j + 1
    split = lo if prefer_pre else hi
    if lo < hi and split == lo and _after_date(fields, fields[lo]) and "count" in fields[lo].values:
        # `date`, `2`, `5`, title: the count under the date is its comment count, the
        # one above the title the next card's upvotes.
        upvotes_follow = any(
            "count" in t.values or "upvotes" in t.values for t in fields[lo + 1 : hi]
        )
        if upvotes_follow or not prefer_pre:
            split = lo + 1
    before.post += fields[:split]
    after.pre += fields[split:]


def _after_date(fields: list[Token], token: Token) -> bool:
    """A count on the line after a date (with no comment count of its own)."""
    j = fields.index(token)
    if j == 0:
        return False
    previous = fields[j - 1]
    return "published" in previous.values and "comments" not in previous.values


def _field_name(token: Token) -> str:
    if "count" in token.values or "upvotes" in token.values:
        return "upvotes"
    names = [name for name in token.values if name != "thumbnail"]
    return names[0] if names else token.rule


# --- 4. fields and checks --------------------------------------------------------------


def _assemble(run: _Pass, card: Card) -> None:
    run.mark(card.title, LineKind.TITLE)
    for token in card.body:
        run.mark(token, LineKind.ABSTRACT)
    values = card.values
    kinds = run.kinds
    for token in card.pre + card.post:
        if token.stop == token.start + 1:
            kinds[token.start] = LineKind.METADATA
        else:
            run.mark(token, LineKind.METADATA)
        found = token.values
        if not found and token.rule == "submitted by":
            run.unexplained(token, "'Submitted by' with no user name after it")
            continue
        if "count" in found or "thumbnail" in found:
            found = dict(found)
            if "count" in found:
                number = found.pop("count")
                below = token in card.post
                name = "comments" if below and _after_date(card.post, token) else "upvotes"
                found[name] = number
            found.pop("thumbnail", None)
        clash = values.keys() & found.keys()
        if not clash and ("authors" in found or "organisation" in found):
            clash = values.keys() & {"authors", "organisation"}
        if clash:
            run.unexplained(token, f"a second {min(clash)} for one paper")
        elif token.paper is None or _same_paper(run, card, token):
            values.update(found)
    for token in card.body:
        if token.paper is not None:
            _same_paper(run, card, token)


def _same_paper(run: _Pass, card: Card, token: Token) -> bool:
    """Every link to a paper in one card names the same paper."""
    if token.paper is None or token.paper == card.paper:
        return True
    if card.paper is None:
        card.paper = token.paper
        return True
    run.unexplained(token, f"links to paper {token.paper}, but its card is paper {card.paper}")
    return False


def _check_body(run: _Pass, card: Card, last: bool, meta_layout: bool) -> None:
    """The abstract is every paragraph after the title. A short line after it is not
    (a title without its abstract, chrome), and under a title the page does not mark, a
    second paragraph after a finished one could be an abstract that lost its title: that
    is reported, not guessed. A paragraph that stops mid-sentence goes on in the next;
    so does prose under a card whose metadata follows it, in a dump whose cards show
    metadata (an abstract that lost its title would leave the card above without any)."""
    body = card.body
    sure = card.strong or (meta_layout and card.has_meta)
    if len(body) > 1 and shape(body[0].text) is Shape.TITLE:
        # A short line between the title and its abstract: not a paragraph of it.
        run.unexplained(body[0], f"a short line under the title {_clip(card.title.text, 40)!r}")
        del body[0]
    for position, token in enumerate(body[1:], start=1):
        kind = shape(token.text)
        if kind is Shape.TITLE or (
            not sure and (kind is Shape.SENTENCE or _finished(body[position - 1].text))
        ):
            if last and not card.post and position == len(body) - 1:
                run.mark(token, LineKind.UNEXPLAINED)
                run.report(
                    token,
                    Level.ERROR,
                    "the dump ends after a title with no abstract (capture cut off?): "
                    f"{_clip(token.text)!r}",
                )
            else:
                title = _clip(card.title.text, 40)
                why = (
                    f"a short line after the abstract of {title!r}"
                    if kind is not Shape.PROSE
                    else f"a second paragraph after the abstract of {title!r}: more of it, "
                    "or an abstract whose title is missing?"
                )
                for rest in body[position:]:
                    run.unexplained(rest, why)
            del body[position:]
            return


def _check_cards(run: _Pass, cards: list[Card]) -> None:
    with_meta = sum(1 for card in cards if card.has_meta)
    # Do this dump's cards end with metadata? (A last card without it may be cut off.)
    counted = len(cards) - (1 if cards and not cards[-1].has_meta else 0)
    meta_layout = with_meta >= 1 and with_meta * 2 >= counted
    marked = sum(1 for card in cards if card.strong)
    for number, card in enumerate(cards):
        last = number == len(cards) - 1
        if marked and not card.strong:
            # Where the page marks its titles (headings, links to the paper, an upvote
            # count above), a line it does not mark is not one, whatever its shape.
            card.keep = False
            run.unexplained(
                card.title,
                f"not marked as a title, unlike the {marked} titles of this dump "
                "(a heading, a link to the paper, an upvote count above it)",
            )
            for token in card.body:
                run.unexplained(token, "under a line that is not a title")
            continue
        _check_body(run, card, last, meta_layout)
        title = card.title.text
        if len(title) > MAX_TITLE_CHARS:
            run.report(
                card.title,
                Level.ERROR,
                f"expected a title, found {len(title)} characters of text "
                "(an abstract without its title, or a title run into its abstract)",
            )
        if "separator" in card.values and "published" not in card.values:
            separator = next(t for t in card.post if t.rule == "separator")
            run.unexplained(separator, "a '·' with no date after it")
        if not card.body and not card.has_meta:
            card.keep = False
            run.mark(card.title, LineKind.UNEXPLAINED)
            if last:
                message = "the dump ends after a title with no abstract (capture cut off?)"
            else:
                message = "a title-like line with no abstract or metadata after it"
            run.report(card.title, Level.ERROR, f"{message}: {_clip(title)!r}")
        elif last:
            _check_last(run, cards)
        elif number and not card.body and card.has_meta and _lacks_meta(cards[number - 1]):
            # `title, abstract, X, authors, date`: X took the metadata of the card above.
            card.keep = False
            run.unexplained(
                card.title,
                "between an abstract and the metadata under it: a title without its "
                "abstract, or a line not known",
            )
        elif with_meta and not card.has_meta:
            if card.body and _finished(card.body[-1].text):
                # Some cards show no metadata; the next title is a title (the page
                # marks it, or it is followed by its own abstract).
                run.report(
                    card.title,
                    Level.INFO,
                    f"no authors or date shown for this paper, unlike {with_meta} other "
                    f"papers of this dump: {_clip(title)!r}",
                )
            else:
                run.report(
                    card.title,
                    Level.ERROR,
                    f"no authors or date after this paper, unlike {with_meta} other papers "
                    "of this dump, and its abstract stops mid-sentence: is the next 'title' "
                    f"a line of the abstract? {_clip(title)!r}",
                )
        elif not card.body:
            run.report(card.title, Level.WARNING, f"title with no abstract: {_clip(title)}")


def _lacks_meta(card: Card) -> bool:
    return card.keep and bool(card.body) and not card.has_meta


def _check_last(run: _Pass, cards: list[Card]) -> None:
    """A capture cut off ends in its last card: that card must show what every other card
    of the dump shows, and its abstract must not stop in the middle of a sentence."""
    card = cards[-1]
    others = [c for c in cards[:-1] if c.keep]
    missing: list[str] = []
    shown_by = len(others)
    for name, has in (
        ("abstract", lambda c: bool(c.body)),
        ("authors", _who),
        ("date", lambda c: "published" in c.values),
    ):
        count = sum(1 for c in others if has(c))
        if not has(card) and count * 2 > len(others):
            missing.append(name)
            shown_by = min(shown_by, count)
    title = _clip(card.title.text)
    if missing:
        # Every other card shows it: surely cut off. Most do: a card may lack them (some
        # listings show no authors for a paper), so a warning, which a strict build fails.
        every = shown_by == len(others)
        run.report(
            card.title,
            Level.ERROR if every else Level.WARNING,
            f"the dump ends before this paper's {' and '.join(missing)}, which "
            + (
                "every other paper of the dump shows"
                if every
                else f"{shown_by} of the {len(others)} other papers of the dump show"
            )
            + f" (capture cut off?): {title!r}",
        )
    elif not card.body:
        run.report(card.title, Level.WARNING, f"title with no abstract: {title}")
    elif not card.post and not _finished(card.body[-1].text):
        texts = [c.body[-1].text for c in others if c.body]
        done = bool(texts) and all(_finished(text) for text in texts)
        run.report(
            card.body[-1],
            Level.ERROR if done else Level.WARNING,
            "the dump ends in the middle of a sentence (capture cut off?): "
            f"...{card.body[-1].text[-60:]!r}",
        )


def _who(card: Card) -> bool:
    return "authors" in card.values or "organisation" in card.values


_FINISHED_RE = re.compile(r"(?:[.!?)]|[\w-]+\.[a-z]{2,}/\S*|https?://\S+)[\"'”’)\]]*$")


def _finished(text: str) -> bool:
    """Does the text end like a whole abstract (a full stop, a link to its code), not in
    the middle of a sentence?"""
    return _FINISHED_RE.search(text[-300:]) is not None


def _mark_markup(run: _Pass, tokens: list[Token], cards: list[Card]) -> None:
    """Avatars, anchors and empty list items: card metadata inside a card, page chrome
    outside."""
    if not any(token.kind is Kind.MARKUP for token in tokens):
        return
    spans = []
    for card in cards:
        parts = [card.title, *card.pre, *card.body, *card.post]
        spans.append((min(t.start for t in parts), max(t.stop for t in parts)))
    spans.sort()
    starts = [start for start, _ in spans]
    for token in tokens:
        if token.kind is not Kind.MARKUP:
            continue
        at = bisect.bisect_right(starts, token.start) - 1
        inside = at >= 0 and token.start < spans[at][1]
        run.mark(token, LineKind.METADATA if inside else LineKind.BOILERPLATE)


def _entry(path: str, card: Card) -> Entry:
    values = card.values
    body = card.body
    abstract = "\n\n".join(t.text for t in body) if body else None
    return Entry(
        title=card.title.text,
        source=SourceRef(path, card.title.start + 1),
        abstract=abstract,
        abstract_source=SourceRef(path, body[0].start + 1) if body else None,
        authors=values.get("authors"),  # type: ignore[arg-type]
        organisation=values.get("organisation"),  # type: ignore[arg-type]
        published=values.get("published"),  # type: ignore[arg-type]
        comments=values.get("comments"),  # type: ignore[arg-type]
        upvotes=values.get("upvotes"),  # type: ignore[arg-type]
        github_stars=values.get("github_stars"),  # type: ignore[arg-type]
        github_repo=values.get("github"),  # type: ignore[arg-type]
        submitted_by=values.get("submitted_by"),  # type: ignore[arg-type]
        arxiv_id=card.paper,
    )


def _layout(doc: Document, cards: list[Card]) -> str:
    if any(card.has_meta for card in cards):
        cards_kind = "cards with metadata"
    else:
        cards_kind = "title and abstract pairs"
    if doc.format == PLAIN and not any(not line.raw for line in doc.lines):
        cards_kind = "compact (no blank lines)"
    return cards_kind if doc.format == PLAIN else f"{doc.format}, {cards_kind}"


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
