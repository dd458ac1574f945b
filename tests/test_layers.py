"""evalkit's parts point downward: every module of src/evalkit is parsed (imports inside functions
included) into a graph of which module imports which, and the graph is checked.

Only the module an import names is an edge (``from .layout import Cells`` -> ``...layout``,
``from . import platforms`` -> ``...platforms``); the parent packages Python initialises on the way
are not, so a package whose ``__init__`` re-exports its modules is not a cycle by itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "evalkit"
# what ingest, the layer that reads the user's files, may not reach up into
ABOVE_INGEST = ("weights", "score", "analysis", "report", "run", "cli", "templates")
# modules at the very bottom: they import nothing of evalkit
BOTTOM = ("fileio", "system", "saaty")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name."""
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name of the module a ``from ... import`` names."""
    if node.level == 0:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports_of(name: str, path: Path, known: Iterable[str]) -> set[str]:
    """The modules of the package that *name* imports, anywhere in its code."""
    known = set(known)
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(name, is_package, node)
            if target.split(".")[0] != PACKAGE:
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & known  # from pkg import module
            out.update(subs or {target})
    return {m for m in out if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of evalkit it imports."""
    mods = modules()
    return {name: imports_of(name, path, mods) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]], within: str = "") -> list[list[str]]:
    """The import cycles among the modules whose names start with *within* (strongly connected
    components of more than one module, or a module importing itself), each sorted."""
    nodes = [n for n in graph if n.startswith(within)]
    sub = {n: {m for m in graph[n] if m.startswith(within)} for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's algorithm; the graph is a few hundred modules
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(sub[v]):
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
            if len(comp) > 1 or v in sub[v]:
                found.append(sorted(comp))

    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return found


def part_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between evalkit's parts (``evalkit.ingest``, ``evalkit.weights``, ``evalkit.spec``,
    ...): a part imports another when one of its modules imports one of the other's."""

    def part(m: str) -> str:
        return ".".join(m.split(".")[:2])

    out: dict[str, set[str]] = {}
    for name, targets in graph.items():
        out.setdefault(part(name), set()).update(part(t) for t in targets if part(t) != part(name))
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_sees_imports_inside_functions(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE / "ingest"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text(
        "from . import b\nfrom .. import errors\n"
        "def f():\n    from ..weights.ahp import x\n    import evalkit.report\n",
        encoding="utf-8",
    )
    known = {"evalkit.ingest.b", "evalkit.errors", "evalkit.weights.ahp", "evalkit.report"}
    got = imports_of("evalkit.ingest.a", pkg / "a.py", known)
    assert got == known
    loop = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(loop) == [["a", "b", "c"]]
    parts = {"evalkit.x.a": {"evalkit.y.b"}, "evalkit.y.b": {"evalkit.y.c"}, "evalkit.y.c": set()}
    assert part_graph(parts) == {"evalkit.x": {"evalkit.y"}, "evalkit.y": set()}


def test_no_import_cycle_among_the_ingest_modules(graph: dict[str, set[str]]) -> None:
    assert "evalkit.ingest.platforms.read" in graph  # the packages are seen
    assert cycles(graph, "evalkit.ingest") == []


def test_ingest_imports_nothing_above_it(graph: dict[str, set[str]]) -> None:
    wrong = sorted(
        (name, target)
        for name, targets in graph.items()
        if name.startswith(f"{PACKAGE}.ingest")
        for target in targets
        if target.split(".")[1] in ABOVE_INGEST
    )
    assert wrong == []


def test_bottom_modules_import_nothing_of_evalkit(graph: dict[str, set[str]]) -> None:
    for name in BOTTOM:
        assert graph[f"{PACKAGE}.{name}"] == set(), name


def _functions(path: Path) -> list[tuple[str, int, int, str]]:
    """(name, first line, length, the lines just above and on the def) of every function."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out = []
    for f in ast.walk(ast.parse(text)):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([f.lineno, *(d.lineno for d in f.decorator_list)])
            around = "\n".join(lines[max(0, first - 3) : f.lineno])
            out.append((f.name, f.lineno, f.end_lineno - f.lineno + 1, around))  # type: ignore[operator]
    return out


@pytest.mark.parametrize("package", ["platforms", "judgment_formats"])
def test_importers_have_short_modules_and_functions(package: str) -> None:
    """One concept per module: no module over 1,000 lines, no function over 100 lines unless a
    comment beside it (``# long: <why>``) says why."""
    for path in sorted((SRC / PACKAGE / "ingest" / package).glob("*.py")):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 1000, path.name
        for name, line, length, around in _functions(path):
            assert length <= 100 or "# long:" in around, f"{path.name}:{line} {name}: {length}"
