"""Reader-level tests: headless Chromium (Debian's, never a downloaded one) against the
built site served on 127.0.0.1.

The checks are plain functions in `checks.py`, each returning a list of problems that
name the page and the element. The same functions run against the built site and
against a deliberately broken fixture page (tests/fixtures/browser/), which proves that
each of them can fail.
"""

import sys
from pathlib import Path

# `tests.weight` (the page-weight script, also the home of the local server and the
# chromium launcher) is imported as part of the `tests` namespace from the project root.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
