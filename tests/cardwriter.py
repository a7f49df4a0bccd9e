"""Write paper cards as each capture tool would save a Hugging Face Papers listing.

The round-trip property test (`test_parse_roundtrip.py`) draws cards from the seed
corpus, writes them in one of these layouts with random page chrome, wrapping,
indentation, missing optional fields and line endings, and checks that the parser gives
back exactly the cards that were written. Each layout writes only what its tool keeps
(a browser copy has no links, so no arXiv id), and `expected` says what a reader of the
written page would write down.
"""

from __future__ import annotations

import random
import re
import textwrap
from dataclasses import dataclass, replace
from urllib.parse import quote

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Card:
    title: str
    abstract: str | None
    """Paragraphs separated by a blank line."""
    authors: int | None = None
    organisation: str | None = None
    published: tuple[int, int, int | None] | None = None
    """(month, day, year or None)."""
    comments: int | None = None
    upvotes: int | None = None
    github_stars: int | None = None
    github: str | None = None
    submitted_by: str | None = None
    arxiv_id: str | None = None

    def record(self) -> dict[str, object]:
        month, day, year = self.published or (0, 0, None)
        published = None
        if self.published:
            published = f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        return {
            "title": self.title,
            "abstract": self.abstract,
            "authors": self.authors,
            "organisation": self.organisation,
            "published": published,
            "upvotes": self.upvotes,
            "comments": self.comments,
            "github_stars": self.github_stars,
            "github": self.github,
            "submitted_by": self.submitted_by,
            "arxiv_id": self.arxiv_id,
        }


HF = "https://huggingface.co"


def login(card: Card) -> str:
    """The upvote button's target."""
    return f"{HF}/login?next=%2Fpapers%2F{card.arxiv_id}"


def date_text(card: Card) -> str:
    month, day, year = card.published  # type: ignore[misc]
    return f"{MONTHS[month - 1]} {day}" + (f", {year}" if year else "")


def stars_text(stars: int) -> str:
    """As the page prints them: `312`, `1.32k`, `110k` (so exact values round-trip)."""
    if stars < 1000:
        return str(stars)
    text = f"{stars / 1000:.2f}".rstrip("0").rstrip(".")
    return f"{text}k"


@dataclass
class Page:
    """A written dump and what the parser must find in it."""

    text: str
    expected: list[dict[str, object]]
    card_lines: list[tuple[int, int]]
    """1-based first and last line of each card, in the text before line endings change."""
    layout: str


class Writer:
    """Collects lines and remembers where each card starts and ends."""

    def __init__(self, rng: random.Random, blank: str = "\n") -> None:
        self.rng = rng
        self.lines: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self._start = 0

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.extend(line.split("\n"))

    def gap(self, count: int = 1) -> None:
        self.lines.extend([""] * count)

    def begin(self) -> None:
        self._start = len(self.lines) + 1

    def end(self) -> None:
        last = len(self.lines)
        while last > self._start and not self.lines[last - 1].strip():
            last -= 1
        self.spans.append((self._start, last))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


HEADER = [
    "new",
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]
NAV = ["Hugging Face", "Models", "Datasets", "Spaces", "Docs", "Enterprise", "Pricing", "Log In"]
FOOTER = ["Previous", "System theme", "Company", "TOS", "Privacy", "About", "Careers", "Website"]


def _chrome(rng: random.Random, lines: list[str]) -> list[str]:
    return [line for line in lines if rng.random() < 0.7] or lines[:1]


# --- plain browser copies ------------------------------------------------------------


