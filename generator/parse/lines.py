"""The capture layer: the physical lines of a dump, as the tool that saved the page wrote
them, to clean lines a reader would see.

People save a Hugging Face Papers page with many tools, and each writes the same page
differently:

- a browser's select-all copy: plain text, one field per line (the seed layouts);
- Markdown from crawlers and web clippers (firecrawl, Jina Reader, Obsidian Web Clipper,
  MarkDownload, HTML-to-text scripts): YAML front matter or a provenance header,
  headings, `[text](url)` links (also spanning several lines: `[Upvote` ... `117](url)`),
  images and avatars, backslash escapes, `\\` hard line breaks;
- notebook "web page" exports: Markdown whose link targets sit on their own line after
  the link text;
- text browsers (lynx, w3m): indented, hard-wrapped text, `*` bullets, and with lynx,
  `[12]` reference marks whose URLs are listed under `References` at the end.

`read_document` detects which of these a dump is and turns every physical line into one
`Line`: its clean text, the URLs it links to, and the few markup facts the rules need
(heading, bullet, whether the next line continues it). It never drops a line: line i of
the document is line i of the dump, so every diagnostic keeps its `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

PLAIN = "plain text"
MARKDOWN = "Markdown"
TEXT_BROWSER = "text browser"


@dataclass(slots=True)
class Line:
    """One physical line of a dump, as a reader of the saved page would see it."""

    raw: str
    """The line as written, without its line ending and surrounding whitespace."""
    text: str
    """Markup removed (in Markdown captures), every run of whitespace one space."""
    key: str
    """`text` without a leading list bullet: what the rules compare."""
    links: tuple[str, ...] = ()
    """URLs the line links to: its own links, or a lynx reference mark's URL."""
    heading: int = 0
    """Markdown heading level, 0 when the line is not a heading."""
    bullet: bool = False
    joins_next: bool = False
    """The next line continues this one: an open link span or a hard line break."""
    url_only: bool = False
    """The line is one bare URL: notebook exports put a link's target on its own line."""
    markup_only: bool = False
    """Something was written, but nothing readable is left (an image, an anchor, `[`)."""
    opens: bool = False
    """A Markdown link starts here and goes on below (`[Upvote`)."""
    closes: bool = False
    """A Markdown link that began above ends here (`117](url)`)."""


@dataclass(slots=True)
class Document:
    path: str
    lines: list[Line]
    format: str
    header: range = range(0)
    """Lines of the capture tool's own header: YAML front matter, or a lynx link list."""
    references: range = range(0)
    """A text browser's numbered link list at the end (`References`)."""
    meta: dict[str, str] = field(default_factory=dict)
    """Front matter keys (`url`, `title`, `retrieved`, ...), as written."""
    notes: list[tuple[int, bool, str]] = field(default_factory=list)
    """What is wrong with the capture as a whole: (line index, is it an error, message)."""

    @property
    def page_url(self) -> str | None:
        for key in ("url", "source", "source_url", "URL Source", "Source URL"):
            value = self.meta.get(key, "")
            if value.startswith(("http://", "https://")):
                return value
        return None

    @property
    def query(self) -> str | None:
        """The search query in the page's URL, when the capture names its URL."""
        url = self.page_url
        if url is None:
            return None
        values = parse_qs(urlsplit(url).query).get("q")
        return values[0].strip() if values and values[0].strip() else None


