"""The package namespace: cheap import, useful tab completion, submodules on first use."""

from __future__ import annotations

import subprocess
import sys

import coop_analysis as ca


def test_import_loads_neither_pandas_nor_matplotlib() -> None:
    code = "import sys, coop_analysis; print(sorted(m for m in ('pandas', 'matplotlib', 'pandera', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tab_completion_lists_what_users_need() -> None:
    names = dir(ca)
    assert {"profiles", "figures", "plots", "narrative", "reports", "validate"} <= set(names)
    assert {"load_facts", "view", "long_form", "describe", "export", "use_chinese_font", "chinese_plots"} <= set(names)
    assert not {"annotations", "fileio", "paths", "cli", "importlib"} & set(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]


def test_submodules_import_on_first_use() -> None:
    code = "import sys, coop_analysis as ca; assert 'coop_analysis.profiles' not in sys.modules; print(ca.profiles.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "coop_analysis.profiles"


def test_every_public_name_exists() -> None:
    for name in ca.__all__:
        assert getattr(ca, name) is not None
    try:
        ca.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def _import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports (at the top or inside a function). The package's
    ``__init__`` is left out: a lazy facade (submodules on first use) that every module may import
    ``__version__`` from."""
    import ast
    from pathlib import Path

    root = Path(ca.__file__).parent
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names[path] = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    modules = set(names.values())
    graph: dict[str, set[str]] = {}
    for path, name in names.items():
        deps = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coop_analysis"):
                for alias in node.names:  # `from pkg import submodule` depends on the submodule only
                    sub = f"{node.module}.{alias.name}"
                    deps.add(sub if sub in modules else node.module)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in modules}
        deps.discard(name)
    graph.pop("coop_analysis", None)
    return {name: deps - {"coop_analysis"} for name, deps in graph.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


#: Import circles that predate this test (lazy imports inside functions); none may be added.
KNOWN_CYCLES = [
    {"coop_analysis.datasets", "coop_analysis.meta", "coop_analysis.views", "coop_analysis.money"},
]


def test_no_new_import_circles() -> None:
    cycles = _cycles(_import_graph())
    new = [c for c in cycles if not any(c <= known for known in KNOWN_CYCLES)]
    assert not new, f"import circles between modules: {[sorted(c) for c in new]}"
    report_text = {"coop_analysis.narrative", "coop_analysis.profiles", "coop_analysis.story", "coop_analysis.labels"}
    assert not any(len(c & report_text) > 1 for c in cycles)  # the narrative ↔ profiles circle is broken


def test_the_cycle_check_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
