"""Reading the notebooks (jupytext "percent" scripts in docs/notebooks/: diff-friendly text,
no outputs in git) and running one strictly, in a fresh kernel, with a fixed environment:
the first cell that raises stops the run, and the error names its file, line and cell.
"""

from __future__ import annotations

import ast
import os
import tempfile
from pathlib import Path

from ..pipeline.engine import TargetError
from ..pipeline.keys import PACKAGE_DIR, import_targets
from ..pipeline.store import atomic_write

ROOT = PACKAGE_DIR.parent
DEFAULT_SRC = ROOT / "docs" / "notebooks"
KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # seconds; a notebook is meant to run in a few
# Inline figures as PNG at the figure's own dpi (style.py sizes figures for the column),
# each with a text description for its alt text (kernel.install_alt_text).
KERNEL_ARGUMENTS = (
    "--InlineBackend.figure_formats=png",
    "--IPKernelApp.exec_lines=__import__('ml4a_figs.notebooks.kernel')"
    ".notebooks.kernel.install_alt_text()",
)
# A fixed environment, so outputs do not depend on who builds: same hash seed, one BLAS
# thread (sums in one order; two kernels do not fight over 2 cores), UTC, UTF-8.
FIXED_ENV = {
    "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1", "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline", "JUPYTER_PLATFORM_DIRS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on stderr
}
# Taken from the caller, never part of the key: where programs and caches are.
PASSED_ENV = ("PATH", "HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME", "VIRTUAL_ENV")


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


def execute(path: Path, out: Path) -> None:
    """Run every cell of the notebook at `path` in a fresh kernel; write it to `out`.
    Raises TargetError naming the cell that failed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = read(path)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index + 1}"  # stable ids: same notebook, same bytes
    started = []  # the index of each cell as it starts: the last one is the one that failed
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT, allow_errors=False,
                            record_timing=False, coalesce_streams=True,
                            extra_arguments=list(KERNEL_ARGUMENTS),
                            resources={"metadata": {"path": str(ROOT)}},
                            on_cell_start=lambda cell, cell_index: started.append(cell_index))
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    # the kernel imports the same ml4a_figs as the code that computed the key
    pythonpath = filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    env.update(FIXED_ENV, PYTHONPATH=os.pathsep.join(pythonpath))
    # the kernel's own log (a crash report) goes into the error message if it dies
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as kernel_log:
        try:
            client.execute(env=env, stderr=kernel_log)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            kernel_log.seek(0)
            raise TargetError(_cell_error(path, nb, started[-1] if started else -1, exc,
                                          kernel_log.read())) from None
    atomic_write(out, lambda tmp: nbformat.write(nb, str(tmp)))


def _cell_error(path: Path, nb, index: int, exc: Exception, kernel_log: str) -> str:
    """The failing cell's file and line, its number and first line, and what it raised."""
    from nbclient.exceptions import CellExecutionError
    from nbconvert.filters import strip_ansi

    if isinstance(exc, CellExecutionError):
        what = f"{exc.ename}: {exc.evalue}"
        # nbclient's report: the cell's code, its printed output, then the traceback
        detail = strip_ansi(exc.traceback).split("------------------", 2)[-1].strip()
    else:  # a timeout or a dead kernel: what the kernel said is the best clue
        what = f"{type(exc).__name__}: {(strip_ansi(str(exc)).strip().splitlines() or [''])[0]}"
        detail = kernel_log.strip()[-2000:]
    where, cell_desc = rel(path), "a cell"
    if 0 <= index < len(nb.cells):
        line = _cell_line(path, len(nb.cells), index)
        where += f":{line}" if line else ""
        n_code = sum(c.cell_type == "code" for c in nb.cells[: index + 1])
        first = next((x.strip() for x in nb.cells[index].source.splitlines() if x.strip()), "(empty)")
        cell_desc = f"cell {index + 1} (code cell {n_code}, In[{n_code}]: {first!r})"
    return f"{where}: {cell_desc} raised {what}" + (f"\n{detail}" if detail else "")


def _cell_line(path: Path, n_cells: int, index: int) -> int | None:
    """The line of the source file where cell `index`'s content starts: after its `# %%`,
    or for a first cell without one, after the jupytext header (or at line 1)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    starts = [i + 2 for i, line in enumerate(lines) if line.startswith("# %%")]
    if len(starts) == n_cells - 1:
        header = [i + 2 for i, line in enumerate(lines) if line.startswith("# ---")]
        starts = [header[1] if lines[0].startswith("# ---") and len(header) > 1 else 1, *starts]
    return starts[index] if len(starts) == n_cells else None
