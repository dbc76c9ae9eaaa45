"""Two clean builds of the same sources give the same site/, byte for byte, but for the
outputs that measure wall time (WALL_TIME below, each with its reason).

Everything the build writes is a function of the sources, with SOURCE_DATE_EPOCH as the
build date (the Makefile sets it to the last commit's time; MkDocs stamps sitemap.xml.gz
with it). An exception that no longer differs is fine: it is a permission, not a promise.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import INSTALLED, ROOT, run

EPOCH = "1700000000"
# a path prefix inside each language's site folder -> why it measures wall time
WALL_TIME = {
    "notebooks/backpropagation/": "the backpropagation notebook times backpropagation "
                                  "against numerical gradients on the machine that builds "
                                  "the site: its printed milliseconds and speed-ups",
}
SEARCH_INDEX = "search/search_index.json"


def excepted(path: str, languages: list[str]) -> bool:
    """True if a site file (path relative to site/) is one of the wall-time outputs."""
    for prefix in ["", *(f"{lang}/" for lang in languages)]:
        rest = path[len(prefix):] if path.startswith(prefix) else None
        if rest is not None and any(rest.startswith(p) for p in WALL_TIME):
            return True
    return False


def search_index_without_wall_time(text: str) -> dict:
    """A search index with the entries of the wall-time pages left out."""
    index = json.loads(text)
    index["docs"] = [d for d in index.get("docs", [])
                     if not any(d.get("location", "").startswith(p) for p in WALL_TIME)]
    return index


def clean_copy(dest: Path) -> Path:
    """The sources alone: no figures, no caches; the package and KaTeX linked."""
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", dest / "docs")
    for name in ("node_modules", "ml4a_figs"):
        (dest / name).symlink_to(ROOT / name)
    return dest


def build_all(root: Path) -> Path:
    """What `make site` runs: every language and its PDF."""
    run([sys.executable, "-m", "ml4a_figs.site", "-f", str(root / "mkdocs.yml")], cwd=root,
        env={"SOURCE_DATE_EPOCH": EPOCH, **INSTALLED}, check=True, timeout=1800)
    return root / "site"


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def test_the_exceptions_are_matched_by_path():
    assert excepted("notebooks/backpropagation/index.html", ["ko"])
    assert excepted("ko/notebooks/backpropagation/backpropagation.ipynb", ["ko"])
    assert not excepted("notebooks/overfitting/index.html", ["ko"])
    assert not excepted("index.html", ["ko"])


@pytest.mark.slow
def test_two_clean_builds_give_the_same_site(tmp_path):
    a = files(build_all(clean_copy(tmp_path / "a")))
    b = files(build_all(clean_copy(tmp_path / "b")))
    assert sorted(a) == sorted(b)
    langs = sorted({p.split("/")[0] for p in a if p.endswith("/index.html") and "/" in p
                    and (tmp_path / "a" / "docs" / p.split("/")[0]).is_dir()})
    differ = [p for p in a if a[p] != b[p]]
    unexplained = []
    for path in differ:
        if excepted(path, langs):
            continue
        if path.endswith(SEARCH_INDEX):
            if search_index_without_wall_time(a[path].decode()) == \
                    search_index_without_wall_time(b[path].decode()):
                continue
        unexplained.append(path)
    assert unexplained == [], f"differ between two clean builds: {unexplained}"
    # SOURCE_DATE_EPOCH is the build date: MkDocs stamps sitemap.xml.gz with its midnight
    stamp = int.from_bytes(a["sitemap.xml.gz"][4:8], "little")
    assert stamp == int(EPOCH) // 86400 * 86400, stamp
    print(f"{len(a)} files, {len(differ)} differ, all of them wall-time outputs: {differ}")
