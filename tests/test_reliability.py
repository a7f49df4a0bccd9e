"""Reliability: nothing a dump, a file name or a command can do harms the site, the
repository or a reader.

Each probe runs the generator as a user would (`python -m generator ...`, `mkdocs build`)
on a fresh copy of the repository: the files git knows, with a small corpus of seed dumps
(two of the five, to keep the suite fast). The kill and concurrency tests check what a
reader of the output directory could ever see: the old tree or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "content" / "dumps"
SMALL = ("000_c8ebe4c74f399ac9.txt", "002_e8e5cafb09e5d1d0.txt")
HOSTILE = ROOT / "tests" / "fixtures" / "reliability" / "001_hostile_texts.txt"
XSS_NAME = "005_`<img src=x onerror=alert(1)>`.txt"


def fresh_copy(tmp_path: Path, dumps: tuple[str, ...] = SMALL) -> Path:
    """The repository as a clone would have it (tracked and new files, nothing ignored),
    with only the given seed dumps."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    repo = tmp_path / "repo"
    for raw in listed:
        relative = os.fsdecode(raw)
        source = ROOT / relative
        if not relative or relative.startswith(("content/dumps/", "tests/")):
            continue
        if not source.is_file():
            continue  # deleted in the working tree
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (repo / "content" / "dumps").mkdir(parents=True, exist_ok=True)
    for name in dumps:
        shutil.copy(SEEDS / name, repo / "content" / "dumps" / name)
    (repo / "content" / "slugs.tsv").unlink(missing_ok=True)  # the seed corpus's URLs
    return repo


def generator(
    repo: Path, *args: str, timeout: float = 300, **variables: str
) -> subprocess.CompletedProcess[str]:
    """`python -m generator ARGS` in the copy, with environment `variables` on top."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PAPER_ATLAS_LOCK_WAIT": "60", **variables}
    env.pop("SITE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def start(repo: Path, *args: str, **options) -> subprocess.Popen[str]:
    """`python -m generator ARGS` in the background, its output discarded unless asked."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    options = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, **options}
    command = [sys.executable, "-m", "generator", *args]
    return subprocess.Popen(command, cwd=repo, env=env, text=True, **options)


def snapshot(path: Path) -> dict[str, str]:
    """Every file under path (dotfiles too) → a hash of its bytes."""
    if not path.exists():
        return {}
    return {
        p.relative_to(path).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file() or p.is_symlink()
    }


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr


