"""The import contract: data flows one way through the layers of ml4a_figs.

core (numpy training code) -> style -> figures -> pipeline (build engine) -> notebooks
-> site, the only layer that imports MkDocs. The translation code is plain Python too.
Checked twice: statically (what each module's source imports, functions included) and
by importing each layer in a fresh interpreter and looking at sys.modules.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "ml4a_figs"

# A module may import from its own layer and the layers before it, never after.
LAYERS = ["core", "style", "figures", "pipeline", "mathrender", "notebooks", "i18n", "print_edition",
          "site"]


def _modules() -> dict[str, Path]:
    """Every module of the package but the `__main__` entry points, which wire layers
    together by design."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(module: str, path: Path) -> set[str]:
    """The ml4a_figs modules `module` imports anywhere in its source."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # `from pkg import sub` needs the submodule; `from mod import name`, the module
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("ml4a_figs.") and name != module:
                found.add(name)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def test_the_layers_are_folders_a_newcomer_sees():
    for layer in ("core", "figures", "pipeline", "notebooks", "site"):
        assert (PACKAGE / layer / "__init__.py").is_file(), layer


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_imports_flow_one_way(module):
    rank = LAYERS.index(_layer(module))
    upstream = sorted(m for m in GRAPH[module]
                      if _layer(m) and LAYERS.index(_layer(m)) > rank)
    assert not upstream, f"{module} ({_layer(module)}) imports a later layer: {upstream}"


def test_no_import_circle():
    # Tarjan's strongly connected components over the module graph
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in GRAPH.get(node, ()):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"


def _loaded_after_import(modules: list[str], roots: tuple[str, ...]) -> list[str]:
    code = ("import importlib, json, sys\n"
            f"for name in {modules!r}:\n    importlib.import_module(name)\n"
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(roots)!r})))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _of(layer: str) -> list[str]:
    return sorted(m for m in MODULES if _layer(m) == layer)


def test_the_training_core_imports_no_drawing_site_or_notebook_library():
    loaded = _loaded_after_import(_of("core"), ("matplotlib", "mkdocs", "material", "nbclient",
                                                "nbconvert", "sklearn"))
    assert loaded == [], f"importing the training core loads {loaded}"


def test_only_the_site_imports_mkdocs():
    modules = [m for layer in ("core", "figures", "pipeline", "notebooks") for m in _of(layer)]
    loaded = _loaded_after_import(modules + ["ml4a_figs.style", "ml4a_figs.mathrender"],
                                  ("mkdocs", "material", "mkdocs_jupyter"))
    assert loaded == [], f"importing the layers before site/ loads {loaded}"


def test_the_translation_code_does_not_import_mkdocs():
    modules = sorted(m for m in MODULES if m == "ml4a_figs.i18n" or m.startswith("ml4a_figs.i18n."))
    assert modules
    loaded = _loaded_after_import(modules, ("mkdocs", "material", "mkdocs_jupyter"))
    assert loaded == [], f"importing the translation code loads {loaded}"
