"""What may differ between two clean builds of the same sources, and why.

Everything the build writes is a function of the sources, with SOURCE_DATE_EPOCH as the
build date (the Makefile sets it to the last commit's time; MkDocs stamps sitemap.xml.gz
with it). The exceptions are outputs that measure wall time by nature; they are listed
here, each with its reason, and tests/test_reproducible.py builds the site twice and
fails on any other difference (an exception that no longer differs is fine: it is a
permission, not a promise).
"""

from __future__ import annotations

import json

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
