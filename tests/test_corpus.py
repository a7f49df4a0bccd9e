from __future__ import annotations

import pytest

from generator.config import format_slug_ledger, load_slug_ledger
from generator.corpus import (
    assign_slugs,
    build_corpus,
    find_links,
    github_repo,
    normalise_title,
    slug_base,
    slugify,
    title_key,
)
from generator.errors import ConfigError
from generator.models import DumpReport, Entry, Level, PartialDate, SlugRecord, SourceRef
from generator.parse import parse_dump

HEADER = "new\n\nSubscribe\n\nbyAK and the research community\n\n"


def dump(path: str, *cards: str) -> object:
    return parse_dump(HEADER + "\n\n".join(cards) + "\n", path)


def test_normalise_title_ignores_case_punctuation_spacing_and_unicode_forms() -> None:
    key = normalise_title("Attention Is All You Need")
    assert normalise_title("attention  is all you need!") == key
    assert normalise_title("Attention-Is All You Need.") == key
    assert normalise_title("Ａｔｔｅｎｔｉｏｎ Is All You Need") == key  # full-width forms
    assert normalise_title("Schro\u0308dinger Bridge") == normalise_title("Schrödinger Bridge")
    assert normalise_title("Attention Is Not All You Need") != key


def test_slugify_is_ascii_and_cut_at_a_word_boundary() -> None:
    assert slugify("Light Schrödinger Bridge") == "light-schrodinger-bridge"
    long_slug = slugify(
        "Divide and Translate: Compositional First-Order Logic Translation and Verification"
        " for Complex Logical Reasoning"
    )
    assert len(long_slug) <= 80
    assert long_slug == "divide-and-translate-compositional-first-order-logic-translation-and"
    assert slugify("!!!") == "paper"


def paper(key: str, seen: SourceRef, title: str, arxiv_id: str | None = None):
    return (key, seen, title, arxiv_id, [key])


def test_slug_collisions_keep_the_plain_slug_for_the_first_seen_paper() -> None:
    early, late = SourceRef("a.txt", 1), SourceRef("b.txt", 1)
    slugs, new = assign_slugs([paper("x y", late, "X: Y"), paper("x y!", early, "X Y")])
    assert slugs["x y!"] == "x-y"
    assert slugs["x y"].startswith("x-y-") and len(slugs["x y"]) == len("x-y-") + 8
    assert [r.slug for r in new] == sorted(slugs.values())  # all new: all to be recorded
    # The suffix depends only on the paper's own key, not on the other papers.
    again, _ = assign_slugs(
        [paper("x y", late, "X: Y"), paper("x y!", early, "X Y"), paper("z", late, "X Y")]
    )
    assert again["x y"] == slugs["x y"]


def test_a_recorded_url_never_moves_when_an_earlier_dump_brings_a_colliding_title() -> None:
    published, _ = assign_slugs([paper("x y", SourceRef("b.txt", 1), "X Y")])
    ledger = [SlugRecord(published["x y"], "x y")]
    # A dump whose name sorts first brings another paper with the same slug.
    slugs, new = assign_slugs(
        [paper("x y", SourceRef("b.txt", 1), "X Y"), paper("x y!", SourceRef("0.txt", 1), "X, Y")],
        ledger,
    )
    assert slugs["x y"] == "x-y"
    assert slugs["x y!"].startswith("x-y-")
    assert [r.slug for r in new] == [slugs["x y!"]]


def test_the_ledger_knows_a_paper_by_its_arxiv_id_even_under_a_new_title() -> None:
    ledger = [SlugRecord("old-title", "old title", "2401.00001")]
    slugs, new = assign_slugs(
        [paper("new title", SourceRef("a.txt", 1), "New Title", "2401.00001")], ledger
    )
    assert slugs == {"new title": "old-title"} and new == ()
    # Another paper with the recorded title but another arXiv id is another paper.
    slugs, new = assign_slugs(
        [paper("old title", SourceRef("a.txt", 1), "Old Title", "2401.99999")], ledger
    )
    assert slugs["old title"].startswith("old-title-") and len(new) == 1


def test_no_title_maps_to_a_reserved_path_and_letterless_titles_get_distinct_slugs() -> None:
    seen = SourceRef("a.txt", 1)
    titles = ["Index", "Page", "---", "!!!???...", "🚀🔥💯"]
    slugs, _ = assign_slugs([paper(title_key(t), seen, t) for t in titles])
    assert slugs[title_key("Index")] == "index-paper"
    assert slugs[title_key("Page")] == "page-paper"
    letterless = [slugs[title_key(t)] for t in titles[2:]]
    assert len(set(letterless)) == 3 and all(s.startswith("paper-") for s in letterless)
    assert slug_base("---", title_key("---")) == letterless[0]  # stable: from the title alone


