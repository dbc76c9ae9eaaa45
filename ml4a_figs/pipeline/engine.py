"""The one build engine: everything computed and cached (figures, facts, notebooks) is a
target of it.

A target has a name, a content key (a hash of everything that can change its output),
the files it writes and a way to build them. It is fresh when its stamp holds the current
key and the sha256 of every output still on disk. `run` builds the stale targets, in
parallel when asked, and returns one Result per target; a target that fails (or whose
worker process is killed) is reported by its name and the others are still built.
"""

from __future__ import annotations

import time
import traceback
from concurrent.futures import ThreadPoolExecutor
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
    output: Path | None = None


class Target:
    """One thing the engine builds. Subclasses set `kind`, `name`, `stamp_path` and
    implement `key`, `outputs` and `build`."""

    kind = "target"
    built = "built"  # the word for a target that was brought up to date
    # "process": each build runs in a forked worker (CPU-bound Python, like a figure);
    # "thread": the work happens in another program already (a notebook's kernel)
    isolation = "process"
    name: str
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

    def folders(self) -> list[Path]:
        """Where this target writes: swept for temporary files of killed writes."""
        return sorted({p.parent for p in self.outputs().values()} | {self.stamp_path.parent})

    def is_fresh(self, key: str) -> bool:
        return store.stamp_matches(store.read_stamp(self.stamp_path), key, self.outputs())

    def previous_outputs(self) -> set[str]:
        stamp = store.read_stamp(self.stamp_path)
        return set(stamp["outputs"]) if stamp else set()

    def write_stamp(self, key: str, seconds: float) -> None:
        stamp = {"key": key,
                 "outputs": {n: store.sha256(p) for n, p in sorted(self.outputs().items())}}
        stamp.update(self.stamp_extra())
        store.write_json(self.stamp_path, stamp)

    def describe_error(self) -> str:
        return traceback.format_exc()


def build_one(target: Target, key: str) -> Result:
    """Build one target and stamp it; never raises, the error travels in the Result."""
    start = time.perf_counter()
    try:
        target.build(key)
        seconds = time.perf_counter() - start
        target.write_stamp(key, seconds)
    except Exception:
        return Result(target.name, "failed", time.perf_counter() - start, target.describe_error())
    outputs = list(target.outputs().values())
    return Result(target.name, target.built, seconds, output=outputs[0] if outputs else None)


def run(targets: Iterable[Target], *, force: bool = False, jobs: int = 1,
        progress: Callable[[Result, int, int], None] | None = None) -> list[Result]:
    """Bring the targets up to date; results in the order the targets were given."""
    targets = list(targets)
    for folder in sorted({f for t in targets for f in t.folders()}):
        store.sweep_temporary_files(folder)
    results: dict[str, Result] = {}
    total = len(targets)

    def report(result: Result) -> None:
        results[result.name] = result
        if progress:
            progress(result, len(results), total)

    todo: list[tuple[Target, str]] = []
    for target in targets:
        try:
            key = target.key()
        except TargetError as exc:
            report(Result(target.name, "failed", error=str(exc)))
            continue
        if not force and target.is_fresh(key):
            outputs = list(target.outputs().values())
            report(Result(target.name, "cached", output=outputs[0] if outputs else None))
        else:
            todo.append((target, key))

    in_processes = [(t, k) for t, k in todo if t.isolation == "process"]
    in_threads = [(t, k) for t, k in todo if t.isolation != "process"]
    if jobs > 1 and len(in_processes) > 1:
        for target, _ in in_processes:
            try:
                target.preload()
            except Exception:
                pass  # the worker meets the same error and reports it with the target's name
        workers.run_in_processes(in_processes, jobs, build_one, report, _died)
    else:
        for target, key in in_processes:
            report(build_one(target, key))
    if jobs > 1 and len(in_threads) > 1:
        with ThreadPoolExecutor(max_workers=min(jobs, len(in_threads))) as pool:
            for result in pool.map(lambda item: build_one(*item), in_threads):
                report(result)
    else:
        for target, key in in_threads:
            report(build_one(target, key))
    return [results[t.name] for t in targets]


def _died(target: Target, seconds: float, how: str) -> Result:
    return Result(target.name, "failed", seconds,
                  f"{target.kind} {target.name!r}: its worker process {how} before it finished "
                  f"(killed from outside, or out of memory); nothing of it was written")


# --- reporting -------------------------------------------------------------------------


def progress_line(result: Result, done: int, total: int) -> str:
    width = len(str(total))
    line = f"[{done:>{width}}/{total}] {result.status:<6} {result.name}"
    if result.status != "cached":
        line += f" ({result.seconds:.2f} s)"
    return line


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
