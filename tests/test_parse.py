from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.models import Level, LineKind, PartialDate, SourceRef
from generator.parse import parse_date, parse_dump, split_lines

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\nMar 19\n\n"
)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_split_lines_numbers_lines_like_an_editor() -> None:
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\r\nb\r\n") == ["a", "b"]
    assert split_lines("a\n\n") == ["a", ""]


def test_parse_date_full_month_day_and_comment_count() -> None:
    assert parse_date("Jun 1, 2020") == (PartialDate(6, 1, 2020), None)
    assert parse_date("Sep 10, 2024 2") == (PartialDate(9, 10, 2024), 2)
    assert parse_date("Aug 9") == (PartialDate(8, 9, None), None)
    assert parse_date("Dec 3 12") == (PartialDate(12, 3, None), 12)
    assert parse_date("Feb 30, 2024") is None
    assert parse_date("Feb 29") == (PartialDate(2, 29, None), None)
    assert parse_date("Mars 3") is None


def test_partial_date_iso_keeps_the_year_unknown() -> None:
    assert PartialDate(9, 22).iso() == "--09-22"
    assert PartialDate(6, 1, 2020).iso() == "2020-06-01"
    assert PartialDate(9, 22).display() == "Sep 22"


def test_blank_separated_pairs_give_one_entry_per_pair() -> None:
    text = HEADER + "First Title\n\nFirst abstract.\n\nSecond Title\n\nSecond abstract."
    report = parse_dump(text, "d.txt")
    assert [(e.title, e.abstract) for e in report.entries] == [
        ("First Title", "First abstract."),
        ("Second Title", "Second abstract."),
    ]
    assert report.entries[0].source == SourceRef("d.txt", 11)
    assert report.entries[1].abstract_source == SourceRef("d.txt", 17)
    assert report.page_date == PartialDate(3, 19)
    assert report.diagnostics == ()


def test_cards_with_metadata_keep_authors_date_and_comments() -> None:
    text = HEADER + dedent(
        """
        ADAHESSIAN: An Adaptive Optimizer

        We introduce ADAHESSIAN.

          • 6 authors
        ·
        Jun 1, 2020

        Ferret: Federated Tuning

        Large Language Models are useful.

          • 1 authors
        ·
        Sep 10 2
        """
    )
    first, second = parse_dump(text, "d.txt").entries
    assert (first.authors, first.published, first.comments) == (6, PartialDate(6, 1, 2020), None)
    assert (second.authors, second.published, second.comments) == (1, PartialDate(9, 10), 2)


def test_organisation_line_stands_in_for_the_author_count() -> None:
    text = HEADER + "BigCodeBench\n\nAbstract text.\n\nbigcode BigCode\n·\nJun 22, 2024 8\n"
    (entry,) = parse_dump(text, "d.txt").entries
    assert entry.organisation == "bigcode BigCode"
    assert entry.authors is None
    assert entry.comments == 8


def test_compact_layout_with_subscribe_glued_to_the_first_title() -> None:
    text = (
        "Get trending papers in your email inbox once a day!\n"
        "Get trending papers in your email inbox!\n"
        "SubscribeAddition is All You Need\n"
        "Large neural networks spend most computation on multiplications.\n"
        "A Grand Unification\n"
        "Quantum algorithms offer speedups.\n"
    )
    report = parse_dump(text, "c.txt")
    assert [e.title for e in report.entries] == ["Addition is All You Need", "A Grand Unification"]
    assert report.entries[0].source == SourceRef("c.txt", 3)
    assert report.layout == "compact (no blank lines)"


def test_every_line_gets_exactly_one_kind() -> None:
    text = HEADER + "T\n\nAbstract.\n\n  • 2 authors\n·\nMay 2\n"
    report = parse_dump(text, "d.txt")
    assert len(report.line_kinds) == report.line_count == 17
    assert report.count(LineKind.BOILERPLATE) == 4
    assert report.count(LineKind.PAGE_DATE) == 1
    assert report.count(LineKind.TITLE) == 1
    assert report.count(LineKind.ABSTRACT) == 1
    assert report.count(LineKind.METADATA) == 3
    assert report.count(LineKind.BLANK) == 7
    assert report.count(LineKind.UNEXPLAINED) == 0