def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: a final newline does not start another line."""
    lines = text.split("\n")
    if lines and lines[-1] == "" and text.endswith("\n"):
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


_URL_ONLY_RE = re.compile(r"^<?(https?://[^\s<>\[\]\\]+)>?$")
_MARKDOWN_RE = re.compile(
    r"#{1,6} \S|(?:[-*] )?\[[^\]]*\]\((?:https?:|/|#)|[-*] \[|\[.*\\$|[^\[]*\]\((?:https?:|/)"
)
_HEAD_URL_RE = re.compile(
    r"^(?:[-*] |# )?\**(?i:url|source|source[ _-]url|url source)\**\s*:\**\s*<?(https?://[^\s>]+)"
)
_FRONT_KEY_RE = re.compile(r"^([A-Za-z_][\w -]*?)\s*:\s*(.*)$")
_REFERENCE_RE = re.compile(r"^\s*(\d+)\.\s+(\S+)\s*$")
_LYNX_MARK_RE = re.compile(r"(?:^|(?<=\s))\[(\d+)\](?=[\w\-\[])")
"""lynx's mark before a link's text (`[12]Title`, `by [17]AK`), not `sqrt[3]{n}` or a
citation `[3].` in an abstract."""
_LINE_MARK_RE = re.compile(r"^(?:[*+-] )?\[\d+\][\w\-\[]")

# Markdown, in the order it is taken apart. `\[` and `\]` stand in as private-use
# characters while links are read, so that `[\[Citation needed\] Data](url)` is one link.
_ESCAPED_OPEN, _ESCAPED_CLOSE = "\ue000", "\ue001"
_ANCHOR_RE = re.compile(r"^(?:<a\s[^<>]*>\s*</a>|<br\s*/?>|<!--.*-->)$", re.IGNORECASE)
_HEADING_RE = re.compile(r"^(#{1,6})(?:\s+|$)(.*?)(?:\s+#+)?$")
_URL = r"<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?"
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\]\(\s*" + _URL + r"\s*\)")
# Image placeholders that HTML-to-text scripts write where an image was: `[图片：alt]`
# ("image: alt"), `[Image: alt]`, `[IMG]`; and the empty box of a checkbox widget.
_PLACEHOLDER_RE = re.compile(
    r"\[(?:(?:图片|圖片|Image|image|IMG|img)(?:\s*\d*\s*[：:][^\[\]]*)?|\s*)\](?!\()"
)
_LINK_RE = re.compile(r"\[([^\[\]]*)\]\(\s*" + _URL + r"\s*\)")
_GLUED_LINKS_RE = re.compile(r"\)\[(?=[^\[\]]*\]\()")
_CLOSE_RE = re.compile(r"^([^\[]*)\]\(\s*" + _URL + r"\s*\)")
_BOLD_RE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ESCAPE_RE = re.compile(r"\\([\\!-/:-@\[-`{-~ ])")
_ESCAPES_RE = re.compile(r"\\[\[\]_*#.`\-\\]")
"""Escapes only an HTML-to-Markdown converter writes (`\\_`, `\\[`, `2024\\.`, a
double backslash ending a line). Tools that write a page's text into Markdown without
escaping it (notebook exports, some scripts) leave a backslash as it is."""
_BULLET_RE = re.compile(r"^([-*+•])\s+(?=\S)")
_ITEM_STARTS = frozenset({"- ", "* ", "+ "})
"""A list bullet before some text. A lone `-` stays as it is: on its own it is an empty
list item (an avatar) or a zero upvote count, and only its neighbours tell which."""


def read_document(text: str, path: str) -> Document:
    raw_lines = split_lines(text.removeprefix("\ufeff"))
    stripped = [line.strip() for line in raw_lines]
    header, meta = _front_matter(stripped)
    if "url" not in meta:  # a crawler's own header: `**URL:** …`, `SOURCE-URL: …`
        for head_line in stripped[:15]:
            found = _HEAD_URL_RE.match(head_line)
            if found is not None:
                meta["url"] = found[1]
                break
    references, targets = _references(stripped)
    notes: list[tuple[int, bool, str]] = []
    marked = [i for i, line in enumerate(stripped) if "[" in line[:3] and _LINE_MARK_RE.match(line)]
    if not targets and len(marked) >= 3:
        notes.append(
            (
                marked[0],
                False,
                "a text browser's link marks ([12]) but no list of their links "
                "('References') at the end: the papers' links are lost (capture cut off?)",
            )
        )
    if targets or len(marked) >= 3:
        fmt = TEXT_BROWSER
    elif header or _is_markdown(text, stripped):
        fmt = MARKDOWN
    else:
        fmt = PLAIN
    escaped = fmt == MARKDOWN and _ESCAPES_RE.search(text) is not None
    lines: list[Line] = []
    continued = False
    opened: int | None = None
    """The line where a Markdown link that is not closed yet began (`[Upvote` ... `](`)."""
    if fmt == PLAIN and not header:  # the common case, and most of a large corpus
        blank = _BLANK
        return Document(
            path,
            [_plain_line(raw, targets, False) if raw else blank for raw in stripped],
            fmt,
            header,
            references,
            meta,
            notes,
        )
    for index, raw in enumerate(stripped):
        if not raw:
            line = _BLANK
        elif index in header or index in references:
            line = Line(raw, raw, raw, markup_only=True)
        elif fmt == MARKDOWN:
            line = _markdown_line(raw, continued, escaped)
            if line.opens:
                opened = index
            elif line.closes:
                opened = None
            if "](" in line.text:
                notes.append((index, True, "a Markdown link that does not close here"))
        else:
            line = _plain_line(raw, targets, fmt == TEXT_BROWSER)
        continued = line.joins_next
        lines.append(line)
    if opened is not None:
        notes.append(
            (opened, True, "a Markdown link opens here and never closes (capture cut off?)")
        )
    return Document(path, lines, fmt, header, references, meta, notes)


_BLANK = Line("", "", "")


def _is_markdown(text: str, stripped: list[str]) -> bool:
    """Does the capture write its page in Markdown? Two lines that start with Markdown
    structure: a heading, a link (`[Title](https://…)`, `[101](/login…)`), a linked list
    item, a link opened on one line and closed on a later one (`[Upvote` … `117](…)`).
    A plain copy whose abstract mentions `[a link](…)` stays plain text."""
    if "](" not in text and "#" not in text:
        return False
    found = 0
    for line in stripped:
        if line[:1] in "#[-*0123456789" and _MARKDOWN_RE.match(line):
            found += 1
            if found == 2:
                return True
    return False


def _front_matter(stripped: list[str]) -> tuple[range, dict[str, str]]:
    """YAML front matter: `---` on the first line, closed by `---` within 100 lines; or
    Jina Reader's header (`Title:`, `URL Source:`, ... `Markdown Content:`)."""
    if stripped[:1] and stripped[0].startswith("Title: "):
        return _jina_header(stripped)
    if stripped[:1] and stripped[0].startswith("# "):
        return _crawler_header(stripped)
    if not stripped or stripped[0] != "---":
        return range(0), {}
    for end in range(1, min(len(stripped), 100)):
        if stripped[end] == "---":
            break
    else:
        return range(0), {}
    meta: dict[str, str] = {}
    for line in stripped[1:end]:
        match = _FRONT_KEY_RE.match(line)
        if match and not line.startswith("-"):
            meta.setdefault(match[1], match[2].strip().strip("\"'"))
    return range(end + 1), meta


