"""The declared figures as targets of the build engine: `make figures` brings
`figures/` up to date, redrawing what is stale, in parallel.

A figure's key (`cache_key`) hashes the code its compute and draw functions reach, the
ml4a_figs files they use, the shared style and output code, its parameters and the
pinned library versions. Its stamp is figures/.stamps/NAME.json.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Callable, Iterable

from ..figures.registry import Figure, scan
from . import engine
from .engine import Result
from .keys import PACKAGE_DIR, file_digest, library_versions, module_closure, reachable_code
from .output import RASTER_DPI, write_output

_CHECKOUT = PACKAGE_DIR.parent
# figures/ of the project when run from its checkout; installed from the wheel (no
# pyproject.toml beside the package), figures/ in the folder it is run from
DEFAULT_OUT = (_CHECKOUT / "figures" if (_CHECKOUT / "pyproject.toml").is_file()
               else Path.cwd() / "figures")

# Bump when the way outputs are written changes, so every stamp goes stale.
CACHE_FORMAT = 1


def cache_key(fig: Figure) -> str:
    chunks, files = [], set()
    for func in (fig.compute, fig.draw):
        func_chunks, func_files = reachable_code(fig.path, func)
        chunks += func_chunks
        files |= func_files
    # The shared style and the writer touch every figure even when reached only indirectly.
    module_closure(PACKAGE_DIR / "style.py", files)
    module_closure(Path(__file__).with_name("output.py"), files)
    payload = {
        "format": CACHE_FORMAT,
        "name": fig.name,
        "formats": fig.formats,
        "phone": fig.phone,
        "params": repr(sorted(fig.params.items())),
        "code": chunks,
        "files": {p.relative_to(PACKAGE_DIR).as_posix(): file_digest(p) for p in sorted(files)},
        "libraries": library_versions(),
    }
    blob = json.dumps(payload, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


class FigureTarget(engine.Target):
    kind = "figure"
    isolation = "process"

    def __init__(self, fig: Figure, out_dir: Path):
        self.fig = fig
        self.name = fig.name
        self.out_dir = Path(out_dir)
        self.stamp_path = self.out_dir / ".stamps" / f"{fig.name}.json"

    def key(self) -> str:
        return cache_key(self.fig)

    def outputs(self) -> dict[str, Path]:
        return {name: self.out_dir / name for name in self.fig.output_names()}

    def preload(self) -> None:
        self.fig.functions()  # matplotlib and the training core, imported once for all workers

    def build(self, key: str) -> None:
        from threadpoolctl import threadpool_limits

        from .. import style

        compute, draw = self.fig.functions()
        # one BLAS thread: parallel figures don't fight over the cores, and sums
        # are reduced in one fixed order, so the bytes are the same on every run
        with threadpool_limits(limits=1):
            arrays = compute(**self.fig.params)
        self._text = {}
        # computed once, drawn once per theme and layout (the dark page and the phone
        # get drawings of their own)
        for layout, theme in self.fig.variants():
            with style.theme(theme, layout), threadpool_limits(limits=1):
                drawn = draw(**arrays)
                try:
                    for fmt in self.fig.formats:
                        if (layout, theme) == ("wide", "light") or fmt != "json":
                            write_output(drawn, self.out_dir / self.fig.output_name(fmt, theme, layout), fmt)
                    if theme == "light":
                        self._text[layout] = _text_size(drawn, self.out_dir, self.fig, layout)
                finally:
                    _close(drawn)
        # files an earlier version of this figure wrote in formats it no longer has
        for old in self.previous_outputs() - set(self.fig.output_names()):
            (self.out_dir / old).unlink(missing_ok=True)

    def stamp_extra(self) -> dict:
        # the phone test turns this into CSS pixels at the size the figure is shown
        return {"text": getattr(self, "_text", {})}


def _text_size(drawn, out_dir: Path, fig: Figure, layout: str) -> dict | None:
    """The smallest font size and the width of the file's picture, both in points:
    shown w CSS px wide, the figure's smallest text is pt * w / width_pt px tall."""
    from .. import style

    web = [f for f in fig.formats if f in ("svg", "webp", "png")]
    if not web:
        return None
    smallest = (drawn.smallest_text_pt() if hasattr(drawn, "smallest_text_pt")
                else style.smallest_text_pt(drawn))
    path = out_dir / fig.output_name(web[0], "light", layout)
    if web[0] == "svg":
        width_pt = float(re.search(rb'<svg[^>]* width="([0-9.]+)pt"', path.read_bytes()).group(1))
    else:
        from PIL import Image

        with Image.open(path) as image:
            # figures and explorables' backgrounds are written at RASTER_DPI,
            # animations at their own
            at_raster_dpi = hasattr(drawn, "savefig") or hasattr(drawn, "backgrounds")
            dpi = RASTER_DPI if at_raster_dpi else drawn.dpi
            width_pt = image.width / dpi * 72
    return {"smallest_pt": round(smallest, 2), "width_pt": round(width_pt, 2)}


def _close(drawn) -> None:
    if hasattr(drawn, "savefig"):
        import matplotlib.pyplot as plt

        plt.close(drawn)


def is_fresh(fig: Figure, key: str, out_dir: Path) -> bool:
    return FigureTarget(fig, out_dir).is_fresh(key)


def build_one(fig: Figure, key: str, out_dir: Path) -> Result:
    return engine.build_one(FigureTarget(fig, out_dir), key)


def select(registry: dict[str, Figure], names: Iterable[str] | None) -> list[Figure]:
    if not names:
        return [registry[n] for n in sorted(registry)]
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise KeyError(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}")
    return [registry[n] for n in names]


def build(names: Iterable[str] | None = None, out_dir: Path = DEFAULT_OUT, force: bool = False,
          jobs: int = 1, progress: Callable[[Result, int, int], None] | None = None,
          registry: dict[str, Figure] | None = None) -> list[Result]:
    """Redraw the stale figures (all, or those named); one Result per figure, in order."""
    registry = scan() if registry is None else registry
    targets = [FigureTarget(fig, out_dir) for fig in select(registry, names)]
    return engine.run(targets, force=force, jobs=jobs, progress=progress)


def clean(out_dir: Path = DEFAULT_OUT) -> int:
    """Remove every generated file (keeps the README that explains the folder)."""
    removed = 0
    for path in sorted(Path(out_dir).rglob("*"), reverse=True):
        if path.is_file() and path.name != "README.md":
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
