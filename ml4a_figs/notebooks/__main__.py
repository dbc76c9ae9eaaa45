"""python -m ml4a_figs.notebooks [NAMES...] [--force] [--jobs N]: execute the stale
notebooks of docs/notebooks/ into .cache/notebooks/."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ..pipeline.engine import Result
from .source import DEFAULT_SRC
from .targets import DEFAULT_CACHE, run


def _print_progress(r: Result, done: int, total: int) -> None:
    line = f"notebook {r.name}: {r.status}"
    if r.status != "cached":
        line += f" ({r.seconds:.2f} s)"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.notebooks",
                                     description="Execute the stale notebooks of docs/notebooks/.")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--force", action="store_true", help="execute even when fresh")
    parser.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        results = run(args.names, args.src, args.cache, force=args.force, jobs=args.jobs,
                      progress=_print_progress)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    for r in results:
        if r.status == "failed":
            print(f"\n{r.error}", file=sys.stderr)
    counts = {s: sum(r.status == s for r in results) for s in ("executed", "cached", "failed")}
    print(", ".join(f"{n} {s}" for s, n in counts.items())
          + f" notebooks in {time.perf_counter() - start:.2f} s")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
