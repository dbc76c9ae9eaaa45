"""python -m ml4a_figs list | build [NAMES...] [--force] [--jobs N] | clean"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import build as builder
from .registry import DeclarationError, scan


def _progress(result: builder.Result, done: int, total: int) -> None:
    width = len(str(total))
    line = f"[{done:>{width}}/{total}] {result.status:<6} {result.name}"
    if result.status != "cached":
        line += f" ({result.seconds:.2f} s)"
    print(line, flush=True)


def summary_table(results: list[builder.Result]) -> str:
    width = max([len("figure")] + [len(r.name) for r in results])
    rows = [f"{'figure':<{width}}  status  seconds", f"{'-' * width}  ------  -------"]
    for r in results:
        seconds = f"{r.seconds:7.2f}" if r.status != "cached" else "      -"
        rows.append(f"{r.name:<{width}}  {r.status:<6}  {seconds}")
    counts = {s: sum(r.status == s for r in results) for s in ("built", "cached", "failed")}
    rows.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs",
                                     description="Compute and draw the chapter's figures.")
    parser.add_argument("--out", type=Path, default=builder.DEFAULT_OUT,
                        help="output folder (default: the project's figures/; installed, ./figures)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every declared figure, its formats and whether it is fresh")
    b = sub.add_parser("build", help="redraw stale figures (all, or the NAMES given)")
    b.add_argument("names", nargs="*")
    b.add_argument("--force", action="store_true", help="redraw even when fresh")
    b.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    sub.add_parser("clean", help="remove every generated figure and stamp")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except DeclarationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "list":
        from .registry import cache_key

        registry = scan()
        width = max(len(n) for n in registry)
        for name in sorted(registry):
            fig = registry[name]
            fresh = builder.is_fresh(fig, cache_key(fig), args.out)
            print(f"{name:<{width}}  {'fresh' if fresh else 'stale':<5}  {', '.join(fig.formats)}")
        return 0

    if args.command == "clean":
        print(f"removed {builder.clean(args.out)} files from {args.out}")
        return 0

    start = time.perf_counter()
    try:
        results = builder.build(args.names, args.out, force=args.force, jobs=args.jobs,
                                progress=_progress)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    for r in results:
        if r.status == "failed":
            print(f"\nfigure {r.name!r} failed:\n{r.error}", file=sys.stderr)
    print()
    print(summary_table(results))
    print(f"total {time.perf_counter() - start:.2f} s")
    return 1 if any(r.status == "failed" for r in results) else 0