def test_a_recorded_url_whose_paper_merged_into_another_leads_to_it() -> None:
    # Two papers with URLs of their own; a later dump shows both titles with one arXiv id.
    first = dump("a.txt", "Old Title One\n\nAn abstract.", "Old Title Two\n\nAnother one.")
    published = build_corpus([first])
    ledger = published.new_slugs
    later = DumpReport(
        path="b.md",
        line_count=4,
        page_date=None,
        layout="Markdown",
        entries=tuple(
            Entry(title=title, source=SourceRef("b.md", line), arxiv_id="2401.00001")
            for line, title in ((1, "Old Title One"), (3, "Old Title Two"))
        ),
        diagnostics=(),
        line_kinds=(),
    )
    corpus = build_corpus([first, later], ledger)
    (paper,) = corpus.papers.values()
    assert paper.slug == "old-title-one"
    assert corpus.moved == {"old-title-two": "old-title-one"}
    assert any("papers/old-title-two/" in d.message for d in corpus.diagnostics)


def test_titles_without_letters_are_not_all_one_paper() -> None:
    a = dump("a.txt", "---\n\nAn abstract.", "🚀🔥💯\n\nAnother abstract.")
    corpus = build_corpus([a])
    assert sorted(p.title for p in corpus.papers.values()) == ["---", "🚀🔥💯"]


def test_the_slug_ledger_round_trips_and_reports_a_bad_line_at_its_line(tmp_path) -> None:
    records = (SlugRecord("b-paper", "b paper"), SlugRecord("a", "a", "2401.00001"))
    path = tmp_path / "slugs.tsv"
    path.write_text(format_slug_ledger(records))
    assert sorted(load_slug_ledger(path)) == sorted(records)
    assert load_slug_ledger(tmp_path / "missing.tsv") == ()
    path.write_text(format_slug_ledger(records) + "Bad Slug\t-\tx\na\t-\ta again\n")
    with pytest.raises(ConfigError) as caught:
        load_slug_ledger(path, "content/slugs.tsv")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("content/slugs.tsv:7: expected 'slug<TAB>")
    assert lines[1] == "content/slugs.tsv:8: slug 'a' recorded twice (first on line 5)"


def test_links_and_github_repos_are_found_without_trailing_punctuation() -> None:
    text = "Code at https://github.com/Owner/repo.git. See (https://example.org/page), too."
    assert find_links(text) == ("https://github.com/Owner/repo.git", "https://example.org/page")
    assert github_repo("https://github.com/Owner/repo.git") == "https://github.com/Owner/repo"
    assert github_repo("https://github.com/Owner/repo/tree/main") == "https://github.com/Owner/repo"
    assert github_repo("https://example.org/page") is None
    glued = "code: https://github.com/a/b.git{https://github.com/a/b.git}."
    assert find_links(glued) == ("https://github.com/a/b.git",)


def test_same_paper_in_two_dumps_merges_and_keeps_both_sources() -> None:
    a = dump("a.txt", "Sparse Attention\n\nShort abstract.")
    b = dump("b.txt", "sparse attention!\n\nA longer abstract, with more words.")
    corpus = build_corpus([a, b])
    (paper,) = corpus.papers.values()
    assert paper.title == "Sparse Attention"  # as written at the first source
    assert paper.abstract == "A longer abstract, with more words."  # the longest wording
    assert [v.text for v in paper.abstract_variants] == [
        "A longer abstract, with more words.",
        "Short abstract.",
    ]
    assert paper.sources == (SourceRef("a.txt", 7), SourceRef("b.txt", 7))
    assert paper.first_seen == SourceRef("a.txt", 7)


def test_equal_length_abstracts_keep_the_earliest() -> None:
    a = dump("a.txt", "T\n\nAbc--def.")
    b = dump("b.txt", "T\n\nAbc -def.")
    (paper,) = build_corpus([a, b]).papers.values()
    assert paper.abstract == "Abc--def."


def test_duplicate_within_one_dump_is_noted() -> None:
    corpus = build_corpus([dump("a.txt", "T\n\nAbs.", "Other\n\nAbs 2.", "T\n\nAbs.")])
    assert len(corpus.papers) == 2
    (note,) = corpus.diagnostics
    assert (note.level, str(note.source)) == (Level.INFO, "a.txt:15")
    assert "same paper as line 7" in note.message


