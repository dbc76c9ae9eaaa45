"""Bring `figures/` up to date: redraw what is stale, in parallel, and report.

A figure is fresh when its stamp (figures/.stamps/NAME.json) holds the current
cache key and the sha256 of every output file still on disk matches it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from threadpoolctl import threadpool_limits

from . import style
from .output import RASTER_DPI, write_output
from .registry import Figure, cache_key, scan

_CHECKOUT = Path(__file__).resolve().parent.parent
# figures/ of the project when run from its checkout; installed from the wheel (no
# pyproject.toml beside the package), figures/ in the folder it is run from
DEFAULT_OUT = (_CHECKOUT / "figures" if (_CHECKOUT / "pyproject.toml").is_file()
               else Path.cwd() / "figures")


@dataclass
class Result:
    name: str
    status: str  # "built", "cached" or "failed"
    seconds: float = 0.0
    error: str = ""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stamp_path(out_dir: Path, name: str) -> Path:
    return out_dir / ".stamps" / f"{name}.json"


def is_fresh(fig: Figure, key: str, out_dir: Path) -> bool:
    try:
        stamp = json.loads(_stamp_path(out_dir, fig.name).read_text())
    except (OSError, ValueError):
        return False
    if stamp.get("key") != key:
        return False
    outputs = stamp.get("outputs", {})
    if sorted(outputs) != sorted(fig.output_names()):
        return False
    return all((out_dir / f).is_file() and _sha256(out_dir / f) == digest
               for f, digest in outputs.items())


def build_one(fig: Figure, key: str, out_dir: Path) -> Result:
    """Compute, draw and write one figure; never raises, the error travels in the Result."""
    start = time.perf_counter()
    try:
        (out_dir / ".stamps").mkdir(parents=True, exist_ok=True)
        compute, draw = fig.functions()
        # one BLAS thread: parallel figures don't fight over the cores, and sums
        # are reduced in one fixed order, so the bytes are the same on every run
        with threadpool_limits(limits=1):
            arrays = compute(**fig.params)
        text = {}
        # computed once, drawn once per theme and layout (the dark page and the phone
        # get drawings of their own)
        for layout, theme in fig.variants():
            with style.theme(theme, layout), threadpool_limits(limits=1):
                drawn = draw(**arrays)
                for fmt in fig.formats:
                    if (layout, theme) == ("wide", "light") or fmt != "json":
                        write_output(drawn, out_dir / fig.output_name(fmt, theme, layout), fmt)
                if theme == "light":
                    text[layout] = _text_size(drawn, out_dir, fig, layout)
            _close(drawn)
        _remove_orphans(fig, out_dir)
        stamp = {"key": key,
                 "outputs": {f: _sha256(out_dir / f) for f in fig.output_names()},
                 # the phone test turns this into CSS pixels at the size the figure is shown
                 "text": text}
        write_output(stamp, _stamp_path(out_dir, fig.name), "json")
        return Result(fig.name, "built", time.perf_counter() - start)
    except Exception:
        return Result(fig.name, "failed", time.perf_counter() - start, traceback.format_exc())


def _text_size(drawn, out_dir: Path, fig: Figure, layout: str) -> dict | None:
    """The smallest font size and the width of the file's picture, both in points:
    shown w CSS px wide, the figure's smallest text is pt * w / width_pt px tall."""
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
            dpi = RASTER_DPI if hasattr(drawn, "savefig") else drawn.dpi
            width_pt = image.width / dpi * 72
    return {"smallest_pt": round(smallest, 2), "width_pt": round(width_pt, 2)}


def _remove_orphans(fig: Figure, out_dir: Path) -> None:
    """Files an earlier version of this figure wrote in formats it no longer has."""
    try:
        old = json.loads(_stamp_path(out_dir, fig.name).read_text()).get("outputs", {})
    except (OSError, ValueError):
        return
    for name in set(old) - set(fig.output_names()):
        (out_dir / name).unlink(missing_ok=True)


def _close(drawn) -> None:
    if hasattr(drawn, "savefig"):
        import matplotlib.pyplot as plt

        plt.close(drawn)


def _build_by_name(name: str, key: str, out_dir: str) -> Result:
    """Runs in a worker process: only names and strings cross the process boundary."""
    return build_one(scan()[name], key, Path(out_dir))


def select(registry: dict[str, Figure], names: Iterable[str] | None) -> list[Figure]:
    if not names:
        return [registry[n] for n in sorted(registry)]
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise KeyError(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(sorted(registry))}")
    return [registry[n] for n in names]


def build(names: Iterable[str] | None = None, out_dir: Path = DEFAULT_OUT, force: bool = False,
          jobs: int = 1, progress: Callable[[Result, int, int], None] | None = None) -> list[Result]:
    registry = scan()
    figures = select(registry, names)
    out_dir = Path(out_dir)
    (out_dir / ".stamps").mkdir(parents=True, exist_ok=True)

    results: list[Result] = []
    todo: list[tuple[Figure, str]] = []
    total = len(figures)
    for fig in figures:
        key = cache_key(fig)
        if not force and is_fresh(fig, key, out_dir):
            results.append(Result(fig.name, "cached"))
            if progress:
                progress(results[-1], len(results), total)
        else:
            todo.append((fig, key))

    if jobs > 1 and len(todo) > 1:
        # fork keeps the already-imported registry; each worker draws whole figures
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            futures = [pool.submit(_build_by_name, fig.name, key, str(out_dir)) for fig, key in todo]
            for future in as_completed(futures):
                results.append(future.result())
                if progress:
                    progress(results[-1], len(results), total)
    else:
        for fig, key in todo:
            results.append(build_one(fig, key, out_dir))
            if progress:
                progress(results[-1], len(results), total)

    order = {fig.name: i for i, fig in enumerate(figures)}
    return sorted(results, key=lambda r: order[r.name])


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
