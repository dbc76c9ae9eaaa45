"""Reading the notebooks: jupytext "percent" scripts in docs/notebooks/ (diff-friendly
text, no outputs in git), and the ml4a_figs files their code cells import."""

from __future__ import annotations

import ast
from pathlib import Path

from ..pipeline.engine import TargetError
from ..pipeline.keys import PACKAGE_DIR, import_targets

ROOT = PACKAGE_DIR.parent
DEFAULT_SRC = ROOT / "docs" / "notebooks"


def discover(src_dir: Path = DEFAULT_SRC) -> dict[str, Path]:
    """Every notebook source under src_dir, by name (files starting with _ are helpers)."""
    return {p.stem: p for p in sorted(Path(src_dir).glob("[!_]*.py"))}


def read(path: Path):
    import jupytext

    try:
        return jupytext.read(path, fmt="py:percent")
    except Exception as exc:  # jupytext raises many kinds
        raise TargetError(f"{rel(path)}: not a readable jupytext percent notebook: {exc}") from None


def rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def cell_imports(nb, path: Path) -> set[Path]:
    """The ml4a_figs files the notebook's code cells import themselves (IPython magics
    read as the function calls they stand for)."""
    from IPython.core.inputtransformer2 import TransformerManager

    files: set[Path] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(TransformerManager().transform_cell(cell.source))
        except SyntaxError as exc:
            raise TargetError(f"{rel(path)}: cell {index + 1} is not valid Python: {exc}") from None
        files.update(target for node in ast.walk(tree) for _, target, _ in import_targets(node, path))
    return files
