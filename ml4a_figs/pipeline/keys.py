"""Content keys: a hash of the code a target reaches, never of timestamps: the syntax of
the functions and of the top-level definitions they reach (also through `from module
import name`), and whole modules used as modules, transitively. Syntax trees, so comments
do not count and a fresh clone with a warm cache rebuilds nothing. Nothing is imported;
a file is parsed once per version (mtime and size: a long `mkdocs serve` sees edits).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .store import write_json

PACKAGE_DIR = Path(__file__).resolve().parent.parent

# Everything that draws or computes pixels; a version change redraws all.
PINNED_LIBRARIES = ("numpy", "matplotlib", "pillow", "scikit-learn")


@dataclass(frozen=True)
class Module:
    """What keys need of one source file."""
    digest: str  # of its whole syntax tree
    defs: dict[str, tuple[str, tuple[str, ...]]]  # name: (its syntax, the names it uses)
    # each name a top-level import binds: (file, None) for a module, (file, name) for a name
    bound: dict[str, tuple[tuple[Path, str | None], ...]]
    imports: tuple[Path, ...]  # every ml4a_figs file it imports, functions included


def module_file(dotted: str) -> Path | None:
    """The source file of an ml4a_figs module, without importing it."""
    if dotted != "ml4a_figs" and not dotted.startswith("ml4a_figs."):
        return None
    base = PACKAGE_DIR.joinpath(*dotted.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def import_targets(node: ast.AST, importer: Path) -> list[tuple[str, Path, str | None]]:
    """(bound name, file, symbol or None) for each ml4a_figs name an import binds."""
    found = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            target = module_file(alias.name)
            if target:
                found.append(((alias.asname or alias.name).split(".")[0], target, None))
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative to the importer's package
            package = ".".join(importer.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1])
            base = importlib.util.resolve_name("." * node.level + base, package)
        for alias in node.names:
            bound = alias.asname or alias.name
            submodule = module_file(f"{base}.{alias.name}")
            if submodule:
                found.append((bound, submodule, None))
            elif module_file(base):
                found.append((bound, module_file(base), alias.name))
    return found


def read(path: Path) -> Module:
    st = path.stat()
    return _read(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=512)
def _read(path: Path, mtime_ns: int, size: int) -> Module:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    defs, bound, imports = {}, {}, []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        else:
            for name, target, symbol in import_targets(node, path):
                bound.setdefault(name, []).append((target, symbol))
            continue
        used = tuple(sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}))
        for name in names:
            defs[name] = (ast.dump(node), used)
    for node in ast.walk(tree):
        imports += [t for _, t, _ in import_targets(node, path) if t not in imports]
    return Module(digest=hashlib.sha256(ast.dump(tree).encode()).hexdigest(), defs=defs,
                  bound={k: tuple(v) for k, v in bound.items()}, imports=tuple(imports))


def module_closure(path: Path, seen: set[Path]) -> None:
    """Add `path` and every ml4a_figs file it imports, transitively, to `seen`, with the
    __init__.py of each package on the way (importing a module runs them)."""
    if path in seen:
        return
    seen.add(path)
    inits = [PACKAGE_DIR / p / "__init__.py" for p in path.relative_to(PACKAGE_DIR).parents]
    for target in [*read(path).imports, *filter(Path.is_file, inits)]:
        module_closure(target, seen)


def reachable_code(path: Path, func_name: str) -> tuple[list[str], set[Path]]:
    """The syntax of `func_name` and of the top-level definitions it reaches, and the
    files of the modules it uses whole. Only what the function can touch counts, so
    editing one figure's draw function leaves its neighbours in the module cached."""
    chunks, files = [], set()
    todo, done = [(path, func_name)], set()
    while todo:
        where, name = todo.pop()
        if (where, name) in done:
            continue
        done.add((where, name))
        module = read(where)
        for target, symbol in module.bound.get(name, ()):
            if symbol is None:
                module_closure(target, files)
            else:  # one definition of another module: follow just that
                todo.append((target, symbol))
        if name in module.defs and name not in module.bound:
            syntax, used = module.defs[name]
            chunks.append(syntax)
            todo += [(where, n) for n in used]
        # else a builtin, a local variable or a third-party name
    return sorted(chunks), files


def digests(files: set[Path]) -> dict[str, str]:
    """Each file's syntax-tree digest, by its path in the package."""
    return {p.relative_to(PACKAGE_DIR).as_posix(): read(p).digest for p in sorted(files)}


@functools.cache
def library_versions(libraries: tuple[str, ...] = PINNED_LIBRARIES) -> tuple[tuple[str, str], ...]:
    """Python's and the libraries' versions ("absent" when not installed)."""
    versions = [("python", f"{sys.version_info.major}.{sys.version_info.minor}")]
    for lib in libraries:
        try:
            versions.append((lib, importlib.metadata.version(lib)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((lib, "absent"))
    return tuple(versions)


def hash_json(data) -> str:
    """The sha256 of `data` as canonical JSON: a key made of keys, names and settings."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class Remembered:
    """Keys remembered in a file while no package file and no version of `libraries`
    changed: hashing the files takes milliseconds, parsing them a fifth of a warm `make
    site`. A damaged file: keys are computed again. `ident` names all else a key reads."""

    def __init__(self, path: Path, libraries: tuple[str, ...] = PINNED_LIBRARIES):
        self.path, self.changed = Path(path), False
        digest = hashlib.sha256(repr(library_versions(libraries)).encode())
        for file in sorted(PACKAGE_DIR.rglob("*.py")):
            digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
        self.sources = digest.hexdigest()
        try:
            memo = json.loads(self.path.read_text(encoding="utf-8"))
            self.keys = dict(memo["keys"]) if memo["sources"] == self.sources else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.keys = {}

    def get(self, ident: list, compute: Callable[[], str]) -> str:
        name = hash_json(ident)
        if not isinstance(self.keys.get(name), str):
            self.keys[name], self.changed = compute(), True
        return self.keys[name]

    def save(self) -> None:
        if self.changed:
            write_json(self.path, {"sources": self.sources, "keys": self.keys})