def pairs(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """Seed layout 1: title / abstract, blank-line separated (abstracts one paragraph)."""
    w = Writer(rng)
    for line in _chrome(rng, HEADER):
        w.add(line)
        w.gap()
    if rng.random() < 0.5:
        w.add(f"{MONTHS[rng.randrange(12)]} {rng.randint(1, 28)}")
        w.gap()
    kept = []
    for card in cards:
        card = Card(title=card.title, abstract=_one_paragraph(card.abstract))
        w.begin()
        w.add(card.title)
        w.gap()
        w.add(card.abstract)  # type: ignore[arg-type]
        w.gap()
        w.end()
        kept.append(card)
    return w, kept


def compact(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """Seed layout 3: no blank lines, `Subscribe` glued to the first title."""
    w = Writer(rng)
    w.add("Get trending papers in your email inbox once a day!")
    w.add("Get trending papers in your email inbox!")
    kept = []
    for number, card in enumerate(cards):
        card = Card(title=card.title, abstract=_one_paragraph(card.abstract))
        w.begin()
        w.add(("Subscribe" if number == 0 else "") + card.title)
        w.add(card.abstract)  # type: ignore[arg-type]
        w.end()
        kept.append(card)
    return w, kept


def metadata_cards(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """Seed layout 2, and its variants: `• N authors` or an organisation, `·`, the date
    (with the comment count after it), or all of it on one line. Abstracts keep their
    paragraphs where two cards or more show metadata that closes them."""
    w = Writer(rng)
    paragraphs = len(cards) >= 2
    for line in _chrome(rng, NAV) if rng.random() < 0.3 else []:
        w.add(line)
    for line in _chrome(rng, HEADER):
        w.add(line)
        w.gap()
    w.add(f"{MONTHS[rng.randrange(12)]} {rng.randint(1, 28)}")
    w.gap()
    bullet = rng.choice(["  • ", "• ", "* ", "- ", "  * "])
    one_line = rng.random() < 0.3
    kept = []
    for card in cards:
        card = replace(
            card,
            abstract=card.abstract if paragraphs else _one_paragraph(card.abstract),
            arxiv_id=None,
            upvotes=None,
            github=None,
            github_stars=None,
            submitted_by=None,
        )
        w.begin()
        w.add(card.title)
        w.gap()
        w.add(card.abstract)  # type: ignore[arg-type]
        w.gap()
        who = (
            f"{bullet}{card.authors} authors"
            if card.organisation is None
            else f"{card.organisation}"
        )
        when = date_text(card) + (f" {card.comments}" if card.comments is not None else "")
        if one_line:
            w.add(f"{who.rstrip()} · {when}")
        else:
            w.add(who, "·", when)
        w.gap()
        w.end()
        kept.append(card)
    return w, kept


def daily(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """A newer daily or trending page copied from a browser: `Submitted by`, the upvote
    count above the title, `· Published on`, `GitHub 1.32k`, `arXiv Page`."""
    w = Writer(rng)
    w.add("Daily Papers", "byAK and the research community", "Daily", "Weekly", "Monthly")
    w.gap()
    labelled = rng.choice(["Upvote {n}", "Upvote\n{n}", "{n}"])
    kept = []
    for card in cards:
        card = replace(card, abstract=_one_paragraph(card.abstract), arxiv_id=None, github=None)
        if card.upvotes is None:
            card = replace(card, upvotes=0)
        w.begin()
        if card.submitted_by is not None:
            w.add(
                *rng.choice(
                    [["Submitted by", card.submitted_by], ["Submitted by " + card.submitted_by]]
                )
            )
        count = "-" if card.upvotes == 0 and rng.random() < 0.5 else str(card.upvotes)
        w.add(*labelled.format(n=count).split("\n"))
        w.add(card.title, card.abstract)  # type: ignore[arg-type]
        w.add(f"  • {card.authors} authors" if card.organisation is None else card.organisation)
        if rng.random() < 0.5:
            w.add(f"· Published on {date_text(card)}")
            card = replace(card, comments=None)
        else:
            w.add("·", date_text(card) + (f" {card.comments}" if card.comments is not None else ""))
        if card.github_stars is not None:
            w.add(f"GitHub {stars_text(card.github_stars)}")
        w.add("arXiv Page")
        w.end()
        w.gap()
        kept.append(card)
    return w, kept


# --- text browsers ----------------------------------------------------------------------


def lynx(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """`lynx -dump`: indented, hard-wrapped, `* N authors`, `[N]` marks for links with
    the URLs listed under `References` at the end."""
    w = Writer(rng)
    width = rng.randint(50, 120)
    indent = " " * rng.choice([0, 3])
    refs: list[str] = []

    def ref(url: str) -> str:
        refs.append(url)
        return f"[{len(refs)}]"

    w.add(f"{indent}{ref('https://huggingface.co/')}Hugging Face")
    for item in ["Models", "Datasets", "Spaces"]:
        w.add(f"{indent}  * {ref('https://huggingface.co/' + item.lower())}{item}")
    w.gap()
    w.add(f"{indent}new", "", f"{indent}Get trending papers in your email inbox!", "")
    w.add(f"{indent}{ref('https://huggingface.co/login')}Subscribe", "")
    kept = []
    for card in cards:
        card = replace(
            card,
            abstract=_one_paragraph(card.abstract),
            upvotes=None,
            github=None,
            github_stars=None,
            submitted_by=None,
            organisation=None,
            authors=card.authors or 1,
        )
        w.begin()
        title = ref(f"https://huggingface.co/papers/{card.arxiv_id}") + card.title
        w.add(
            *textwrap.wrap(
                title,
                width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
        w.gap()
        w.add(
            *textwrap.wrap(
                card.abstract,  # type: ignore[arg-type]
                width,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
                break_long_words=False,
            )
        )
        w.gap()
        w.add(f"{indent}  * {card.authors} authors", f"{indent}·")
        w.add(indent + date_text(card) + (f" {card.comments}" if card.comments is not None else ""))
        w.gap()
        w.end()
        kept.append(card)
    w.add("References", "")
    w.add(*(f"{number:4d}. {url}" for number, url in enumerate(refs, start=1)))
    return w, kept


# --- Markdown ---------------------------------------------------------------------------


def _md(text: str) -> str:
    """Markdown-escape text as HTML-to-Markdown converters do."""
    for char in "\\[]*_`#":
        text = text.replace(char, "\\" + char)
    return text


def _md_lines(lines: list[str]) -> list[str]:
    """A line that would start a list item or a heading is escaped (`\\- by`)."""
    escaped = []
    for line in lines:
        if line[:1] in "-+#":
            line = "\\" + line
        elif (match := re.match(r"\d+\. ", line)) is not None:
            line = line[: match.end() - 2] + "\\. " + line[match.end() :]
        escaped.append(line)
    return escaped


def firecrawl(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """firecrawl's Markdown of a search or daily page (like the real capture)."""
    w = Writer(rng)
    query = rng.choice(["source citations", "mixture of experts", None])
    url = "https://huggingface.co/papers" + (f"?q={quote(query)}" if query else "")
    w.add("---", f"url: {url}", "retrieved: 2026-10-02", "title: Daily Papers - Hugging Face")
    w.add("---", "new", "", "Get trending papers in your email inbox!", "")
    w.add("[Subscribe](https://huggingface.co/login?next=%2Fpapers)", "", "# Daily Papers", "")
    w.add(f"## by [![]({HF}/x.png)AK]({HF}/akhaliq) and the research community")
    w.add(
        "",
        "- Daily",
        "- Weekly",
        "- Monthly",
        "",
        "[Trending Papers](https://huggingface.co/papers/trending)",
        "",
    )
    w.add("Oct 2", "")
    wrap = rng.random() < 0.5
    kept = []
    for card in cards:
        card = replace(card, github=None, github_stars=None, submitted_by=None)
        if card.upvotes is None:
            card = replace(card, upvotes=0)
        paper = f"https://huggingface.co/papers/{card.arxiv_id}"
        login = f"https://huggingface.co/login?next=%2Fpapers%2F{card.arxiv_id}"
        w.begin()
        w.add(f"[{card.upvotes or '-'}]({login})", "")
        w.add(f"### [{_md(card.title)}]({paper})", "")
        if card.abstract is not None:
            paragraphs = card.abstract.split("\n\n")
            for number, paragraph in enumerate(paragraphs):
                lines = _md_lines(
                    textwrap.wrap(
                        _md(paragraph), 80, break_on_hyphens=False, break_long_words=False
                    )
                    if wrap
                    else [_md(paragraph)]
                )
                text = "\\\\\n".join(lines)
                if number == 0:
                    text = "[" + text
                if number == len(paragraphs) - 1:
                    text += f"]({paper})"
                w.add(text, "")
        if card.organisation is None:
            avatars = ["- ![](https://huggingface.co/avatars/a.svg)\\\\"] * rng.randint(0, 3)
            lines = [*avatars, f"- {card.authors} authors]({paper})"]
            lines[0] = "[" + lines[0]
            w.add(*lines, "")
        else:
            w.add(
                f"[![org](https://cdn/x.png){_md(card.organisation)}](https://huggingface.co/org)",
                "",
            )
        w.add("·", "")
        comments = f"[{card.comments}]({paper}#community)" if card.comments is not None else ""
        w.add(date_text(card) + rng.choice(["", " "]) * bool(comments) + comments, "")
        w.end()
        kept.append(card)
    w.add("[Previous](https://huggingface.co/papers/date/2026-10-01)", "")
    w.add("Trending Papers ranked by GitHub stars activity")
    return w, kept


def notebook(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """A notebook's "web page" export: link targets on their own line, ` [-] N`."""
    w = Writer(rng)
    w.add("---", 'title: "Daily Papers - Hugging Face"', "type: web_page", "---", "")
    for item in ["Models", "Datasets", "Spaces"]:
        w.add(item, "", f"https://huggingface.co/{item.lower()}", "")
    w.add("new", "", "Get trending papers in your email inbox!", "", "Subscribe", "")
    w.add(
        "https://huggingface.co/login?next=%2Fpapers", "", "Daily Papers", "", "by ", "", "AK", ""
    )
    w.add("https://huggingface.co/akhaliq", "", " and the research community", "", "Mar 25", "")
    kept = []
    for card in cards:
        card = replace(
            card,
            abstract=_one_paragraph(card.abstract),
            github=None,
            github_stars=None,
            submitted_by=None,
        )
        if card.upvotes is None:
            card = replace(card, upvotes=0)
        paper = f"https://huggingface.co/papers/{card.arxiv_id}"
        w.begin()
        w.add(
            f" [-] {card.upvotes or '-'}",
            "",
            f"https://huggingface.co/login?next=%2Fpapers%2F{card.arxiv_id}",
            "",
        )
        w.add(card.title, "", paper, "")
        if card.abstract is not None:
            w.add(card.abstract, "", paper, "")
        if card.organisation is None:
            w.add("[", "", f"{card.authors} authors]({paper})", "")
        else:
            w.add(" ", "", paper, "", f" {card.organisation}", "", "https://huggingface.co/org", "")
        w.add("·", "", date_text(card) + " ", "")
        if card.comments is not None:
            w.add(str(card.comments), "", f"{paper}#community", "")
        w.end()
        kept.append(card)
    w.add(
        "Previous",
        "",
        "https://huggingface.co/papers/date/2026-03-24",
        "",
        "System theme",
        "",
        "TOS",
        "",
    )
    return w, kept


def trending_md(cards: list[Card], rng: random.Random) -> tuple[Writer, list[Card]]:
    """An HTML-to-text script's trending page (like the real capture): thumbnail,
    `Submitted by` + avatar + user, anchors, `[Org](…) · Published on …`,
    `[Upvote` / `N](…)`, `[GitHub N](…) [arXiv Page](…)`; each card may be printed twice."""
    w = Writer(rng)
    w.add(
        "# Hugging Face - 2026 - Trending Papers",
        "",
        "- Source URL: https://huggingface.co/papers/trending",
    )
    w.add("", "## Extracted Text", "", '<a id="source-section-0"></a>', "", "new", "", "")
    w.add(
        "[Subscribe](https://huggingface.co/login?next=%2Fpapers)",
        "",
        "# Trending Papers",
        "",
        "-",
        "",
        "-",
        "",
        "",
    )
    twice = rng.random() < 0.5
    kept = []
    for number, card in enumerate(cards):
        card = replace(card, abstract=_one_paragraph(card.abstract), comments=None)
        if card.upvotes is None:
            card = replace(card, upvotes=rng.randint(1, 500))
        paper = f"https://huggingface.co/papers/{card.arxiv_id}"
        for _ in range(2 if twice else 1):
            w.begin()
            if number or rng.random() < 0.5:
                w.add(f"[[图片：无替代文本]]({paper})", "")
            if card.submitted_by is not None:
                w.add("Submitted by", "", "[图片：无替代文本]", "", card.submitted_by, "", "")
            w.add(f'<a id="source-section-{number}"></a>', "")
            w.add(f"### [{_md(card.title)}]({paper})", "", "")
            if card.abstract is not None:
                w.add(card.abstract, "", "")
            when = "· Published on " + date_text(card)
            if card.organisation is None:
                w.add(
                    "-",
                    "",
                    "- [图片：无替代文本]",
                    "",
                    f"- {card.authors} authors",
                    "",
                    when,
                    "",
                    "",
                )
            else:
                w.add(
                    f"[[图片：x] {_md(card.organisation)}](https://huggingface.co/org) {when}",
                    "",
                    "",
                )
            w.add(
                "[Upvote",
                "",
                f"{card.upvotes}](https://huggingface.co/login?next=%2Fpapers%2F{card.arxiv_id})",
                "",
            )
            if card.github_stars is not None:
                w.add(
                    f"[GitHub {stars_text(card.github_stars)}]({card.github}) [arXiv Page](https://arxiv.org/abs/{card.arxiv_id})",
                    "",
                    "",
                )
            w.end()
            kept.append(card if card.github_stars is not None else replace(card, github=None))
    return w, kept


LAYOUTS = {
    "pairs": pairs,
    "compact": compact,
    "metadata cards": metadata_cards,
    "daily": daily,
    "lynx": lynx,
    "firecrawl": firecrawl,
    "notebook": notebook,
    "trending markdown": trending_md,
}


def _one_paragraph(abstract: str | None) -> str | None:
    return None if abstract is None else abstract.replace("\n\n", " ")


def write(layout: str, cards: list[Card], rng: random.Random) -> Page:
    writer, kept = LAYOUTS[layout](cards, rng)
    return Page(
        text=writer.text(),
        expected=[card.record() for card in kept],
        card_lines=writer.spans,
        layout=layout,
    )
