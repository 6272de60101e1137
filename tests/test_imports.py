"""No import cycle between storycheck's modules, and every ``__all__`` names something that exists.

The graph counts every ``import`` / ``from ... import`` statement anywhere in a module: at module level,
inside functions (a deferred import still ties the two modules together, it only hides the cycle from
the interpreter until run time) and under ``if TYPE_CHECKING:`` (a type-only cycle is still a layering
error: the type belongs below both users). ``from package import name`` is an edge to ``package`` and,
when ``name`` is itself a module, to ``package.name``. A package's ``__init__`` is the module named after
the package. Only edges between storycheck's own modules are kept.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "storycheck"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in known}
    base = here if is_package else here.rpartition(".")[0]
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    mod = ".".join(x for x in (base if node.level else "", node.module or "") if x)
    out = {mod} if mod in known else set()
    out |= {f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in known}
    return out


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges |= _targets(node, name, path.name == "__init__.py", known)
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_graph_sees_known_edges():
    graph = import_graph()
    assert "storycheck._records" in graph["storycheck.store._common"]
    assert "storycheck._types" in graph["storycheck.group._cluster"]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in graph[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen


def test_store_does_not_import_group():
    """Storage keeps grouping's records (storycheck._records) without knowing grouping: no module of
    ``store`` reaches ``group``, directly or through another module."""
    graph = import_graph()
    for name in (n for n in graph if n == "storycheck.store" or n.startswith("storycheck.store.")):
        reached = {m for m in _reachable(graph, name) if m == "storycheck.group" or m.startswith("storycheck.group.")}
        assert not reached, f"{name} imports {sorted(reached)}"


def test_group_re_exports_the_shared_records():
    import storycheck._records as records
    import storycheck.group as group

    for name in ("ArticleFeatures", "Batch", "Duplicate", "StoryUpdate", "Vocabulary", "band_keys", "content_hash"):
        assert getattr(group, name) is getattr(records, name), name


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize("name", sorted(n for n, p in _modules().items() if "__all__" in p.read_text(encoding="utf-8")))
def test_all_names_exist(name):
    mod = importlib.import_module(name)
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"
    assert len(set(mod.__all__)) == len(mod.__all__), f"{name}.__all__ repeats a name"


def bench_graph() -> dict[str, set[str]]:
    """Which of bench/'s scripts imports which (they import one another by bare name, bench/ on sys.path)."""
    bench = SRC.parent / "bench"
    names = {p.stem for p in bench.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for p in sorted(bench.glob("*.py")):
        edges: set[str] = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"), filename=str(p))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module in names:
                edges.add(node.module)
        graph[p.stem] = edges - {p.stem}
    return graph


def test_bench_scripts_have_no_import_cycle():
    graph = bench_graph()
    assert "machine" in graph["run"] and "machine" in graph["claims_grouping"]
    found = cycles(graph)
    assert not found, "import cycles in bench/:\n" + "\n".join(" <-> ".join(c) for c in found)
