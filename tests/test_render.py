from __future__ import annotations

import html
import re

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.markup import yaml_scalar
from generator.render import front_matter, html_text, md_escape

# The extensions mkdocs.yml enables, plus the ones sites commonly add: escaped text must
# survive all of them.
EXTENSIONS = [
    "toc",
    "tables",
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.caret",
    "pymdownx.tilde",
    "pymdownx.mark",
]

HOSTILE = [
    "Learning *Everything* with __bold__ and `code`",
    "x_1 + y_2 = z^2 ~ w~ and ==mark==",
    "<script>alert(1)</script> & <b>bold</b> &amp; &lt;",
    "[click](javascript:alert(1)) ![img](x.png) <https://example.org>",
    "{{ 7*7 }} {% raw %} {#comment#} {: .class #id}",
    "a | b | c",
    "# not a heading",
    "- not a list",
    "1. not a list",
    "> not a quote",
    "\\\\ backslash \\* and \\_",
    "$E = mc^2$ and $$x$$",
    "---",
    "***",
    "+ plus",
    "2) not a list either",
    "Title: with colon, 'quotes' and \"double\"",
]


def _render_text(markdown_text: str) -> str:
    """What a reader sees: the HTML's text with tags removed and entities decoded."""
    rendered = markdown.markdown(markdown_text, extensions=EXTENSIONS)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_renders_exactly_as_written(text: str) -> None:
    assert _render_text(md_escape(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_leaves_no_tag_and_no_markup(text: str) -> None:
    rendered = markdown.markdown(md_escape(text), extensions=EXTENSIONS)
    assert re.fullmatch(r"<p>[^<>]*</p>", rendered), rendered


def test_md_escape_joins_lines_so_text_cannot_open_a_block() -> None:
    assert "\n" not in md_escape("first line\n\n    indented code\n===")
    assert _render_text(md_escape("a\n- b")) == "a - b"


@pytest.mark.parametrize("title", HOSTILE)
def test_front_matter_round_trips_any_title(title: str) -> None:
    text = front_matter({"title": html_text(title)})
    assert text.startswith("---\n") and text.endswith("---\n")
    data = yaml.safe_load(text.removeprefix("---\n").removesuffix("---\n"))
    assert html.unescape(data["title"]) == title
    assert "<" not in data["title"]


YAML_TRAPS = [
    "yes", "No", "on", "null", "~", "y", "1.0", "1e3", "0x1F", "2024-01-02", "-1", "- x",
    "? x", "Foo: bar", "Foo:", "a #b", "#x", "&anchor", "*alias", "!tag", "%TAG", "@x", "`x",
    "[x]", "{x}", "'x'", '"x"', "x\u2028y", "x\u2029y", "\x85", "tab\there", "\ufeffbom",
    "\x00", "back\\slash", " leading", "trailing ", "", "---", "...", "🦙 Llama: 3", "Ünïcödé",
]  # fmt: skip


@pytest.mark.parametrize("text", YAML_TRAPS + HOSTILE)
def test_front_matter_reads_back_every_string_as_written(text: str) -> None:
    data = {"title": text, "tags": [text, "plain"], "none": []}
    body = front_matter(data).removeprefix("---\n").removesuffix("---\n")
    assert yaml.safe_load(body) == data


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_yaml_scalar_round_trips_any_text(text: str) -> None:
    assert yaml.safe_load(f"key: {yaml_scalar(text)}\n") == {"key": text}


def test_yaml_scalar_quotes_only_what_needs_quotes() -> None:
    assert yaml_scalar("Attention Is All You Need") == "Attention Is All You Need"
    assert yaml_scalar("LLMs, (mostly) 3D-aware & fast…") == "LLMs, (mostly) 3D-aware & fast…"
    assert yaml_scalar("A: B") == "'A: B'"
    assert yaml_scalar("it's: ok") == "'it''s: ok'"
    assert yaml_scalar("true") == "'true'"
    assert yaml_scalar("line\u2028break") == '"line\\u2028break"'


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("papers/a.md", "topics/t/index.md", "../topics/t/index.md"),
        ("topics/t/index.md", "papers/a.md", "../../papers/a.md"),
        ("topics/t/index.md", "topics/u/index.md", "../u/index.md"),
        ("topics/index.md", "topics/u/index.md", "u/index.md"),
        ("index.md", "topics/u/index.md", "topics/u/index.md"),
        ("topics/t/index.md", "topics/t/feed.xml", "feed.xml"),
        ("archive/2024/index.md", "index.md", "../../index.md"),
    ],
)
def test_link_is_the_relative_path_between_two_pages(source, target, expected) -> None:
    from pathlib import PurePosixPath

    from generator.routes import link

    assert link(PurePosixPath(source), PurePosixPath(target)) == expected