def _crawler_header(stripped: list[str]) -> tuple[range, dict[str, str]]:
    """`# <label>`, `**URL:** …`, `**Page Title:** …`, then a line of dashes: a crawler's
    header (the label is its own name for the page, not the page's)."""
    meta: dict[str, str] = {}
    for end, line in enumerate(stripped[1:12], start=1):
        if line and set(line) == {"-"} and len(line) >= 3:
            return (range(end + 1), meta) if meta else (range(0), {})
        match = _BOLD_KEY_RE.match(line)
        if match is None:
            break
        meta.setdefault(match[1].casefold().replace(" ", "_"), match[2].strip())
    return range(0), {}


_BOLD_KEY_RE = re.compile(r"^\*\*([A-Za-z][\w ]*?):\*\*\s*(.*)$")


def _jina_header(stripped: list[str]) -> tuple[range, dict[str, str]]:
    meta: dict[str, str] = {}
    for end, line in enumerate(stripped[:20]):
        if line == "Markdown Content:":
            return (range(end + 1), meta) if "URL Source" in meta else (range(0), {})
        match = _FRONT_KEY_RE.match(line)
        if line and match is None:
            break
        if match is not None:
            meta.setdefault(match[1], match[2].strip())
    return range(0), {}


def _references(stripped: list[str]) -> tuple[range, dict[int, str]]:
    """A lynx dump's link list: `References` (or `Visible links`), then `N. URL` lines."""
    for start in range(len(stripped) - 1, -1, -1):
        if stripped[start] in ("References", "Visible links", "Visible links:"):
            break
    else:
        return range(0), {}
    targets: dict[int, str] = {}
    end = start + 1
    for end in range(start + 1, len(stripped)):
        line = stripped[end]
        if not line or line in ("Hidden links:", "Hidden links"):
            continue
        match = _REFERENCE_RE.match(line)
        if match is None:
            return range(0), {}  # prose after the list: not a link list
        targets[int(match[1])] = match[2]
    return (range(start, end + 1), targets) if targets else (range(0), {})


def _plain_line(raw: str, targets: dict[int, str], marks: bool) -> Line:
    """`marks`: a text browser's dump, whose `[12]` marks link the text after them to
    `targets[12]` (lost, when the dump was cut before its list of links)."""
    text = raw if "  " not in raw and raw.isprintable() else " ".join(raw.split())
    links: list[str] = []
    if marks and "[" in text:

        def mark(match: re.Match[str]) -> str:
            url = targets.get(int(match[1]))
            if url is not None:
                links.append(url)
            elif targets:
                return match[0]  # not a mark: no link has this number
            return ""

        text = _LYNX_MARK_RE.sub(mark, text).strip()
        if not text:
            return Line(raw, "", "", tuple(links), markup_only=True)
    if text.startswith(("http", "<http")) and (url := _URL_ONLY_RE.match(text)):
        return Line(raw, text, text, (url[1],), url_only=True)
    bullet = _BULLET_RE.match(text) if text[0] in "-*+•" else None
    if bullet is not None:
        # The rules read the item (`6 authors`); as text the line keeps its dash, which
        # may be a wrapped paragraph's (`scale-invariance` / `- the ability to ...`).
        key = text[bullet.end() :]
        return Line(raw, text, key, tuple(links), bullet=True, markup_only=not key)
    return Line(raw, text, text, tuple(links))


