"""python -m ml4a_figs.notebooks [NAMES...] [--force] [--jobs N]: execute the stale
notebooks of docs/notebooks/ into .cache/notebooks/."""

import argparse
import os
import sys
from pathlib import Path

from ..pipeline.cli import report_run
from .execute import DEFAULT_SRC
from .targets import DEFAULT_CACHE, run

parser = argparse.ArgumentParser(prog="python -m ml4a_figs.notebooks",
                                 description="Execute the stale notebooks of docs/notebooks/.")
parser.add_argument("names", nargs="*")
parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
parser.add_argument("--force", action="store_true", help="execute even when fresh")
parser.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1))
args = parser.parse_args()
sys.exit(report_run("notebook", "executed", lambda progress: run(
    args.names, args.src, args.cache, force=args.force, jobs=args.jobs, progress=progress)))
