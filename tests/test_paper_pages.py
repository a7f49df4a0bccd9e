"""The reader of saved paper pages (issue 15): the ten real captures against the records
two annotators wrote by reading them (tests/fixtures/paper_pages/), and what must be
reported rather than guessed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator.models import Level, LineKind
from generator.parse import parse_paper_page

PAGES = sorted((FIXTURES / "paper_pages").glob("*.txt"))
PROBLEM_KINDS = {
    "cut off": "a fragment",
    "arXiv": "no arXiv id",
    "JSON": "embedded data (JSON)",
    "Authors": "shows no names",
    "authors section": "shows no names",
}
"""A word of an annotator's problem → what the reader's diagnostic says for it."""


def record(page) -> dict[str, object]:
    return {
        "arxiv_id": page.arxiv_id,
        "url": page.url,
        "title": page.title,
        "authors": None if page.authors is None else list(page.authors),
        "authors_hidden": page.authors_hidden,
        "published": page.published.iso() if page.published else None,
        "submitted_by": page.submitted_by,
        "upvotes": page.upvotes,
        "ai_summary": page.ai_summary,
        "abstract": page.abstract,
        "github": page.github,
        "github_stars": page.github_stars,
        "project_page": page.project_page,
        "organization": page.organization,
    }


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name.split("_")[1])
def test_each_real_paper_page_reads_as_its_annotators_wrote_it(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    page, diagnostics, kinds = parse_paper_page(path.read_text(encoding="utf-8"), path.name)
    assert page is not None, diagnostics
    problems = expected.pop("problems")
    assert record(page) == expected
    assert not [d for d in diagnostics if d.level is Level.ERROR]
    # Every problem the annotators saw is reported, at a line.
    messages = " | ".join(d.message for d in diagnostics)
    for problem in problems:
        wanted = [said for word, said in PROBLEM_KINDS.items() if word in problem]
        if "Submitted by" in problem:
            continue  # "no label, so submitted_by is null": nothing to report
        assert wanted and any(said in messages for said in wanted), (problem, messages)
    # Every line is accounted for: the title, the abstract, metadata, or the page.
    assert LineKind.UNEXPLAINED not in kinds
    assert kinds[page.source.line - 1] is LineKind.TITLE
    assert kinds.count(LineKind.ABSTRACT) >= 1


HEAD = "---\ntitle: Paper page - A Real Title\nurl: https://huggingface.co/papers/2401.00001\n---\n"
BODY = (
    "\n# {title}\n\nPublished on Jan 3, 2024\n\nAuthors:\n\nAda Lovelace ,\n\n"
    "Alan Turing\n\n## Abstract\n\n{abstract}\n"
)
SUMMARY = "A one-sentence summary.\n\nAI-generated summary\n\nThe abstract itself, in full."


def read(text: str):
    return parse_paper_page(text, "page.md")


def test_a_small_page_reads_every_field() -> None:
    page, diagnostics, _ = read(HEAD + BODY.format(title="A Real Title", abstract=SUMMARY))
    assert diagnostics == ()
    assert (page.arxiv_id, page.title, page.authors) == (
        "2401.00001",
        "A Real Title",
        ("Ada Lovelace", "Alan Turing"),
    )
    assert page.published.iso() == "2024-01-03"
    assert (page.ai_summary, page.abstract) == (
        "A one-sentence summary.",
        "The abstract itself, in full.",
    )


def test_a_heading_that_names_another_paper_is_an_error_not_a_guess() -> None:
    page, diagnostics, _ = read(HEAD + BODY.format(title="Another Paper", abstract=SUMMARY))
    assert page is None
    (error,) = [d for d in diagnostics if d.level is Level.ERROR]
    assert "is not the paper its capture names" in error.message
    assert error.source.line == 6  # the heading


def test_a_page_without_a_title_or_an_abstract_is_an_error() -> None:
    untitled = "\nPublished on Jan 3, 2024\n\n## Abstract\n\nText.\n"
    page, diagnostics, _ = read(untitled)
    assert page is None and "without a title" in diagnostics[0].message
    cut = HEAD + "\n# A Real Title\n\nPublished on Jan 3, 2024\n\nAuthors:\n\nAda Lovelace ,\n"
    page, diagnostics, _ = read(cut)
    assert page is None and "without its 'Abstract'" in diagnostics[-1].message


def test_a_fragment_with_no_landmark_is_an_error() -> None:
    page, diagnostics, _ = read("Some words a page once held.\n\nMore of them.\n")
    assert page is None
    assert diagnostics[0].level is Level.ERROR and "fragment" in diagnostics[0].message


def test_names_in_the_text_are_text() -> None:
    """Hostile text stays data: the reader keeps it as written, for the renderer to
    escape (as listing text is)."""
    title = "<script>alert(1)</script> {{ jinja }}"
    head = HEAD.replace("A Real Title", title)
    page, diagnostics, _ = read(head + BODY.format(title=title, abstract=SUMMARY))
    assert page is not None and page.title == title and diagnostics == ()


def test_the_reader_never_raises_on_other_files() -> None:
    """Listings, hostile fixtures and the seeds are not paper pages: the reader says what
    it could not read, and never raises."""
    paths = [
        *sorted((FIXTURES / "dumps").glob("*.*")),
        *sorted((FIXTURES / "hostile").rglob("*.*")),
        *sorted((FIXTURES / "captures").glob("*.md")),
        *sorted((FIXTURES.parent.parent / "content" / "dumps").glob("*.txt")),
    ]
    assert len(paths) > 20
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        page, diagnostics, kinds = parse_paper_page(text, path.name)
        assert page is not None or any(d.level is Level.ERROR for d in diagnostics), path
        assert len(kinds) >= text.count("\n")


def test_the_project_page_and_github_buttons_are_read() -> None:
    abstract = (
        SUMMARY + "\n\n[GitHub 1.32k](https://github.com/org/repo)\n\n"
        "[Project page](https://example.org/project)\n\n### Community\n\n"
        "Models citing this paper 0\n"
    )
    page, diagnostics, _ = read(HEAD + BODY.format(title="A Real Title", abstract=abstract))
    assert diagnostics == ()
    assert (page.github, page.github_stars) == ("https://github.com/org/repo", 1320)
    assert page.project_page == "https://example.org/project"
    assert page.abstract == "The abstract itself, in full."


# What a newcomer's review found the first reader guessing (each was silently wrong).
PLAIN = "Foo\nPublished on Jan 2, 2023\n"


def test_an_arxiv_link_in_the_abstract_is_not_the_papers_id() -> None:
    page, _, _ = read(PLAIN + "Abstract\nWe extend arxiv.org/abs/1706.03762 to graphs.\n")
    assert page.arxiv_id is None
    page, diagnostics, _ = read(
        "---\nurl: https://huggingface.co/papers/2401.00001\n---\narxiv:2401.99999\n"
        "# Foo\nPublished on Jan 2, 2023\nAbstract\nText.\n"
    )
    assert any("arxiv:2401.99999" in d.message and d.level is Level.ERROR for d in diagnostics)


def test_an_abstract_line_that_starts_with_a_landmark_word_goes_on() -> None:
    text = PLAIN + "Abstract\nWe study community structure in graphs and\nCommunity detection.\n"
    page, _, _ = read(text)
    assert page.abstract == "We study community structure in graphs and Community detection."


@pytest.mark.parametrize(
    "counts",
    ["Upvote ,\n", "Upvote\n,\n", "Upvote 1.5\n", "[GitHub 1.5](https://github.com/a/b)\n"],
)
def test_odd_counts_never_raise(counts: str) -> None:
    page, _, _ = read(PLAIN + counts + "Abstract\nText.\n")
    assert page is not None and page.abstract == "Text."


def test_a_summary_needs_its_label_or_the_shape_of_one() -> None:
    # Two paragraphs of several sentences: an abstract, not a summary and an abstract.
    page, _, _ = read(PLAIN + "Abstract\nFirst part. Still first.\n\nSecond paragraph.\n")
    assert (page.ai_summary, page.abstract) == (
        None,
        "First part. Still first.\n\nSecond paragraph.",
    )
    # "Generated by" in a sentence is not the label.
    text = PLAIN + "Abstract\nImages abound.\nGenerated by diffusion models, they mislead.\n"
    page, _, _ = read(text)
    assert page.ai_summary is None and "Generated by diffusion" in page.abstract
    # Unlabelled, one sentence first: the summary, and the page says so.
    page, diagnostics, _ = read(PLAIN + "Abstract\nA summary.\n\nThe abstract. In two.\n")
    assert page.ai_summary == "A summary."
    assert any("lost its label" in d.message for d in diagnostics)


def test_titles_as_the_capture_wrote_them() -> None:
    page, diagnostics, _ = read(
        '---\ntitle: "Paper page - \\"Q*\\": Don\'t Stop"\n---\n# "Q*": Don\'t Stop\n'
        "Published on Jan 2, 2023\nAbstract\nText.\n"
    )
    assert page is not None and page.title == '"Q*": Don\'t Stop', diagnostics
    indented = "  Foo\n  Published on Jan 2, 2023\n  Abstract\n  The abstract.\n"
    page, _, _ = read(indented)
    assert page.title == "Foo"


def test_authors_out_of_place_or_run_together_are_errors() -> None:
    below = PLAIN + "Abstract\nThe abstract.\nAuthors:\nAlice\n,\nBob\n"
    page, diagnostics, _ = read(below)
    assert page is None and "below the 'Abstract'" in diagnostics[-1].message
    page, diagnostics, _ = read(PLAIN + "Authors: Alice, Bob and Carol\nAbstract\nText.\n")
    assert any("several names" in d.message and d.level is Level.ERROR for d in diagnostics)


def test_lost_names_give_no_count_and_a_lost_submitter_no_name() -> None:
    from generator.parse import parse_dump

    report = parse_dump(PLAIN + "Authors:\n,\n,\n+ 8 authors\nAbstract\nThe abstract.\n", "p.txt")
    (entry,) = report.entries
    assert entry.authors is None
    page, _, _ = read(PLAIN + "Submitted by\n\nUpvote\n34\nAbstract\nThe abstract.\n")
    assert page.submitted_by is None and page.upvotes == 34


def test_an_author_named_page_gets_a_page_no_other_name_makes() -> None:
    from generator.authors import author_slug

    assert author_slug("Page") != author_slug("Page Author")
    assert author_slug("Page").startswith("page-") and author_slug("Index") != "index"
