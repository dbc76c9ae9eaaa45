"""A warm `make site` against plain Material, side by side in one run (a benchmark, not
a test): `make bench` or `python -m tests.bench_site`.

- floor: a temporary mkdocs.yml with only the Material theme, the project's Markdown
  extensions and the chapter page (docs/en/index.md), no project plugin; `mkdocs build`
  as a fresh process, best of a few runs;
- ours: `python -m ml4a_figs.site` (what `make site` runs) with every cache warm, all
  languages, and the original language alone; best of a few runs.

Budget (issue 21): all languages <= 1.6 x (floor x number of languages), flagged OVER
above; and (issue 12) each language after the first costs no more than one floor.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
MKDOCS = str(Path(PY).with_name("mkdocs"))
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
REPEATS = 5
BUDGET = 1.6  # issue 21: the warm build of every language, per language, in floors


def best_of(cmd: list[str], cwd: Path, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
        best = min(best, seconds)
    return best


def floor_project(tmp: Path) -> Path:
    """Plain Material building the same chapter page: no project plugin."""
    (tmp / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "en" / "index.md", tmp / "docs" / "index.md")

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    project = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    extensions = []
    for ext in project["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext = {"pymdownx.snippets": {"base_path": str(ROOT), "check_paths": True,
                                         "dedent_subsections": True}}
        extensions.append(ext)
    config = {"site_name": "floor", "docs_dir": "docs", "site_dir": "site",
              "theme": {"name": "material", "font": False}, "markdown_extensions": extensions,
              "nav": [{"Chapter": "index.md"}]}
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return tmp


def main() -> int:
    load_before = os.getloadavg()[0]
    languages = subprocess.run([PY, "-m", "ml4a_figs.i18n", "languages"], cwd=ROOT, env=ENV,
                               capture_output=True, text=True, check=True).stdout.split()
    ours_all = [PY, "-m", "ml4a_figs.site"]
    ours_first = [PY, "-m", "ml4a_figs.site", languages[0]]
    best_of(ours_all, ROOT, repeats=1)  # warm every cache (figures, notebooks, KaTeX, CSS)
    with tempfile.TemporaryDirectory() as tmp:
        project = floor_project(Path(tmp))
        floor_cmd = [MKDOCS, "build", "--quiet", "-f", str(project / "mkdocs.yml")]
        best_of(floor_cmd, project, repeats=1)
        # interleaved, so that load from elsewhere falls on both alike
        floor, all_langs, first = float("inf"), float("inf"), float("inf")
        for _ in range(REPEATS):
            floor = min(floor, best_of(floor_cmd, project, repeats=1))
            first = min(first, best_of(ours_first, ROOT, repeats=1))
            # last: a one-language build cleans site/ of the others, this puts them back
            all_langs = min(all_langs, best_of(ours_all, ROOT, repeats=1))

    n = len(languages)
    ratio = all_langs / (floor * n)
    extra = (all_langs - first) / max(n - 1, 1)
    rows = [
        ("plain Material, the chapter page (floor)", floor, "one language, fresh process"),
        (f"make site, warm, {n} languages ({' '.join(languages)})", all_langs,
         f"{ratio:.2f} x the floor per language (budget {BUDGET:.2f})"),
        (f"make site, warm, {languages[0]} alone", first, ""),
        ("each language after the first", extra,
         f"{extra / floor:.2f} floors (budget 1.00)"),
    ]
    print(f"best of {REPEATS}, interleaved")
    print(f"{'measurement':<44} {'seconds':>8}  detail")
    for name, seconds, detail in rows:
        print(f"{name:<44} {seconds:>8.2f}  {detail}")
    print(f"warm-build ratio: {ratio:.2f} (budget {BUDGET:.2f}){'  OVER' if ratio > BUDGET else ''}")
    print(f"load average: {load_before:.2f} before, {os.getloadavg()[0]:.2f} after ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