def test_conflicting_author_counts_keep_the_first_and_warn_with_both_places() -> None:
    a = dump("a.txt", "T\n\nAbs.\n\n  • 3 authors\n·\nJun 1, 2020")
    b = dump("b.txt", "T\n\nAbs.\n\n  • 4 authors\n·\nJun 1")
    corpus = build_corpus([a, b])
    (paper,) = corpus.papers.values()
    assert paper.authors == 3
    assert paper.published == PartialDate(6, 1, 2020)
    (warning,) = corpus.diagnostics
    assert warning.level is Level.INFO
    assert str(warning) == "b.txt:7: info: authors 4 differs from 3 at a.txt:7; kept the earlier"


def test_month_day_date_is_completed_by_a_source_that_shows_the_year() -> None:
    a = dump("a.txt", "T\n\nAbs.\n\n  • 3 authors\n·\nJun 1")
    b = dump("b.txt", "T\n\nAbs.\n\n  • 3 authors\n·\nJun 1, 2021 5")
    (paper,) = build_corpus([a, b]).papers.values()
    assert paper.published == PartialDate(6, 1, 2021)
    assert [(s.value, str(s.source)) for s in paper.comments] == [(5, "b.txt:7")]


def test_corpus_is_in_slug_order_whatever_the_dump_order() -> None:
    a = dump("a.txt", "Zeta\n\nAbs.", "Alpha\n\nAbs.")
    assert list(build_corpus([a]).papers) == ["alpha", "zeta"]


def test_adding_a_later_dump_changes_no_url_and_no_first_seen() -> None:
    a = dump("a.txt", "Sparse Attention\n\nAbs.", "Dense Attention\n\nAbs.")
    b = dump("b.txt", "Dense attention!\n\nAbs.", "Sparse Attention: A Survey\n\nAbs.")
    # A new paper whose title slugifies like an existing one ("sparse-attention").
    c = dump("c.txt", "Sparse  Attention?\n\nAbs.", "Sparse-Attention\n\nOther.")
    before = build_corpus([a, b])
    after = build_corpus([a, b, c])
    for slug, paper in before.papers.items():
        assert after.papers[slug].key == paper.key
        assert after.papers[slug].first_seen == paper.first_seen
    assert len(after.papers) == len(before.papers)  # "Sparse-Attention" is the same paper


def test_similar_but_different_titles_stay_apart() -> None:
    titles = [
        "Attention Is All You Need",
        "Attention Is Not All You Need",
        "Attention Is All You Need 2",
        "Attention Is All You Need (Part II)",
    ]
    corpus = build_corpus([dump("a.txt", *(f"{t}\n\nAbs." for t in titles))])
    assert len(corpus.papers) == len(titles)
    assert len(set(corpus.papers)) == len(titles)


def test_two_dates_for_one_paper_keep_the_first_and_name_both_places() -> None:
    a = dump("a.txt", "T\n\nAbs.\n\n  • 3 authors\n·\nJun 1, 2020")
    b = dump("b.txt", "T\n\nAbs.\n\n  • 3 authors\n·\nJul 2, 2020")
    corpus = build_corpus([a, b])
    (paper,) = corpus.papers.values()
    assert paper.published == PartialDate(6, 1, 2020)
    (warning,) = corpus.diagnostics
    assert str(warning) == (
        "b.txt:7: info: published date 2020-07-02 differs from 2020-06-01 at a.txt:7; "
        "kept the earlier"
    )


def _report(path: str, *entries) -> object:
    """A parse result holding the given entries (the merge reads nothing else)."""
    from generator.models import DumpReport

    return DumpReport(
        path=path, line_count=99, page_date=None, layout="test", entries=entries,
        diagnostics=(), line_kinds=(),
    )  # fmt: skip


def _entry(path: str, line: int, title: str, arxiv_id: str | None = None, **fields):
    from generator.models import Entry

    return Entry(title=title, source=SourceRef(path, line), arxiv_id=arxiv_id, **fields)


def test_build_corpus_merges_a_retitled_paper_by_its_arxiv_id_and_notes_the_title() -> None:
    a = _report("a.md", _entry("a.md", 3, "Sparse Attention", "2401.00001"))
    b = _report("b.md", _entry("b.md", 5, "Sparse Attention at Scale", "2401.00001"))
    corpus = build_corpus([a, b])
    (paper,) = corpus.papers.values()
    assert (paper.title, paper.arxiv_id, paper.slug) == (
        "Sparse Attention",
        "2401.00001",
        "sparse-attention",
    )
    assert [str(s) for s in paper.sources] == ["a.md:3", "b.md:5"]
    (note,) = paper.conflicts
    assert note.level is Level.INFO and "'Sparse Attention at Scale' differs" in note.message


def test_build_corpus_keeps_two_papers_that_share_a_title_apart_by_their_ids() -> None:
    a = _report("a.md", _entry("a.md", 3, "Introduction", "2401.00001"))
    b = _report("b.md", _entry("b.md", 5, "Introduction", "2402.00002"))
    corpus = build_corpus([a, b])
    assert sorted(p.arxiv_id for p in corpus.papers.values()) == ["2401.00001", "2402.00002"]
    assert sorted(corpus.papers) == ["introduction", "introduction-" + _digest("2402.00002")]