_RULE_RE = re.compile(r"^(?:[=]{3,}|[-]{3,}|(?:[-*_] ?){3,}|[*-] +(?:[-*_] ?){3,})$")
"""A setext heading's underline (`====`), a horizontal rule (`---`, `* * *`), also as a
list item (`*   * * *`)."""


def _markdown_line(raw: str, continued: bool, escaped: bool) -> Line:
    """`continued`: the line above goes on here (a link span or a hard break is open).
    `escaped`: the capture escapes Markdown's characters (`\\_`): a backslash and a
    punctuation character mean that character."""
    if _ANCHOR_RE.match(raw) or _RULE_RE.match(raw):
        return Line(raw, "", "", markup_only=True)
    url = None if continued else _URL_ONLY_RE.match(raw)
    if url is not None:
        return Line(raw, url[1], url[1], (url[1],), url_only=True)
    text = raw
    if escaped:
        text = text.replace("\\[", _ESCAPED_OPEN).replace("\\]", _ESCAPED_CLOSE)
    heading = 0
    match = _HEADING_RE.match(text)
    if match is not None:
        heading, text = len(match[1]), match[2]
    links: list[str] = []
    joins_next = opens = closes = False
    if "[" in text or "]" in text:
        text = _IMAGE_RE.sub("", text)
        text = _PLACEHOLDER_RE.sub("", text)
        close = _CLOSE_RE.match(text)
        if close is not None:  # the end of a link opened on a line above
            links.append(close[2])
            text = close[1] + " " + text[close.end() :]
            closes = True
        text, found = _replace_links(text)
        links += found
        if text.lstrip().startswith("[") and "]" not in text:
            text = text.lstrip()[1:]  # a link that goes on below: `[Upvote`, `[`
            joins_next = opens = True
    if text.endswith("\\"):
        text = text.rstrip("\\")  # `\` or `\\` at the end: a hard line break
        joins_next = True
    text = text.strip()
    bullet_match = _BULLET_RE.match(text)  # before escapes are read: `\- x` is not a list item
    bullet = bullet_match is not None
    if bullet_match is not None:
        text = text[bullet_match.end() :]
    elif raw[:2] in _ITEM_STARTS and not continued:
        bullet = True  # a list item whose content was an image: `- [图片]`, `* ![](a.png)`
    if "**" in text or "__" in text:
        text = _BOLD_RE.sub(lambda m: m[1] or m[2], text)
    if escaped:
        text = _ESCAPE_RE.sub(r"\1", text)
        text = text.replace(_ESCAPED_OPEN, "[").replace(_ESCAPED_CLOSE, "]")
    key = " ".join(text.split())
    return Line(
        raw,
        key,
        key,
        tuple(links),
        heading=heading,
        bullet=bullet,
        joins_next=joins_next,
        opens=opens,
        closes=closes,
        markup_only=not key,
    )


def _replace_links(text: str) -> tuple[str, list[str]]:
    """`[text](url)` → `text`, innermost first (`[[img] Org](url)` nests), with a space
    where a link was glued to a word (`May 29[6](…#community)` is a date and a count)."""
    links: list[str] = []

    def replace(match: re.Match[str]) -> str:
        links.append(match[2])
        inner = match[1]
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        if before.isalnum() and inner[:1].isalnum():
            inner = " " + inner
        if after.isalnum() and inner[-1:].isalnum():
            inner += " "
        return inner

    text = _GLUED_LINKS_RE.sub(") [", text)  # `[GitHub 2.4k](…)[arXiv Page](…)`
    for _ in range(3):
        text, count = _LINK_RE.subn(replace, text)
        if not count:
            break
    return text, links


_PAPER_ID_RE = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d.])")


def paper_id(url: str) -> str | None:
    """The arXiv id a link names: a Hugging Face paper page (`/papers/2606.00683`, also
    behind a login or with `#community`), an arXiv abstract or PDF."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    path = unquote(parts.path)
    if host in ("", "huggingface.co", "www.huggingface.co"):
        if path.startswith("/papers/"):
            match = _PAPER_ID_RE.fullmatch(path[len("/papers/") :].rstrip("/"))
            return match[1] if match else None
        if path == "/login":
            target = parse_qs(parts.query).get("next", [""])[0]
            if target.startswith("/papers/"):
                return paper_id(target)
        return None
    if host.endswith("arxiv.org") and path.startswith(("/abs/", "/pdf/")):
        match = _PAPER_ID_RE.fullmatch(path[5:].removesuffix(".pdf").rstrip("/"))
        return match[1] if match else None
    return None