def test_metadata_with_no_paper_is_reported_with_its_line() -> None:
    text = HEADER + "T\n\nAbstract.\n\n  • 2 authors\n·\nMay 2\n·\n"
    report = parse_dump(text, "d.txt")
    (diagnostic,) = report.diagnostics
    assert diagnostic.level is Level.ERROR
    assert str(diagnostic.source) == "d.txt:18"
    assert "a second separator for one paper" in diagnostic.message
    assert report.line_kinds[17] is LineKind.UNEXPLAINED


def test_metadata_above_the_first_paper_is_reported() -> None:
    report = parse_dump(HEADER + "  • 2 authors\n\nT\n\nAn abstract.\n", "d.txt")
    (diagnostic,) = report.errors
    assert str(diagnostic.source) == "d.txt:11"
    assert "metadata that belongs to no paper" in diagnostic.message


def test_title_without_abstract_after_a_complete_card_is_kept_with_a_warning() -> None:
    card = "T\n\nAbstract.\n\n  • 2 authors\n·\nMay 1\n\n"
    text = HEADER + card + "No Abstract Here\n\n  • 2 authors\n·\nMay 2\n\n" + card
    report = parse_dump(text, "d.txt")
    assert [e.title for e in report.entries] == ["T", "No Abstract Here", "T"]
    assert report.entries[1].abstract is None
    (diagnostic,) = report.diagnostics
    assert (str(diagnostic.source), diagnostic.level) == ("d.txt:19", Level.WARNING)


def test_a_short_line_between_abstract_and_metadata_is_reported_not_made_a_paper() -> None:
    # "No Abstract Here" could be a card without its abstract, or a line of chrome
    # between an abstract and its metadata: the parser does not guess.
    text = HEADER + "T\n\nAbstract.\n\nNo Abstract Here\n\n  • 2 authors\n·\nMay 2\n\n"
    text += "U\n\nAbs.\n\n  • 1 author\n·\nMay 3\n"
    report = parse_dump(text, "d.txt")
    assert [e.title for e in report.entries] == ["T", "U"]
    (error,) = report.errors
    assert str(error.source) == "d.txt:15"
    assert "a short line after the abstract of 'T'" in error.message


def test_capture_cut_off_after_a_title_is_an_error_and_no_paper() -> None:
    text = HEADER + "T\n\nAbstract.\n\nCut Off Tit"
    report = parse_dump(text, "d.txt")
    assert [e.title for e in report.entries] == ["T"]
    (diagnostic,) = report.errors
    assert str(diagnostic) == (
        "d.txt:15: error: the dump ends after a title with no abstract (capture cut off?): "
        "'Cut Off Tit'"
    )
    assert report.line_kinds[14] is LineKind.UNEXPLAINED


def test_a_last_card_without_the_metadata_most_cards_show_is_reported_as_cut_off() -> None:
    # One card of the dump shows no authors or date (it happens); the last one does not
    # either, and its abstract ends at a full stop: the capture may have been cut there.
    card = "Learning to Read Listing Page {0}\n\nAn abstract of paper {0}. It ends here.\n\n"
    meta = "  • 2 authors\n·\nMay {0}\n\n"
    text = HEADER + "".join(card.format(n) + meta.format(n) for n in (1, 2, 3))
    text += card.format(4) + card.format(5) + meta.format(5) + card.format(6).rstrip()
    report = parse_dump(text, "d.txt")
    assert [e.title for e in report.entries] == [
        f"Learning to Read Listing Page {n}" for n in range(1, 7)
    ]
    last = report.diagnostics[-1]
    assert (last.level, last.source.line) == (Level.WARNING, text.count("\n") - 1)
    assert last.message.startswith(
        "the dump ends before this paper's authors and date, which 4 of the 5 other papers "
        "of the dump show (capture cut off?)"
    )
    # When every other card shows them, it is an error.
    text = HEADER + "".join(card.format(n) + meta.format(n) for n in (1, 2, 3))
    report = parse_dump(text + card.format(4).rstrip(), "d.txt")
    assert "which every other paper of the dump shows" in report.errors[-1].message


