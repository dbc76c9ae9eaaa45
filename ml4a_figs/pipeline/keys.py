"""Content keys: a hash of the code a target reaches, never of timestamps.

A figure's key hashes the syntax of its compute and draw functions and of the
module-level helpers they reach, the files of the ml4a_figs modules those use, and the
versions of the pinned libraries; a notebook's key hashes the modules its cells import.
Comments and blank lines do not count (syntax trees are hashed), and a fresh clone with
a warm cache rebuilds nothing. Everything here reads source files; nothing is imported.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# Everything that draws or computes pixels; a version change redraws all.
PINNED_LIBRARIES = ("numpy", "matplotlib", "pillow", "scikit-learn")


@functools.lru_cache(maxsize=256)
def _parse_cached(path: Path, mtime_ns: int, size: int) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def parse(path: Path) -> ast.Module:
    """Parse a source file once per version of it (a long `mkdocs serve` sees edits)."""
    st = path.stat()
    return _parse_cached(path, st.st_mtime_ns, st.st_size)


def file_digest(path: Path) -> str:
    """Digest of a module's syntax tree: comments and blank lines do not redraw."""
    st = path.stat()
    return _digest_cached(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=256)
def _digest_cached(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(ast.dump(parse(path)).encode()).hexdigest()


@functools.lru_cache(maxsize=4096)
def _names_used(node: ast.AST) -> tuple[str, ...]:
    return tuple({inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name)})


@functools.lru_cache(maxsize=4096)
def _dump(node: ast.AST) -> str:
    """ast.dump, once per node of a parsed (and cached) tree."""
    return ast.dump(node)


def module_file(dotted: str) -> Path | None:
    """The source file of an ml4a_figs module, without importing it."""
    if dotted != "ml4a_figs" and not dotted.startswith("ml4a_figs."):
        return None
    parts = dotted.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def dotted_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str | None, level: int, importer: Path) -> str:
    """Absolute dotted name for an import statement found in `importer`."""
    if level == 0:
        return module or ""
    package = dotted_name(importer).split(".")
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
                target = module_file(alias.name)
                if target:
                    bound = (alias.asname or alias.name).split(".")[0]
                    names.setdefault(bound, []).append((target, None))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, importer)
            for alias in node.names:
                bound = alias.asname or alias.name
                module = module_file(f"{base}.{alias.name}")
                if module:
                    names.setdefault(bound, []).append((module, None))
                elif module_file(base):
                    names.setdefault(bound, []).append((module_file(base), alias.name))
    return names


def module_closure(path: Path, seen: set[Path]) -> None:
    """Every ml4a_figs file that `path` imports, transitively (whole-file dependency)."""
    if path in seen:
        return
    seen.add(path)
    st = path.stat()
    for target in _direct_imports(path, st.st_mtime_ns, st.st_size):
        module_closure(target, seen)


@functools.lru_cache(maxsize=256)
def _direct_imports(path: Path, mtime_ns: int, size: int) -> tuple[Path, ...]:
    """The ml4a_figs files one module imports anywhere in it (functions included)."""
    found: list[Path] = []
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            targets = [module_file(a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, path)
            targets = [module_file(f"{base}.{a.name}") or module_file(base) for a in node.names]
        else:
            continue
        found += [t for t in targets if t and t not in found]
    return tuple(found)


def top_level_definitions(tree: ast.Module) -> dict[str, ast.AST]:
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


def reachable_code(path: Path, func_name: str) -> tuple[list[str], set[Path]]:
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
    tree = parse(path)
    defs = top_level_definitions(tree)
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
                    module_closure(target, files)
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


def library_versions(*more: str) -> dict[str, str]:
    """Python's and the pinned libraries' versions (and those of `more`): a new dict each
    call, so that a caller adding to it cannot change another target's key."""
    return dict(_versions(PINNED_LIBRARIES + more))


@functools.lru_cache(maxsize=8)
def _versions(libraries: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    versions = [("python", f"{sys.version_info.major}.{sys.version_info.minor}")]
    for lib in libraries:
        try:
            versions.append((lib, importlib.metadata.version(lib)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((lib, "absent"))
    return tuple(versions)