def _digest(arxiv_id: str) -> str:
    import hashlib

    return hashlib.sha1(f"introduction {arxiv_id}".encode()).hexdigest()[:8]


def test_build_corpus_merges_an_entry_without_id_into_the_paper_of_its_title() -> None:
    plain = _report("a.txt", _entry("a.txt", 9, "Sparse attention!"))
    linked = _report("b.md", _entry("b.md", 5, "Sparse Attention", "2401.00001"))
    (paper,) = build_corpus([plain, linked]).papers.values()
    assert paper.arxiv_id == "2401.00001"
    assert paper.first_seen == SourceRef("a.txt", 9)


def test_build_corpus_reports_an_entry_whose_title_names_two_papers() -> None:
    a = _report("a.md", _entry("a.md", 3, "Introduction", "2401.00001"))
    b = _report("b.md", _entry("b.md", 5, "Introduction", "2402.00002"))
    c = _report("c.txt", _entry("c.txt", 7, "Introduction"))
    corpus = build_corpus([a, b, c])
    (error,) = [d for d in corpus.diagnostics if d.level is Level.ERROR]
    assert str(error.source) == "c.txt:7"
    assert "2401.00001 (first at a.md:3), 2402.00002 (first at b.md:5)" in error.message


def test_build_corpus_takes_the_repository_of_a_github_button_first() -> None:
    entry = _entry(
        "a.md", 3, "T", "2401.00001", github_repo="https://github.com/Lab/Repo",
        abstract="Code: https://github.com/other/code.",
    )  # fmt: skip
    (paper,) = build_corpus([_report("a.md", entry)]).papers.values()
    assert paper.github == ("https://github.com/Lab/Repo", "https://github.com/other/code")


PAPER_PAGE = (
    "---\ntitle: Paper page - {title}\nurl: https://huggingface.co/papers/{id}\n---\n\n"
    "# {title}\n\nPublished on Mar 4, 2024\n\nAuthors:\n\n{authors}\n\n## Abstract\n\n"
    "A short summary.\n\nAI-generated summary\n\nThe paper's abstract.\n"
)


def paper_page(path: str, title: str, arxiv_id: str, authors: str = "Ada Lovelace") -> object:
    text = PAPER_PAGE.format(title=title, id=arxiv_id, authors=authors)
    return parse_dump(text, path)


def test_a_paper_page_enriches_the_listing_paper_of_the_same_title() -> None:
    listing = dump("a.txt", "Sparse Attention\n\nWe study sparse attention.\n\n3 authors\n\nMar 4")
    page = paper_page("b.md", "Sparse attention", "2403.01234", "Ada Lovelace ,\n\nAlan Turing")
    corpus = build_corpus([listing, page])
    (paper,) = corpus.papers.values()
    assert paper.title == "Sparse Attention"  # the first dump's wording (dump order)
    assert paper.arxiv_id == "2403.01234"
    assert paper.author_names == ("Ada Lovelace", "Alan Turing")
    assert paper.ai_summary == "A short summary."
    # Two author counts (3 in the listing, 2 names on the page): the page that names them
    # wins, and the disagreement is noted like any other.
    assert paper.authors == 2
    assert any("authors 3 differs from the 2 the paper page" in d.message for d in paper.conflicts)
    assert [s.path for s in paper.sources] == ["a.txt", "b.md"]


def test_a_paper_only_a_page_shows_is_a_paper_of_its_own() -> None:
    listing = dump("a.txt", "Sparse Attention\n\nWe study sparse attention.\n\n3 authors\n\nMar 4")
    page = paper_page("b.md", "Dense Attention", "2403.09999")
    corpus = build_corpus([listing, page])
    assert sorted(p.title for p in corpus.papers.values()) == [
        "Dense Attention",
        "Sparse Attention",
    ]
    dense = next(p for p in corpus.papers.values() if p.title == "Dense Attention")
    assert (dense.arxiv_id, dense.author_names, dense.authors) == (
        "2403.09999",
        ("Ada Lovelace",),
        1,
    )


def test_a_retitled_paper_merges_by_arxiv_id_and_says_so() -> None:
    first = paper_page("a.md", "Old Title of the Paper", "2403.01234")
    second = paper_page("b.md", "New Title of the Paper", "2403.01234")
    (paper,) = build_corpus([first, second]).papers.values()
    assert paper.title == "Old Title of the Paper"
    assert any("differs from 'Old Title of the Paper'" in d.message for d in paper.conflicts)
