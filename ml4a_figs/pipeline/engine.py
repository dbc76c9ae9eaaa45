"""The one build engine: everything computed and cached (figures, facts, notebooks) is a
target of it.

A target has a name, a content key (a hash of everything that can change its output),
the files it writes and a way to build them. It is fresh when its stamp holds the current
key and the sha256 of every output still on disk. `run` builds the stale targets, in
forked worker processes when asked (workers.py), and returns one Result per target; a
target that fails (or whose worker is killed) is reported by its name and the others
are still built.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from . import store, workers


class TargetError(Exception):
    """A target whose key cannot be computed (its source cannot be read, say)."""


@dataclass
class Result:
    name: str
    status: str  # the target's `built` word ("built", "executed"), "cached" or "failed"
    seconds: float = 0.0
    error: str = ""


class Target:
    """One thing the engine builds. Subclasses set `name`, `folder` (which holds its
    outputs and stamp; swept for the temporary files of killed writes) and `stamp_path`,
    and implement `key`, `outputs` and `build`."""

    kind = "target"
    built = "built"  # the word for a target that was brought up to date
    name: str
    folder: Path
    stamp_path: Path

    def key(self) -> str:
        raise NotImplementedError

    def outputs(self) -> dict[str, Path]:
        """The files this target writes, by the name recorded in its stamp."""
        raise NotImplementedError

    def build(self, key: str) -> None:
        """Write the outputs (atomically, see store.atomic_write). Raise on failure."""
        raise NotImplementedError

    def preload(self) -> None:
        """Import what `build` needs, once, before workers are forked (they inherit it)."""

    def stamp_extra(self) -> dict:
        """More facts to keep in the stamp (never part of freshness)."""
        return {}

    def is_fresh(self, key: str) -> bool:
        return store.stamp_matches(store.read_stamp(self.stamp_path), key, self.outputs())

    def write_stamp(self, key: str) -> None:
        outputs = {name: store.sha256(path) for name, path in self.outputs().items()}
        store.write_json(self.stamp_path, {"key": key, "outputs": outputs, **self.stamp_extra()})

    def describe_error(self) -> str:
        return traceback.format_exc()


def build_one(target: Target, key: str) -> Result:
    """Build one target and stamp it; never raises, the error travels in the Result."""
    start = time.perf_counter()
    try:
        target.build(key)
        target.write_stamp(key)
    except Exception:
        return Result(target.name, "failed", time.perf_counter() - start, target.describe_error())
    return Result(target.name, target.built, time.perf_counter() - start)


def run(targets: Iterable[Target], *, force: bool = False, jobs: int = 1,
        progress: Callable[[Result, int, int], None] | None = None) -> list[Result]:
    """Bring the targets up to date; results in the order the targets were given."""
    targets = list(targets)
    for folder in sorted({t.folder for t in targets}):
        store.sweep_temporary_files(folder)
    results: dict[str, Result] = {}

    def report(result: Result) -> None:
        results[result.name] = result
        if progress:
            progress(result, len(results), len(targets))

    todo: list[tuple[Target, str]] = []
    for target in targets:
        try:
            key = target.key()
        except TargetError as exc:
            report(Result(target.name, "failed", error=str(exc)))
            continue
        if not force and target.is_fresh(key):
            report(Result(target.name, "cached"))
        else:
            todo.append((target, key))
    if jobs > 1 and len(todo) > 1:
        for target, _ in todo:
            try:
                target.preload()
            except Exception:
                pass  # the worker meets the same error and reports it with the target's name
        workers.run_in_processes(todo, jobs, build_one, report, _died)
    else:
        for target, key in todo:
            report(build_one(target, key))
    return [results[t.name] for t in targets]


def _died(target: Target, seconds: float, how: str) -> Result:
    return Result(target.name, "failed", seconds,
                  f"{target.kind} {target.name!r}: its worker process {how} before it finished "
                  f"(killed from outside, or out of memory); nothing of it was written")


# --- reporting -------------------------------------------------------------------------


def progress_line(result: Result, done: int, total: int) -> str:
    line = f"[{done:>{len(str(total))}}/{total}] {result.status:<6} {result.name}"
    return line if result.status == "cached" else line + f" ({result.seconds:.2f} s)"


def summary_table(results: list[Result], kind: str = "target", built: str = "built") -> str:
    width = max([len(kind)] + [len(r.name) for r in results])
    status_width = max(6, len(built))
    rows = [f"{kind:<{width}}  {'status':<{status_width}}  seconds",
            f"{'-' * width}  {'-' * status_width}  -------"]
    for r in results:
        seconds = f"{r.seconds:7.2f}" if r.status != "cached" else "      -"
        rows.append(f"{r.name:<{width}}  {r.status:<{status_width}}  {seconds}")
    counts = {s: sum(r.status == s for r in results) for s in (built, "cached", "failed")}
    rows.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(rows)
