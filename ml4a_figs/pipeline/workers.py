"""Parallel builds in worker processes, one process per target, that never outlive the run.

One forked process per target, not a pool (concurrent.futures marks the whole pool broken
when one worker is killed, multiprocessing.Pool waits forever for its task): a worker
killed from outside (SIGKILL, the out-of-memory killer) is known by the target it was
building, and the other targets go on. Ctrl-C or SIGTERM stops the run: every worker is
terminated and waited for before the exception goes on, and a worker whose parent dies
is killed by the kernel (PR_SET_PDEATHSIG), so no worker is ever left behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import wait
from typing import Callable

_PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same cleanup runs."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _worker(build, target, key, conn, parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent decides, the workers wait for it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the parent's cleanup still terminates the workers
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)
    try:
        conn.send(build(target, key))
    finally:
        conn.close()


def _how_it_ended(exitcode: int | None) -> str:
    if exitcode is None or exitcode >= 0:
        return f"exited with code {exitcode}"
    try:
        return f"was killed by {signal.Signals(-exitcode).name}"
    except ValueError:  # a real-time signal has no name
        return f"was killed by signal {-exitcode}"


def run_in_processes(todo: list, jobs: int, build: Callable, report: Callable,
                     died: Callable) -> None:
    """Run `build(target, key)` for each (target, key) in a forked worker, `jobs` at a time,
    and `report` each Result as it arrives; `died(target, seconds, how)` makes the Result of
    a worker that ended without sending one."""
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
                                      args=(build, target, key, send, os.getpid()))
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
                    result = died(target, time.perf_counter() - start,
                                  _how_it_ended(process.exitcode))
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
