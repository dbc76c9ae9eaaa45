"""Running a notebook strictly, in a fresh kernel, with a fixed environment: the first
cell that raises stops the run, and the error names the file, line, cell and exception.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..pipeline.engine import TargetError
from ..pipeline.store import atomic_write
from .source import ROOT, read, rel

KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # seconds; a notebook is meant to run in a few
# Inline figures as PNG at the figure's own dpi (style.py sizes figures for the column),
# each with a text description for its alt text (kernel.install_alt_text).
KERNEL_ARGUMENTS = (
    "--InlineBackend.figure_formats=png",
    "--IPKernelApp.exec_lines=__import__('ml4a_figs.notebooks.kernel')"
    ".notebooks.kernel.install_alt_text()",
)
# A fixed environment, so outputs do not depend on who builds: same hash seed,
# one BLAS thread (sums in the same order; two kernels do not fight over 2 cores),
# UTC, UTF-8, and the package imported from this checkout.
FIXED_ENV = {
    "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1", "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline", "JUPYTER_PLATFORM_DIRS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on stderr
}
# Taken from the caller, never part of the key: where programs and caches are.
PASSED_ENV = ("PATH", "HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME", "VIRTUAL_ENV")


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
    """The source file, the line its failing cell starts at, the cell's number and first
    line, and what it raised."""
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
        line = _cell_lines(path, len(nb.cells))[index]
        where += f":{line}" if line else ""
        n_code = sum(c.cell_type == "code" for c in nb.cells[: index + 1])
        first = next((x.strip() for x in nb.cells[index].source.splitlines() if x.strip()), "(empty)")
        cell_desc = f"cell {index + 1} (code cell {n_code}, In[{n_code}]: {first!r})"
    return f"{where}: {cell_desc} raised {what}" + (f"\n{detail}" if detail else "")


def _cell_lines(path: Path, n_cells: int) -> list[int | None]:
    """The line of the source file where each cell's content starts: after its `# %%`,
    or for a first cell without one, after the jupytext header (or at line 1)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    starts = [i + 2 for i, line in enumerate(lines) if line.startswith("# %%")]
    if len(starts) == n_cells - 1:
        header = [i + 2 for i, line in enumerate(lines) if line.startswith("# ---")]
        starts = [header[1] if lines[0].startswith("# ---") and len(header) > 1 else 1, *starts]
    return starts if len(starts) == n_cells else [None] * n_cells