def beside(path: Path) -> list[str]:
    """Staging and old trees a build left next to an output directory."""
    return sorted(
        p.name for p in path.parent.glob(f".{path.name}.*") if not p.name.endswith(".lock")
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return fresh_copy(tmp_path)


# --- the output directory ------------------------------------------------------------------


@pytest.mark.parametrize("out", [".", "..", "content", "content/dumps/site", "generator"])
def test_build_refuses_an_output_that_would_replace_the_repository(repo: Path, out: str) -> None:
    before = snapshot(repo)
    result = generator(repo, "build", "--out", out)
    assert result.returncode == 1
    no_traceback(result)
    assert "refusing to write the site into" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "Aborted."
    assert snapshot(repo) == before


def test_build_refuses_an_output_that_is_a_file(repo: Path) -> None:
    result = generator(repo, "build", "--out", "mkdocs.yml")
    assert result.returncode == 1
    no_traceback(result)
    assert "it is not a directory" in result.stderr


def test_a_failed_strict_site_build_leaves_site_and_build_docs_as_they_were(repo: Path) -> None:
    assert generator(repo, "site", "-q").returncode == 0
    site, docs = snapshot(repo / "site"), snapshot(repo / "build" / "docs")
    assert "index.html" in site
    # A control character: a warning, which fails a strict build.
    text = (SEEDS / SMALL[0]).read_text().replace("\n\n", "\n\n\x0b", 1)
    (repo / "content" / "dumps" / "009_warning.txt").write_text(text)
    result = generator(repo, "site", "-q")
    assert result.returncode == 1
    assert "control character U+000B removed" in result.stdout  # MkDocs prints its abort there
    assert "is as it was" in result.stderr.strip().splitlines()[-1]
    assert snapshot(repo / "site") == site
    assert snapshot(repo / "build" / "docs") == docs
    assert beside(repo / "site") == [] and beside(repo / "build" / "docs") == []


# --- kill -9 and concurrent builds ------------------------------------------------------------


def _two_trees(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The tree of the small corpus (old) and of the small corpus plus one dump (new)."""
    assert generator(repo, "build", "-q").returncode == 0
    old = snapshot(repo / "build" / "docs")
    shutil.copy(SEEDS / "003_104b885567196c9d.txt", repo / "content" / "dumps")
    assert generator(repo, "build", "-q").returncode == 0
    new = snapshot(repo / "build" / "docs")
    (repo / "content" / "dumps" / "003_104b885567196c9d.txt").unlink()
    assert generator(repo, "build", "-q").returncode == 0
    assert snapshot(repo / "build" / "docs") == old != new
    return old, new


def test_kill_9_during_the_write_stage_leaves_the_old_tree_or_the_new_one(repo: Path) -> None:
    docs = repo / "build" / "docs"
    old, new = _two_trees(repo)
    shutil.copy(SEEDS / "003_104b885567196c9d.txt", repo / "content" / "dumps")
    rng = random.Random(20261206)
    outcomes = {"old": 0, "new": 0}
    for _ in range(20):
        (repo / "content" / "slugs.tsv").unlink(missing_ok=True)
        if snapshot(docs) != old:  # start each trial from the old tree
            (repo / "content" / "dumps" / "003_104b885567196c9d.txt").rename(repo / "held.txt")
            assert generator(repo, "build", "-q").returncode == 0
            (repo / "held.txt").rename(repo / "content" / "dumps" / "003_104b885567196c9d.txt")
        process = start(repo, "build", "-q")
        # Wait for the write stage (its staging tree appears), then kill at a random point.
        deadline = time.monotonic() + 60
        while not list(docs.parent.glob(".docs.staging-*")) and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.15))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = snapshot(docs)
        assert now in (old, new), "a killed build left a tree that is neither old nor new"
        outcomes["old" if now == old else "new"] += 1
    assert outcomes["old"] >= 1  # the kills did land inside the write stage
    # What the killed builds left beside the output goes with the next build.
    assert generator(repo, "build", "-q").returncode == 0
    assert snapshot(docs) == new
    assert beside(docs) == []


def test_kill_9_during_make_site_leaves_the_previous_site_whole(repo: Path) -> None:
    extra = repo / "content" / "dumps" / "003_104b885567196c9d.txt"
    started = time.monotonic()
    assert generator(repo, "site", "-q").returncode == 0
    seconds = time.monotonic() - started
    site = snapshot(repo / "site")
    shutil.copy(SEEDS / extra.name, extra)
    assert generator(repo, "site", "-q").returncode == 0
    new_site = snapshot(repo / "site")
    extra.unlink()
    assert generator(repo, "site", "-q").returncode == 0
    assert snapshot(repo / "site") == site != new_site
    shutil.copy(SEEDS / extra.name, extra)
    landed = 0
    for share in (0.1, 0.4, 0.7):
        # A session of its own: the kill takes mkdocs too, as a closed terminal would.
        process = start(repo, "site", "-q", start_new_session=True)
        time.sleep(share * seconds)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        now = snapshot(repo / "site")
        assert now in (site, new_site), "a killed `make site` left a site that is neither"
        landed += now == site
    assert landed >= 1  # a kill did land before the end
    assert generator(repo, "site", "-q").returncode == 0
    assert snapshot(repo / "site") == new_site
    assert beside(repo / "site") == [] and beside(repo / "build" / "docs") == []


def test_concurrent_builds_never_mix_two_corpora(tmp_path: Path) -> None:
    """Two builds of one clone at once, from different dump directories into the same
    output: each run leaves a whole tree of one corpus; a second one waits for the first."""
    repo = fresh_copy(tmp_path)
    other = repo / "other-dumps"
    other.mkdir()
    shutil.copy(SEEDS / "001_36019720e30c5c20.txt", other)
    docs = repo / "build" / "docs"
    assert generator(repo, "build", "-q").returncode == 0
    tree_a = snapshot(docs)
    assert generator(repo, "build", "-q", "--dumps", "other-dumps").returncode == 0
    tree_b = snapshot(docs)
    assert tree_a != tree_b
    for trial in range(6):
        commands = [["build"], ["build", "--dumps", "other-dumps"]]
        if trial % 2:
            commands.reverse()
        processes = [start(repo, *command, "-q", stderr=subprocess.PIPE) for command in commands]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
        assert [code for code, _ in results] == [0, 0], results
        assert snapshot(docs) in (tree_a, tree_b)
    assert beside(docs) == []


def test_a_build_during_make_site_waits_until_mkdocs_has_read_build_docs(repo: Path) -> None:
    """`make site` of one corpus while `build` writes another (as `make serve` would on
    a new dump): the site is wholly of the first corpus, build/docs ends as the second."""
    other = repo / "other-dumps"
    other.mkdir()
    shutil.copy(SEEDS / "001_36019720e30c5c20.txt", other)
    docs = repo / "build" / "docs"
    assert generator(repo, "build", "-q", "--dumps", "other-dumps").returncode == 0
    tree_b = snapshot(docs)
    assert generator(repo, "site", "-q").returncode == 0
    pages_a = sorted(p.parent.name for p in (repo / "site" / "papers").glob("*/index.html"))
    site = start(repo, "site", "-q")
    time.sleep(1.0)  # mkdocs is building from build/docs
    other_build = generator(repo, "build", "-q", "--dumps", "other-dumps")
    assert site.wait(timeout=300) == 0 and other_build.returncode == 0
    pages = sorted(p.parent.name for p in (repo / "site" / "papers").glob("*/index.html"))
    assert pages == pages_a
    assert snapshot(docs) == tree_b


def test_a_second_build_that_cannot_wait_names_the_first(repo: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from generator import lock; "
            "lock.acquire(Path('build/docs')); print('held', flush=True); time.sleep(60)",
        ],
        cwd=repo,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        result = generator(repo, "build", PAPER_ATLAS_LOCK_WAIT="1")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    no_traceback(result)
    assert "Waiting for another build of " in result.stderr
    docs = (repo / "build" / "docs").resolve()
    assert f"another build is writing '{docs}' (pid {holder.pid}: " in result.stderr


# --- file names ------------------------------------------------------------------------------


def test_file_names_that_cannot_be_shown_safely_are_refused(repo: Path) -> None:
    dumps = repo / "content" / "dumps"
    docs = repo / "build" / "docs"
    assert generator(repo, "build", "-q").returncode == 0
    before = snapshot(docs)
    text = (SEEDS / SMALL[0]).read_bytes()
    cases = [
        (os.fsencode(dumps) + b"/006_\xff\xfe.txt", "is not valid UTF-8"),
        (os.fsencode(dumps / "007_two\nlines.txt"), "holds a control character"),
    ]
    for raw, message in cases:
        with open(raw, "wb") as handle:
            handle.write(text)
        for command in ("check", "build"):
            result = generator(repo, command)
            assert result.returncode == 1, result.stderr
            no_traceback(result)
            assert message in result.stderr
        assert snapshot(docs) == before
        os.unlink(raw)


def test_symlinks_out_of_the_repository_and_dangling_ones_are_refused(repo: Path) -> None:
    dumps = repo / "content" / "dumps"
    outside = repo.parent / "outside.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (dumps / "008_passwd.txt").symlink_to(outside)
    result = generator(repo, "check")
    assert result.returncode == 1
    assert "content/dumps/008_passwd.txt: leads out of the repository" in result.stderr
    assert "root:x" not in result.stderr + result.stdout  # never quoted into a (public) log
    (dumps / "008_passwd.txt").unlink()
    (dumps / "008_gone.txt").symlink_to(dumps / "nothing-here.txt")
    result = generator(repo, "check")
    assert result.returncode == 1
    assert "content/dumps/008_gone.txt: symbolic link to a file that does not exist" in (
        result.stderr
    )
    (dumps / "008_gone.txt").unlink()
    # A link to a dump inside the repository is fine, and shown under its own name.
    (repo / "shared.txt").write_bytes((SEEDS / "001_36019720e30c5c20.txt").read_bytes())
    (dumps / "008_shared.txt").symlink_to(repo / "shared.txt")
    result = generator(repo, "check")
    assert result.returncode == 0, result.stderr
    assert "content/dumps/008_shared.txt" in result.stdout


# --- hostile text, as a reader's browser sees it ---------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = fresh_copy(tmp_path_factory.mktemp("hostile"), dumps=(SMALL[0],))
    shutil.copy(HOSTILE, repo / "content" / "dumps" / HOSTILE.name)
    shutil.copy(SEEDS / SMALL[1], repo / "content" / "dumps" / XSS_NAME)
    result = generator(repo, "site")  # strict: fails on the control character's warning
    assert result.returncode == 1
    assert "001_hostile_texts.txt:63: warning: control character U+001B removed" in result.stdout
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],  # not strict: the warning is the point
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return repo


def test_a_file_name_with_html_renders_as_text_on_every_page(hostile_site: Path) -> None:
    site = hostile_site / "site"
    shown = 0
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "<img src=x" not in html and 'onerror="alert' not in html, page
        shown += XSS_NAME in unescape(html)
    assert shown >= 3  # the home, health and paper pages show the name, as text


def test_markdown_block_syntax_in_an_abstract_renders_as_text(hostile_site: Path) -> None:
    papers = hostile_site / "site" / "papers"
    for slug, start in [
        ("danger-ahead-an-admonition-probe", '!!! danger "Pwned" This abstract'),
        ("collapsible-trouble-in-abstracts", '???+ warning "Open" This abstract'),
    ]:
        html = (papers / slug / "index.html").read_text()
        # The page's own collapsible block is its Sources; the abstract draws none.
        assert 'class="admonition danger' not in html and '<details class="warning' not in html
        assert html.count("<details") == 1 and '<details class="info">' in html
        assert f"<p>{start}" in unescape(html)


def test_reserved_and_letterless_titles_get_pages_of_their_own(hostile_site: Path) -> None:
    docs = hostile_site / "build" / "docs" / "papers"
    assert not (docs / "index.md").exists() and not (docs / "paper.md").exists()
    assert "# Index\n" in (docs / "index-paper.md").read_text()
    letterless = [
        p
        for p in docs.glob("paper-*.md")
        if p.read_text().split("\n# ", 1)[1].startswith(("&#45;--", "&#33;!!", "🚀"))
    ]
    assert len(letterless) == 3


def test_feeds_stay_valid_xml_and_csv_cells_cannot_be_formulas(hostile_site: Path) -> None:
    site = hostile_site / "site"
    for feed in [site / "feed.xml", *site.glob("topics/*/feed.xml")]:
        ET.parse(feed)  # raises on a control character
    assert "\x1b" not in (site / "feed.xml").read_text()
    csv = (site / "exports" / "papers.csv").read_text()
    assert "'=HYPERLINK(" in csv and ",=HYPERLINK(" not in csv and '"=HYPERLINK' not in csv


# --- URLs ------------------------------------------------------------------------------------


def test_a_published_url_never_moves_when_an_earlier_dump_arrives(repo: Path) -> None:
    assert generator(repo, "build", "-q").returncode == 0
    papers = repo / "build" / "docs" / "papers"
    records = (repo / "content" / "slugs.tsv").read_text().splitlines()
    # A paper whose title is longer than a slug: another title that only adds words at
    # the end has the same slug.
    slug, _, key = next(
        line.split("\t") for line in records if not line.startswith("#") and len(line) > 200
    )
    page = papers / f"{slug}.md"
    # A dump whose name sorts first, holding that other paper.
    header = "new\n\nSubscribe\n\nbyAK and the research community\n\n"
    card = f"{key} and more\n\nAn abstract of another paper. It has two sentences.\n"
    (repo / "content" / "dumps" / "000_aaa.txt").write_text(header + card)

    def heading() -> str:
        return page.read_text().split("\n# ", 1)[1].split("\n", 1)[0]

    before = heading()
    assert generator(repo, "build", "-q").returncode == 0
    assert heading() == before  # the page did not move, nor change hands
    assert len(list(papers.glob(f"{page.stem}-*.md"))) == 1  # the newcomer got a suffix
    assert set(records) < set((repo / "content" / "slugs.tsv").read_text().splitlines())


# --- found by review: each of these did harm before -----------------------------------------


@pytest.mark.parametrize("site_dir", [".", "content", "build", "generator"])
def test_make_site_refuses_a_site_directory_it_must_not_replace(repo: Path, site_dir: str) -> None:
    before = snapshot(repo / "content")
    result = generator(repo, "site", "--site-dir", site_dir, "-q")
    assert result.returncode == 1
    no_traceback(result)
    assert "refusing to write the site into" in result.stderr
    assert snapshot(repo / "content") == before
    assert (repo / "generator" / "build.py").is_file() and (repo / "mkdocs.yml").is_file()


def test_concurrent_builds_with_new_papers_record_each_url_once(repo: Path) -> None:
    shutil.copy(SEEDS / "003_104b885567196c9d.txt", repo / "content" / "dumps")
    processes = [start(repo, "build", "-q", stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    lines = [
        line
        for line in (repo / "content" / "slugs.tsv").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert len(lines) == len({line.split("\t")[0] for line in lines})
    assert generator(repo, "check").returncode == 0


def test_a_linked_dumps_directory_leading_out_is_refused(repo: Path) -> None:
    outside = repo.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("AWS_SECRET=hunter2\n")
    shutil.rmtree(repo / "content" / "dumps")
    (repo / "content" / "dumps").symlink_to(outside)
    result = generator(repo, "check")
    assert result.returncode == 1
    assert "leads out of the repository" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout


def test_odd_paths_and_settings_give_one_line_errors_not_tracebacks(repo: Path) -> None:
    dumps = repo / "content" / "dumps"
    (dumps / "loop.txt").symlink_to(dumps / "loop.txt")
    (dumps / "007_\u202etxt.md").write_text("x")  # a right-to-left override in the name
    result = generator(repo, "check")
    assert result.returncode == 1
    no_traceback(result)
    assert "cannot be followed (a loop?)" in result.stderr
    assert "direction override" in result.stderr
    (dumps / "loop.txt").unlink()
    (dumps / "007_\u202etxt.md").unlink()
    for out in ("README.md/x", "/proc/x"):
        result = generator(repo, "build", "--out", out)
        assert result.returncode == 1, out
        no_traceback(result)
    result = generator(repo, "build", PAPER_ATLAS_LOCK_WAIT="abc")
    assert result.returncode == 1
    no_traceback(result)
    assert "PAPER_ATLAS_LOCK_WAIT='abc' is not a number of seconds" in result.stderr


def test_a_linked_output_is_refused_and_a_users_links_and_folders_are_kept(repo: Path) -> None:
    target = repo.parent / "elsewhere"
    target.mkdir()
    (repo / "build" / "linked").symlink_to(target)
    result = generator(repo, "build", "--out", "build/linked")
    assert result.returncode == 1
    assert "is a symbolic link" in result.stderr
    docs = repo / "build" / "docs"
    assert generator(repo, "build", "-q").returncode == 0
    (docs / "my-notes").mkdir()
    (docs / "link-to-notes").symlink_to("my-notes")
    shutil.copy(SEEDS / "003_104b885567196c9d.txt", repo / "content" / "dumps")
    assert generator(repo, "build", "-q").returncode == 0
    assert (docs / "my-notes").is_dir() and (docs / "link-to-notes").is_symlink()