def test_an_abstract_without_its_title_is_an_error() -> None:
    text = HEADER + "T\n\nAbstract.\n\n" + "word " * 200 + "\n"
    report = parse_dump(text, "d.txt")
    assert any(d.level is Level.ERROR and d.source.line == 15 for d in report.diagnostics)


def test_a_title_as_long_as_an_abstract_is_an_error() -> None:
    text = "---\nurl: x\n---\n" + HEADER + "### " + "word " * 100 + "\n\nAn abstract.\n"
    report = parse_dump(text, "d.md")
    (error,) = report.errors
    assert error.source.line == 14
    assert error.message.startswith("expected a title, found 499 characters")


def test_dump_without_papers_is_an_error() -> None:
    report = parse_dump("new\nSubscribe\n", "empty.txt")
    assert report.entries == ()
    assert [d.message for d in report.errors] == ["no paper found in this dump"]


def test_text_is_kept_exactly_as_written() -> None:
    title = "Learn *Everything*: {{ 7*7 }} <b>|</b> \\x_1"
    report = parse_dump(HEADER + f"{title}\n\n  spaced  abstract ^2 {{{{ x }}}}. \t\n", "d.txt")
    assert report.entries[0].title == title
    assert report.entries[0].abstract == "spaced abstract ^2 {{ x }}."


def test_text_that_is_not_a_listing_is_rejected_not_turned_into_papers() -> None:
    text = "# My notes\n\nSome paragraph about things.\n\nAnother heading\n\nMore text.\n"
    report = parse_dump(text, "notes.txt")
    assert report.entries == ()
    error = report.errors[0]
    assert str(error.source) == "notes.txt:1"
    assert error.message.startswith("does not look like a Hugging Face Papers listing")


FIXTURES = Path(__file__).parent / "fixtures" / "dumps"


def test_daily_page_cards_keep_upvotes_stars_submitter_and_published_on() -> None:
    text = (FIXTURES / "daily_upvotes.txt").read_text(encoding="utf-8")
    report = parse_dump(text, "daily.txt")
    assert report.diagnostics == ()
    assert report.count(LineKind.UNEXPLAINED) == 0
    first, second, third = report.entries
    assert (first.title, first.upvotes, first.submitted_by) == (
        "Sparse Upvoted Transformers",
        42,
        "akhaliq",
    )
    assert (first.authors, first.published, first.github_stars) == (
        5,
        PartialDate(10, 4, 2026),
        1320,
    )
    assert (second.upvotes, second.authors, second.comments) == (0, 3, 4)  # "-" means zero
    assert (third.upvotes, third.submitted_by, third.authors) == (1204, "taesiri", 1)


def test_crlf_bom_tabs_and_trailing_whitespace_parse_like_clean_text() -> None:
    clean = HEADER + "A Title\n\nThe abstract.\n\n  • 2 authors\n·\nMay 2, 2024 3\n"
    messy = "\ufeff" + clean.replace("\n", " \t\r\n").replace("A Title", "\tA Title")
    assert parse_dump(messy, "d.txt").entries == parse_dump(clean, "d.txt").entries


def test_a_card_printed_twice_becomes_two_entries_of_one_paper() -> None:
    card = "Same Card\n\nSame abstract.\n\n"
    report = parse_dump(HEADER + card + card, "d.txt")
    assert [e.source.line for e in report.entries] == [11, 15]
    assert report.diagnostics == ()


