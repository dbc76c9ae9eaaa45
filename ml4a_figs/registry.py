"""Figure declarations and the content-keyed cache that decides what to redraw.

A figure is declared once, next to its code, with `declare(...)`. Its cache key
is a hash of everything that can change its pixels: the source of its compute
and draw functions (and the module-level helpers they reach), the files of the
ml4a_figs modules those functions use, its parameters and the versions of the
libraries that draw it. Timestamps play no part, so a fresh clone with a warm
`figures/` directory redraws nothing.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.metadata
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

PACKAGE_DIR = Path(__file__).resolve().parent

# Bump when the way outputs are written changes, so every stamp goes stale.
CACHE_FORMAT = 1

# Everything that draws or computes pixels; a version change redraws all.
PINNED_LIBRARIES = ("numpy", "matplotlib", "pillow", "scikit-learn")

@dataclass(frozen=True)
class Figure:
    """One output of the build: `draw(**compute(**params))`, written in each format.

    Read from the source without importing it (see `scan`), so checking what is
    stale costs no matplotlib import; the functions are imported only to draw.
    """

    name: str
    path: Path  # the module that declares it
    line: int
    compute: str  # names of top-level functions in that module
    draw: str
    alt: str
    formats: tuple[str, ...] = ("svg",)
    params: dict = field(default_factory=dict)
    phone: bool = False  # also drawn in the phone layout (stacked panels, see style.py)

    @property
    def module(self) -> str:
        return _dotted_name(self.path)

    def output_names(self) -> list[str]:
        """Each format in the light theme, then (pictures only) in the dark one, and
        both again in the phone layout if the figure has one."""
        return [self.output_name(fmt, theme, layout) for layout, theme in self.variants()
                for fmt in self.formats if (layout, theme) == ("wide", "light") or fmt != "json"]

    def variants(self) -> list[tuple[str, str]]:
        """(layout, theme) pairs drawn: data (json) has neither; a picture is drawn for
        the light and the dark page, and for the phone if it declares `phone=True`."""
        if set(self.formats) == {"json"}:
            return [("wide", "light")]
        layouts = ("wide", "phone") if self.phone else ("wide",)
        return [(layout, theme) for layout in layouts for theme in ("light", "dark")]

    def output_name(self, fmt: str, theme: str = "light", layout: str = "wide") -> str:
        parts = [self.name] + (["phone"] if layout == "phone" else []) + (
            ["dark"] if theme == "dark" else []) + [fmt]
        return ".".join(parts)

    def functions(self) -> tuple[Callable[..., dict], Callable[..., Any]]:
        module = importlib.import_module(self.module)
        return getattr(module, self.compute), getattr(module, self.draw)


def declare(name: str, *, compute: Callable, draw: Callable, alt: str,
            formats: tuple[str, ...] = ("svg",), params: dict | None = None,
            phone: bool = False) -> None:
    """Declare a figure at module level. Arguments must be literals (and function
    names), because the registry reads declarations without running the module."""
    if not callable(compute) or not callable(draw):
        raise TypeError(f"figure {name!r}: compute and draw must be functions")


def figure_module_paths() -> list[Path]:
    return [PACKAGE_DIR / "facts.py"] + sorted((PACKAGE_DIR / "figures").glob("[!_]*.py"))


class DeclarationError(ValueError):
    pass


def _read_declarations(path: Path) -> list[Figure]:
    rel = path.relative_to(PACKAGE_DIR.parent)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))
    defs = _top_level_definitions(tree)
    found = []
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "declare"):
            continue
        where = f"{rel}:{node.lineno}"
        try:
            (name_node,) = call.args
            name = ast.literal_eval(name_node)
            kwargs = {k.arg: k.value for k in call.keywords}
            funcs = {}
            for role in ("compute", "draw"):
                ref = kwargs.pop(role)
                if not (isinstance(ref, ast.Name) and isinstance(defs.get(ref.id), ast.FunctionDef)):
                    raise DeclarationError(f"{where}: {role}= must name a function defined in this module")
                funcs[role] = ref.id
            literals = {k: ast.literal_eval(v) for k, v in kwargs.items()}
        except DeclarationError:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise DeclarationError(
                f"{where}: declare() takes the figure name, compute=, draw= and literal "
                f"alt=, formats=, params= ({exc})") from None
        found.append(Figure(name=name, path=path, line=node.lineno, alt=literals.pop("alt"),
                            formats=tuple(literals.pop("formats", ("svg",))),
                            params=dict(literals.pop("params", {}) or {}),
                            phone=bool(literals.pop("phone", False)), **funcs))
        if literals:
            raise DeclarationError(f"{where}: unknown declare() arguments {sorted(literals)}")
    return found


def scan() -> dict[str, Figure]:
    """Every declared figure, by name, read from the source files."""
    registry: dict[str, Figure] = {}
    for path in figure_module_paths():
        if not path.is_file():
            continue
        for fig in _read_declarations(path):
            if fig.name in registry:
                first = registry[fig.name]
                raise DeclarationError(
                    f"figure {fig.name!r} is declared twice: "
                    f"{first.path.name}:{first.line} and {fig.path.name}:{fig.line}")
            registry[fig.name] = fig
    return registry


# --- cache keys -------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _parse_cached(path: Path, mtime_ns: int, size: int) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _parse(path: Path) -> ast.Module:
    """Parse a source file once per version of it (a long `mkdocs serve` sees edits)."""
    st = path.stat()
    return _parse_cached(path, st.st_mtime_ns, st.st_size)


def _file_digest(path: Path) -> str:
    """Digest of a module's syntax tree: comments and blank lines do not redraw."""
    st = path.stat()
    return _digest_cached(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=256)
