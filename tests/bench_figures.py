"""Measure the build budgets of DESIGN.md (a benchmark, not a test):

- every figure from cold (≤ 30 s on 2 cores), in English only and in every language
  with figure strings, side by side (issue 20: every language ≤ 2x English only),
- `make figures` with nothing changed (≤ 1 s, zero redrawn),
- one figure's code edited (only that figure redrawn),
- `make site` (every language, one process) with figures and notebooks cached (≤ 5 s).

Run with `make bench` or `python -m tests.bench_figures`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")


def timed(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout


def counts(stdout: str) -> str:
    match = re.search(r"(\d+) built, (\d+) cached, (\d+) failed", stdout)
    return match.group(0) if match else "?"


def main() -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        english = tmp / "cold-en"
        en_seconds, out = timed([PY, "-m", "ml4a_figs", "--out", str(english), "--languages", "en",
                                 "build", "--jobs", "2"])
        rows.append(("every figure from cold, English (2 jobs)", en_seconds, counts(out), 30.0))
        cold_out = tmp / "cold"
        seconds, out = timed([PY, "-m", "ml4a_figs", "--out", str(cold_out), "build", "--jobs", "2"])
        drawn = sorted(p.name for p in cold_out.iterdir() if p.is_dir() and p.name != ".stamps")
        rows.append((f"every figure from cold, en + {' + '.join(drawn)}", seconds,
                     counts(out), 30.0 * 2))
        rows.append(("  ratio: every language / English only", seconds / en_seconds,
                     "budget 2.0 (issue 20)", 2.0))

        timed([PY, "-m", "ml4a_figs", "build"])  # make sure figures/ is warm
        seconds, out = timed([PY, "-m", "ml4a_figs", "build"])
        rows.append(("figures, nothing changed", seconds, counts(out), 1.0))

        pkg = tmp / "pkg"
        shutil.copytree(ROOT / "ml4a_figs", pkg / "ml4a_figs",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "docs", pkg / "docs")  # the languages the figures are drawn in
        module = pkg / "ml4a_figs" / "figures" / "why_training_is_hard.py"
        module.write_text(module.read_text().replace(
            "def draw_small_nets(theme, nets, n_weights):\n",
            "def draw_small_nets(theme, nets, n_weights):\n    nets = list(nets)\n", 1))
        seconds, out = timed([PY, "-m", "ml4a_figs", "--out", str(cold_out), "build"],
                             cwd=pkg, env=dict(ENV, PYTHONPATH=str(pkg)))
        redrawn = re.findall(r"^\[\s*\d+/\d+\] built\s+(\S+)", out, re.M)
        rows.append(("small_nets' draw function edited", seconds,
                     f"redrawn: {', '.join(redrawn) or 'none'}", None))

        langs = timed([PY, "-m", "ml4a_figs.i18n", "languages"])[1].split()
        timed([PY, "-m", "ml4a_figs.site"])  # warm every cache first
        seconds, _ = timed([PY, "-m", "ml4a_figs.site"])  # what `make site` runs
        rows.append((f"make site, {len(langs)} languages, caches warm", seconds,
                     " ".join(langs), 5.0))

    print(f"{'measurement':<42} {'seconds':>8}  {'budget':>6}  detail")
    for name, seconds, detail, budget in rows:
        limit = f"{budget:>6.1f}" if budget else "     -"
        flag = "  OVER" if budget and seconds > budget else ""
        print(f"{name:<42} {seconds:>8.2f}  {limit}  {detail}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