def test_upvote_count_with_no_card_after_it_is_unexplained() -> None:
    report = parse_dump(HEADER + "T\n\nAbstract.\n\n17\n", "d.txt")
    (error,) = report.errors
    assert str(error) == (
        "d.txt:15: error: unexplained line (upvotes with no paper after it): '17'"
    )


def test_text_browser_dump_joins_wrapped_titles_and_abstracts() -> None:
    text = (FIXTURES / "text_browser_wrapped.txt").read_text(encoding="utf-8")
    report = parse_dump(text, "lynx.txt")
    assert report.diagnostics == ()
    first, second = report.entries
    assert first.title == "Sparse Attention for Long-Context Language Models"
    assert first.abstract == (
        "We study sparse attention in large language models (LLMs) and show that a language "
        "model with 10% of the attention weights matches the dense one, with pre- trained weights."
    )  # text browsers wrap at spaces only: a line ending in "-" had a space after it
    assert (first.source.line, first.abstract_source.line, first.authors) == (7, 10, 6)
    assert report.line_kinds[7] is LineKind.TITLE
    assert report.line_kinds[12] is LineKind.ABSTRACT
    assert (second.title, second.authors, second.comments) == ("A Short Title", 2, 3)


def test_compact_dump_with_a_stray_blank_line_does_not_join_fields() -> None:
    text = "Subscribe\nTitle One\nAbstract one.\n\nTitle Two\nAbstract two.\nTitle 3\nAbs 3.\n"
    titles = [e.title for e in parse_dump(text, "c.txt").entries]
    assert titles == ["Title One", "Title Two", "Title 3"]


def test_a_saved_paper_page_is_read_by_its_own_reader_not_as_a_listing() -> None:
    page = "---\nurl: https://huggingface.co/papers/2401.00001\n---\n# Paper page - X\n"
    report = parse_dump(page, "page.md")
    assert (report.kind, report.entries) == ("paper", ())
    (error,) = report.errors  # a page with no landmark: a fragment, reported
    assert "fragment" in error.message


@pytest.mark.parametrize(
    ("head", "line"),
    [
        ("---\ntitle: x\nsource: https://huggingface.co/papers/2605.05242\n---\n", 3),
        ("# ToolMaker\n**URL:** https://huggingface.co/papers/2502.11705\n", 2),
        ("SOURCE-URL: https://huggingface.co/papers/2407.13168\nHTTP: 200\n", 1),
        ("\nAgentic Context Engineering\nPublished on Oct 6\n\nAuthors:\n", 5),
        ("Title: Paper page - DSPy\n\nURL Source: https://example.org\n", 1),
    ],
)
def test_saved_paper_pages_of_every_tool_are_recognised_at_the_line_that_shows_it(
    head: str, line: int
) -> None:
    from generator.parse import _paper_page
    from generator.parse.lines import read_document

    text = head + HEADER + "T\n\nAn abstract.\n"
    assert _paper_page(read_document(text, "page.txt")) == line - 1
    report = parse_dump(text, "page.txt")
    assert report.kind == "paper"
    # Never read as a listing's cards: either a page read, or what it lacks, reported.
    assert len(report.entries) <= 1
    assert report.entries or report.errors


def test_every_rule_makes_only_the_kind_of_token_and_the_fields_it_declares() -> None:
    from generator.parse.lines import read_document
    from generator.parse.rules import RULES, Kind, classify

    declared = {rule.__name__.replace("_", " "): rule for rule in RULES}
    seeds = Path(__file__).parent.parent / "content" / "dumps"
    dumps = [
        *sorted(FIXTURES.glob("*.*")),
        *sorted((FIXTURES.parent / "captures").glob("*.md")),
        *sorted(seeds.glob("*.txt")),
    ]
    seen = set()
    for path in dumps:
        if path.name.endswith(".jsonl"):
            continue
        for token in classify(read_document(path.read_text(encoding="utf-8"), path.name)):
            if token.rule == "text":
                assert token.kind is Kind.TEXT
                continue
            rule = declared[token.rule]
            seen.add(token.rule)
            # A rule may find that its line is page furniture after all (`GitHub` in the
            # site's nav, an image that links to no paper).
            assert token.kind in (rule.kind, Kind.CHROME, Kind.MARKUP), (path, token)
            assert set(token.values) <= rule.fills, (path, token)
    assert seen == set(declared)  # every rule is exercised by a fixture


