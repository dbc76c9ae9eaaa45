"""The notebooks as targets of the build engine: `.cache/notebooks/NAME.ipynb` is executed
again only when its key changes: the notebook's text, the syntax of every ml4a_figs module
its cells import (transitively), the library and kernel versions, the execution settings
and the kernel's start-up code."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..pipeline import engine, store
from ..pipeline.engine import Result
from ..pipeline.keys import (PINNED_LIBRARIES, Remembered, digests, hash_json, library_versions,
                             module_closure, reachable_code)
from . import execute as runner
from .execute import DEFAULT_SRC, ROOT, cell_imports, discover, read, rel

DEFAULT_CACHE = ROOT / ".cache" / "notebooks"
# Bump when the way notebooks are executed or written changes: every one re-runs.
CACHE_FORMAT = 2
# The kernel stack: a new version may change what a notebook shows.
KERNEL_LIBRARIES = ("ipykernel", "ipython", "matplotlib-inline", "nbclient", "nbformat", "jupytext")


def cache_key(path: Path) -> str:
    files: set[Path] = set()
    for imported in sorted(cell_imports(read(path), path)):
        module_closure(imported, files)
    return hash_json({
        "format": CACHE_FORMAT,
        "text": store.sha256(path),
        "files": digests(files),
        "libraries": dict(library_versions(PINNED_LIBRARIES + KERNEL_LIBRARIES)),
        "kernel": [runner.KERNEL_NAME, *runner.KERNEL_ARGUMENTS],
        # the code the kernel runs at start-up (alt text for every figure)
        "startup": reachable_code(Path(__file__).with_name("kernel.py"), "install_alt_text")[0],
        "env": runner.FIXED_ENV,
    })


class NotebookTarget(engine.Target):
    kind = "notebook"
    built = "executed"

    def __init__(self, name: str, path: Path, cache_dir: Path, remembered: Remembered):
        self.remembered = remembered
        self.name = name
        self.path = Path(path)
        self.folder = Path(cache_dir)
        self.stamp_path = self.folder / f"{name}.json"

    def key(self) -> str:
        return self.remembered.get([str(self.path), store.sha256(self.path)],
                                   lambda: cache_key(self.path))

    def outputs(self) -> dict[str, Path]:
        return {f"{self.name}.ipynb": self.folder / f"{self.name}.ipynb"}

    def build(self, key: str) -> None:
        runner.execute(self.path, self.folder / f"{self.name}.ipynb")

    def stamp_extra(self) -> dict:
        return {"source": rel(self.path)}


def run(names: Iterable[str] | None = None, src_dir: Path = DEFAULT_SRC,
        cache_dir: Path = DEFAULT_CACHE, force: bool = False, jobs: int = 1,
        progress: Callable[[Result, int, int], None] | None = None) -> list[Result]:
    """Execute the stale notebooks (all, or those named), `jobs` kernels at a time; a
    failing one is a Result with status "failed" and the error, never an exception."""
    sources = discover(src_dir)
    remembered = Remembered(Path(cache_dir) / "code-keys", PINNED_LIBRARIES + KERNEL_LIBRARIES)
    targets = [NotebookTarget(name, sources[name], cache_dir, remembered)
               for name in engine.pick(names, sources, "notebook")]
    results = engine.run(targets, force=force, jobs=jobs, progress=progress)
    remembered.save()
    return results
