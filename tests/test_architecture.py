"""The code's shape: one owner per concept, no import cycles, no paths in templates."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"


def runtime_imports(path: Path) -> set[str]:
    """The package modules a module imports when it runs (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in tree.body:  # top level only: imports inside functions are lazy on purpose
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            base = (node.module or "").split(".")[0]
            names = [base] if base else [alias.name for alias in node.names]
            found.update(name for name in names if (PACKAGE / f"{name}.py").exists()
                         or (PACKAGE / name).is_dir())  # fmt: skip
    return found


def test_the_generator_modules_import_each_other_without_a_cycle() -> None:
    graph = {p.stem: runtime_imports(p) for p in PACKAGE.glob("*.py")}
    graph["parse"] = set().union(*(runtime_imports(p) for p in (PACKAGE / "parse").glob("*.py")))
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == "done":
            return
        assert state.get(module) != "open", f"import cycle: {' -> '.join([*trail, module])}"
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            visit(target, [*trail, module])
        state[module] = "done"

    for module in sorted(graph):
        visit(module, [])
    # The render layer: pages depend on listings, never the other way round.
    assert "render" not in graph["listings"]


def test_templates_hold_no_paths_routes_owns_them() -> None:
    for template in (PACKAGE / "templates").glob("*.j2"):
        text = template.read_text()
        links = re.findall(r"\]\(([^)]*)\)", text)
        assert all(link.startswith("{{") for link in links), (template.name, links)
        assert not re.search(r'(?:href|src)="(?!\{\{)', text), template.name


def test_no_module_but_routes_writes_a_page_path() -> None:
    for module in PACKAGE.glob("*.py"):
        if module.name == "routes.py":
            continue
        assert 'PurePosixPath("papers"' not in module.read_text(), module.name
        assert 'PurePosixPath("topics"' not in module.read_text(), module.name