def test_two_pages_saved_into_one_dump_keep_the_second_page_date_off_the_cards() -> None:
    page = "T{n}\n\nAn abstract of paper {n}.\n\n"
    text = HEADER + page.format(n=1) + HEADER.replace("Mar 19", "Mar 20") + page.format(n=2)
    report = parse_dump(text, "d.txt")
    assert [(e.title, e.published) for e in report.entries] == [("T1", None), ("T2", None)]
    assert report.diagnostics == ()
    assert report.line_kinds[22] is LineKind.PAGE_DATE  # line 23: "Mar 20"


def test_a_two_paragraph_abstract_reads_where_cards_show_their_metadata() -> None:
    card = "{t}\n\n{a}\n\n  • 2 authors\n·\nMay 2, 2024\n\n"
    first = "First paragraph of the abstract. It is finished."
    second = "A second paragraph, with more. It says more."
    text = HEADER + card.format(t="T", a=f"{first}\n\n{second}") + card.format(t="U", a=first)
    report = parse_dump(text, "d.txt")
    assert [e.abstract for e in report.entries] == [f"{first}\n\n{second}", first]
    assert report.diagnostics == ()
    # Without metadata to close the card, the second paragraph could be an abstract whose
    # title was lost: reported, not guessed.
    pairs = HEADER + f"T\n\n{first}\n\n{second}\n\nU\n\n{first}\n"
    (error,) = parse_dump(pairs, "d.txt").errors
    assert error.source.line == 15 and "a second paragraph after the abstract" in error.message


def test_a_title_ending_with_a_full_stop_heads_its_card() -> None:
    first = "The dominant sequence models are recurrent. We propose the Transformer."
    second = "Training deep networks is expensive. We normalize the activities of neurons."
    text = HEADER + f"Attention Is All You Need.\n\n{first}\n\nLayer Normalization\n\n{second}\n"
    report = parse_dump(text, "d.txt")
    assert [(e.title, e.abstract) for e in report.entries] == [
        ("Attention Is All You Need.", first),
        ("Layer Normalization", second),
    ]
    assert report.diagnostics == ()


PAPER_PAGES = sorted((FIXTURES.parent / "paper_pages").glob("*.txt"))


@pytest.mark.parametrize("path", PAPER_PAGES, ids=lambda p: p.name[:10])
def test_each_real_paper_page_is_one_entry_of_its_expected_record(path: Path) -> None:
    """A saved paper page is one entry (tests/test_paper_pages.py checks every field of
    the reader's record; this checks what the corpus gets of it). Its expected record
    (written by reading the page) names the arXiv id its file name starts with, unless
    the page shows none (then it says so)."""
    import json

    report = parse_dump(path.read_text(encoding="utf-8"), path.name)
    record = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert report.kind == "paper" and report.errors == ()
    (entry,) = report.entries
    assert (entry.title, entry.arxiv_id, entry.abstract) == (
        record["title"],
        record["arxiv_id"],
        record["abstract"],
    )
    assert list(entry.author_names) == (record["authors"] or [])
    hidden = record["authors_hidden"] or 0
    assert entry.authors == ((len(record["authors"] or []) + hidden) or None)
    assert entry.ai_summary == record["ai_summary"]
    if record["arxiv_id"] is None:
        assert any("arXiv" in problem for problem in record["problems"])
    else:
        assert path.name.startswith(record["arxiv_id"] + "_")


def test_there_are_ten_real_paper_pages() -> None:
    assert len(PAPER_PAGES) == 10