def _digest_cached(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(ast.dump(_parse(path)).encode()).hexdigest()


@functools.lru_cache(maxsize=4096)
def _names_used(node: ast.AST) -> tuple[str, ...]:
    return tuple({inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)})


@functools.lru_cache(maxsize=4096)
def _dump(node: ast.AST) -> str:
    """ast.dump, once per node of a parsed (and cached) tree."""
    return ast.dump(node)


def _module_file(dotted: str) -> Path | None:
    """The source file of an ml4a_figs module, without importing it."""
    if dotted != "ml4a_figs" and not dotted.startswith("ml4a_figs."):
        return None
    parts = dotted.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str | None, level: int, importer: Path) -> str:
    """Absolute dotted name for an import statement found in `importer`."""
    if level == 0:
        return module or ""
    package = _dotted_name(importer).split(".")
    if importer.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _imported_names(tree: ast.Module, importer: Path) -> dict[str, list[tuple[Path, str | None]]]:
    """Map each name bound by a top-level import to what it stands for in ml4a_figs:
    (file, None) for a whole module, (file, symbol) for one definition in it."""
    names: dict[str, list[tuple[Path, str | None]]] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _module_file(alias.name)
                if target:
                    bound = (alias.asname or alias.name).split(".")[0]
                    names.setdefault(bound, []).append((target, None))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, importer)
            for alias in node.names:
                bound = alias.asname or alias.name
                module = _module_file(f"{base}.{alias.name}")
                if module:
                    names.setdefault(bound, []).append((module, None))
                elif _module_file(base):
                    names.setdefault(bound, []).append((_module_file(base), alias.name))
    return names


def _module_closure(path: Path, seen: set[Path]) -> None:
    """Every ml4a_figs file that `path` imports, transitively (whole-file dependency)."""
    if path in seen:
        return
    seen.add(path)
    st = path.stat()
    for target in _direct_imports(path, st.st_mtime_ns, st.st_size):
        _module_closure(target, seen)


@functools.lru_cache(maxsize=256)
def _direct_imports(path: Path, mtime_ns: int, size: int) -> tuple[Path, ...]:
    """The ml4a_figs files one module imports anywhere in it (functions included)."""
    found: list[Path] = []
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Import):
            targets = [_module_file(a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, path)
            targets = [_module_file(f"{base}.{a.name}") or _module_file(base) for a in node.names]
        else:
            continue
        found += [t for t in targets if t and t not in found]
    return tuple(found)


def _top_level_definitions(tree: ast.Module) -> dict[str, ast.AST]:
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        defs[name.id] = node
    return defs


_REACHABLE: dict[tuple[Path, str], tuple[dict[Path, int], list[str], set[Path]]] = {}


def _reachable_code(path: Path, func_name: str) -> tuple[list[str], set[Path]]:
    """Memoised `_walk_reachable`: valid while none of the files it read has changed
    (a long `mkdocs serve` sees edits; one build asks for the same helpers many times)."""
    memo = _REACHABLE.get((path, func_name))
    if memo and all(p.stat().st_mtime_ns == t for p, t in memo[0].items()):
        return list(memo[1]), set(memo[2])
    chunks, files, read = _walk_reachable(path, func_name)
    _REACHABLE[(path, func_name)] = ({p: p.stat().st_mtime_ns for p in read}, chunks, files)
    return list(chunks), set(files)


def _walk_reachable(path: Path, func_name: str) -> tuple[list[str], set[Path], set[Path]]:
    """The syntax of `func_name` plus the module-level code it reaches, and the
    ml4a_figs files it imports. Only what the function can touch counts, so
    editing one figure's draw function leaves its neighbours in the module cached.
    """
    tree = _parse(path)
    defs = _top_level_definitions(tree)
    imports = _imported_names(tree, path)

    chunks: list[str] = []
    files: set[Path] = set()
    read = {path}
    todo, done = [func_name], set()
    while todo:
        name = todo.pop()
        if name in done:
            continue
        done.add(name)
        if name in imports:
            for target, symbol in imports[name]:
                if symbol is None:
                    _module_closure(target, files)
                else:  # one definition of another module: follow just that
                    more_chunks, more_files, more_read = _walk_reachable(target, symbol)
                    chunks += more_chunks
                    files |= more_files
                    read |= more_read
            continue
        node = defs.get(name)
        if node is None:
            continue  # a builtin, a local variable or a third-party name
        chunks.append(_dump(node))
        todo += _names_used(node)
    return sorted(chunks), files, read


@functools.lru_cache(maxsize=1)
def _library_versions() -> dict[str, str]:
    versions = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for lib in PINNED_LIBRARIES:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "absent"
    return versions


def cache_key(fig: Figure) -> str:
    chunks, files = [], set()
    for func in (fig.compute, fig.draw):
        func_chunks, func_files = _reachable_code(fig.path, func)
        chunks += func_chunks
        files |= func_files
    # The shared style touches every figure even when reached only indirectly.
    _module_closure(PACKAGE_DIR / "style.py", files)
    _module_closure(PACKAGE_DIR / "output.py", files)
    payload = {
        "format": CACHE_FORMAT,
        "name": fig.name,
        "formats": fig.formats,
        "phone": fig.phone,
        "params": repr(sorted(fig.params.items())),
        "code": chunks,
        "files": {str(p.relative_to(PACKAGE_DIR)): _file_digest(p) for p in sorted(files)},
        "libraries": _library_versions(),
    }
    blob = json.dumps(payload, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()
