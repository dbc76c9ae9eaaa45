"""The one build engine: everything computed and cached (figures, facts, notebooks) is a
target of it. A target is fresh when its stamp holds its current content key and the
sha256 of every output still on disk; `run` builds the stale ones, and a target that
fails (or whose worker is killed) is reported by name while the others still build.

In parallel each target gets a forked process of its own, not a pool (a pool breaks, or
waits forever, when one worker is killed), so a killed worker is known by its target.
Ctrl-C or SIGTERM terminates and waits for every worker, and a worker whose parent
dies is killed by the kernel (PR_SET_PDEATHSIG): no worker is ever left behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable

from . import store

_PR_SET_PDEATHSIG = 1
_SIGNALS = {s.value: s.name for s in signal.Signals}  # a real-time signal has no name


class TargetError(Exception):
    """Bad input of a target (a source that cannot be read, a notebook cell that raised):
    its message names the file and is the whole report, without a traceback."""


@dataclass
class Result:
    name: str
    status: str  # the target's `built` word ("built", "executed"), "cached" or "failed"
    seconds: float = 0.0
    error: str = ""


class Target:
    """One thing the engine builds. Subclasses set `name`, `folder` (holds its outputs and
    stamp; swept for the temporary files of killed writes) and `stamp_path`, and define
    key() -> str, outputs() -> {name in the stamp: file it writes}, and build(key), which
    writes the outputs (atomically: store.atomic_write) or raises."""

    kind = "target"
    built = "built"  # the word for a target that was brought up to date
    name: str
    folder: Path
    stamp_path: Path

    def preload(self) -> None:
        """Import what `build` needs, once, before workers are forked (they inherit it)."""

    def stamp_extra(self) -> dict:
        """More facts to keep in the stamp (never part of freshness)."""
        return {}

    def is_fresh(self, key: str) -> bool:
        stamp, outputs = store.read_stamp(self.stamp_path), self.outputs()
        return (stamp is not None and stamp["key"] == key
                and stamp["outputs"].keys() == outputs.keys()
                and store.files_match(stamp["outputs"], outputs))

    def write_stamp(self, key: str) -> None:
        outputs = {name: store.sha256(path) for name, path in self.outputs().items()}
        store.write_json(self.stamp_path, {"key": key, "outputs": outputs, **self.stamp_extra()})


def build_one(target: Target, key: str) -> Result:
    """Build one target and stamp it; never raises, the error travels in the Result."""
    start = time.perf_counter()
    try:
        target.build(key)
        target.write_stamp(key)
    except TargetError as exc:
        return Result(target.name, "failed", time.perf_counter() - start, str(exc))
    except Exception:
        return Result(target.name, "failed", time.perf_counter() - start, traceback.format_exc())
    return Result(target.name, target.built, time.perf_counter() - start)


def pick(names: Iterable[str] | None, known: dict, kind: str) -> list[str]:
    """The names asked for (all the known ones when none), or a KeyError naming the unknown."""
    names = list(names or sorted(known))
    if unknown := [n for n in names if n not in known]:
        raise KeyError(f"unknown {kind}(s): {', '.join(unknown)}; "
                       f"known: {', '.join(sorted(known)) or 'none'}")
    return names


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
        _run_in_processes(todo, jobs, report)
    else:
        for target, key in todo:
            report(build_one(target, key))
    return [results[t.name] for t in targets]


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same cleanup runs."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _worker(target: Target, key: str, conn, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides, the workers wait for it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's cleanup still terminates the workers
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
    conn.send(build_one(target, key))  # the pipe closes as the process exits


def _run_in_processes(todo: list[tuple[Target, str]], jobs: int,
                      report: Callable[[Result], None]) -> None:
    """build_one each (target, key) in a forked worker, `jobs` at a time, and `report`
    each Result as it arrives."""
    ctx = multiprocessing.get_context("fork")
    pending = list(todo)
    running: dict = {}  # receiving end -> (process, target, start)
    in_main = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _raise_terminated) if in_main else None
    try:
        while pending or running:
            while pending and len(running) < jobs:
                target, key = pending.pop(0)
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_worker, name=f"build {target.name}",
                                      args=(target, key, send, os.getpid()))
                process.start()
                send.close()
                running[receive] = (process, target, time.perf_counter())
            for receive in wait(list(running)):
                process, target, start = running.pop(receive)
                try:
                    result = receive.recv()
                except (EOFError, OSError):  # it ended without sending a Result
                    result = None
                receive.close()
                process.join()
                if result is None:
                    code = process.exitcode  # negative: the signal that killed it
                    how = (f"was killed by {_SIGNALS.get(-code, f'signal {-code}')}" if code < 0
                           else f"exited with code {code}")
                    result = Result(target.name, "failed", time.perf_counter() - start,
                                    f"{target.kind} {target.name!r}: its worker {how} before it "
                                    f"finished (killed from outside, or out of memory)")
                report(result)
    finally:
        _stop([process for process, _, _ in running.values()])
        if in_main:
            signal.signal(signal.SIGTERM, old_term)


def _stop(processes: list) -> None:
    """Terminate the workers, and kill those still alive after 5 s."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + 5
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def progress_line(result: Result, done: int, total: int) -> str:
    line = f"[{done:>{len(str(total))}}/{total}] {result.status:<6} {result.name}"
    return line if result.status == "cached" else line + f" ({result.seconds:.2f} s)"


def summary(results: list[Result], built: str = "built") -> str:
    """'2 built, 28 cached, 0 failed' (the progress lines named each one)."""
    return ", ".join(f"{sum(r.status == s for r in results)} {s}" for s in (built, "cached", "failed"))
