"""python -m ml4a_figs list | build [NAMES...] [--force] [--jobs N] | clean"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Callable

from ..figures.registry import DeclarationError, scan
from . import figures as builder
from .engine import Result, Terminated, progress_line, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs",
                                     description="Compute and draw the chapter's figures.")
    parser.add_argument("--out", type=Path, default=builder.DEFAULT_OUT,
                        help="output folder (default: the project's figures/; installed, ./figures)")
    parser.add_argument("--languages", type=lambda v: [c for c in v.split(",") if c],
                        help="draw only these languages, comma-separated (default: English "
                             "and every docs/<lang>/language.yml with figures:)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every declared figure, its formats and whether it is fresh")
    b = sub.add_parser("build", help="redraw stale figures (all, or the NAMES given)")
    b.add_argument("names", nargs="*")
    b.add_argument("--force", action="store_true", help="redraw even when fresh")
    b.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    sub.add_parser("clean", help="remove every generated figure and stamp")
    args = parser.parse_args(argv)
    try:
        if args.command == "list":
            registry = scan()
            langs = builder.figure_languages(only=args.languages)
            width = max(len(n) for n in registry)
            for name, fig in sorted(registry.items()):
                fresh = builder.is_fresh(fig, args.out, langs)
                print(f"{name:<{width}}  {'fresh' if fresh else 'stale':<5}  {', '.join(fig.formats)}")
            return 0
        if args.command == "clean":
            print(f"removed {builder.clean(args.out)} files from {args.out}")
            return 0
        return report_run("figure", "built", lambda progress: builder.build(
            args.names, args.out, force=args.force, jobs=args.jobs, progress=progress,
            languages=args.languages))
    except (DeclarationError, builder.TranslationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def report_run(kind: str, built: str, run: Callable[[Callable], list[Result]]) -> int:
    """Call `run(progress)`, printing each target's progress, then every failure, the
    counts and the time; the command's exit code (130/143 when stopped: no worker is left)."""
    start = time.perf_counter()
    try:
        results = run(lambda result, done, total: print(progress_line(result, done, total),
                                                        flush=True))
    except KeyError as exc:  # an unknown name
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except Terminated:
        print("stopped (SIGTERM); every worker process has ended", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted; every worker process has ended", file=sys.stderr)
        return 130
    for r in results:
        if r.status == "failed":
            print(f"\n{kind} {r.name!r} failed:\n{r.error}", file=sys.stderr)
    print(f"{summary(results, built)} {kind}s in {time.perf_counter() - start:.2f} s")
    return 1 if any(r.status == "failed" for r in results) else 0
