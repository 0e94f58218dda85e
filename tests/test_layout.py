"""The layout shows the architecture: no import cycle, imports at the top, small modules, a pure compiler."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "normalize_engine"
#: Modules that are not engine modules, or are owned by another piece of work: not held to the size.
LONG_ALLOWED = {"_cli.py": "the command line (issue 17)", "_changes.py": "the generated change table"}
MAX_LINES = 330  # "at most about 300"
#: The documented lazy loading: ``import normalize_engine`` loads its functions on first use (see
#: __init__.py) and the registries and the compiler only when a chain is first planned (``_plan.machinery``,
#: issue 18); ``wrap()`` loads the aiohttp transport (an optional extra) only for an aiodocker client; the
#: autoinstall module, imported at every start of a switched-on interpreter, imports its command line's
#: modules in ``main()``; the orjson decoder (the fast extra) is imported at the first decode.
LAZY = {
    ("__init__.py", "__getattr__"),
    ("_plan.py", "machinery"),
    ("docker_py.py", "_aiohttp"),
    ("autoinstall.py", "main"),
    ("_decoding.py", "_import_orjson"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        parts = parts if is_package else parts[:-1]
        parts = parts[: len(parts) - node.level + 1]
        base = ".".join(parts + ([node.module] if node.module else []))
    names = [f"{base}.{alias.name}" for alias in node.names] if node.module is None else [base]
    return [n for n in names if n == "normalize_engine" or n.startswith("normalize_engine.")]


def _top_level_imports(module: str, path: Path) -> set[str]:
    """The package modules ``module`` imports when it is imported (TYPE_CHECKING blocks aside)."""
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    known = _modules()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(sub, ast.ImportFrom):
                for name in _resolve(module, path.name == "__init__.py", sub):
                    while name not in known and "." in name:
                        name = name.rsplit(".", 1)[0]
                    found.add(name)
            elif isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names if a.name in known)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    return {name: _top_level_imports(name, path) for name, path in _modules().items()}


def test_no_import_cycle() -> None:
    graph = _graph()
    # A package imports its parent package's __init__ implicitly; that is not an edge of the cycle.
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if node.startswith(dep + "."):
                continue  # a submodule importing its own package's __init__ (already loading)
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep) :], dep] if dep in stack else [node, dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_every_import_is_at_the_top_of_its_module() -> None:
    late = []
    for name, path in _modules().items():
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (path.name, func.name) in LAZY:
                continue
            for sub in ast.walk(func):
                if isinstance(sub, ast.Import | ast.ImportFrom):
                    late.append(f"{name}.{func.name}: line {sub.lineno}")
    assert not late, late


def test_engine_modules_are_small() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if path.name not in LONG_ALLOWED and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, long


def test_the_compiler_imports_only_the_dsl() -> None:
    graph = _graph()
    allowed = ("normalize_engine.changes", "normalize_engine._compiler", "normalize_engine._errors")
    for name, deps in graph.items():
        if name.startswith("normalize_engine._compiler"):
            outside = {d for d in deps if not d.startswith(allowed) and d != "normalize_engine"}
            assert not outside, (name, outside)


def test_the_dsl_imports_no_engine_machinery() -> None:
    graph = _graph()
    allowed = ("normalize_engine.changes", "normalize_engine._errors", "normalize_engine._context")
    for name, deps in graph.items():
        if name.startswith("normalize_engine.changes"):
            outside = {d for d in deps if not d.startswith(allowed) and d != "normalize_engine"}
            assert not outside, (name, outside)


def test_content_imports_only_the_public_dsl() -> None:
    content = PACKAGE.parent / "schemas"
    wrong = []
    for path in sorted(content.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
            public = module == "normalize_engine.changes" or module.startswith("normalize_engine.changes.")
            if module.startswith("normalize_engine") and not public:
                wrong.append(f"schemas/{path.name}:{node.lineno}: from {module}")
    assert not wrong, wrong


def test_content_hooks_take_what_they_change_through_own_and_edit() -> None:
    """One hook idiom (normalize_engine.changes.hooks): ``own(data)``/``edit(obj, key)``, not a copy of
    their own (``dict(data)``, ``{**data, "Key": value}``), which would copy again what the library owns."""
    content = PACKAGE.parent / "schemas"
    copies = []
    for path in sorted(content.glob("v1_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "dict"
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Name)
            ) or (
                # {**data, "Key": value}: a copy, then changes (a new object with keys in an order of its
                # own, {"Type": ..., **data}, is not a copy)
                isinstance(node, ast.Dict)
                and len(node.keys) > 1
                and node.keys[0] is None
                and all(key is not None for key in node.keys[1:])
            ):
                copies.append(f"schemas/{path.name}:{node.lineno}: write own(...) or edit(...)")
    assert not copies, copies
