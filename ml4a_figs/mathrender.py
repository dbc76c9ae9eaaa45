"""Formulas rendered to HTML at build time with KaTeX, so readers download no math
JavaScript: only KaTeX's stylesheet and the fonts a page actually uses.

KaTeX comes from the npm registry (package.json, installed by `make`); node is
started once per build and every rendering is cached on disk by its TeX. The cache is
never trusted blindly: a file of the wrong shape is stale, and a cached rendering is used
only if it holds nothing but KaTeX's own markup (no script, no on… attribute, no URL);
otherwise it is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nh3

from .pipeline.store import write_json

SCRIPT = Path(__file__).with_name("katex_render.js")


class MathError(ValueError):
    """A formula KaTeX refuses, or one beyond the bounds below."""


# Bounds on one formula (stated in the translator's guide, docs/en/translating.md): the
# chapter's formulas need no expansion beyond 20 and no size beyond a few em.
MAX_FORMULA_CHARS = 2_000  # its TeX
MAX_EXPAND = 100  # KaTeX's maxExpand: built-in macros expanded (a formula defines none)
MAX_SIZE_EM = 20  # KaTeX's maxSize: the largest \rule, space or box it may ask for
MAX_FORMULA_HTML = 256_000  # what KaTeX writes for it
LIMITS = f"maxExpand={MAX_EXPAND} maxSize={MAX_SIZE_EM}"

# every element KaTeX writes (HTML, MathML, the SVG of stretchy symbols)
KATEX_TAGS = set("""span math semantics annotation mrow mi mo mn ms mtext mspace msup msub
    msubsup mfrac msqrt mroot mover munder munderover mtable mtr mtd mstyle mpadded mphantom
    menclose mlabeledtr svg path line rect g""".split())
_URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "srcdoc", "srcset"}


def _katex_attribute(element: str, attribute: str, value: str) -> str | None:
    return None if attribute.lower().startswith("on") or attribute.lower() in _URL_ATTRIBUTES else value


def is_katex_output(html: str) -> bool:
    """True if this HTML holds only what KaTeX writes: its elements, no event handler,
    no URL. A tampered cache entry fails (nh3 parses it as a browser would): cleaning it
    strictly changes nothing but what cleaning it with its own tags also changes."""
    common = dict(clean_content_tags=set(), attributes={}, generic_attribute_prefixes={""},
                  link_rel=None, strip_comments=True)
    strict = nh3.clean(html, tags=KATEX_TAGS, attribute_filter=_katex_attribute, **common)
    own_tags = {m.lower() for m in re.findall(r"<\s*/?\s*([A-Za-z][^\s/>]*)", html)}
    return strict == html or strict == nh3.clean(html, tags=KATEX_TAGS | own_tags, **common)


def katex_dir(project_dir: Path) -> Path:
    return project_dir / "node_modules" / "katex"


class KatexRenderer:
    def __init__(self, project_dir: Path, cache_file: Path):
        package = katex_dir(project_dir) / "package.json"
        if not package.is_file():
            raise MathError(f"KaTeX is not installed ({package} is missing): run `npm ci` "
                            "(the Makefile does it for you)")
        self.project_dir = project_dir
        self.version = f"{json.loads(package.read_text())['version']} {LIMITS}"
        self.cache_file = cache_file
        self._proc: subprocess.Popen | None = None
        self._dirty = False
        self._cache = _read_cache(cache_file, self.version)

    def render(self, tex: str, display: bool) -> str:
        key = hashlib.sha256(f"{int(display)}:{tex}".encode()).hexdigest()
        if key in self._cache and not is_katex_output(self._cache[key]):
            del self._cache[key]  # tampered or damaged: rendered again, then rewritten
        if key not in self._cache:
            if len(tex) > MAX_FORMULA_CHARS:
                raise MathError(f"the formula is {len(tex):,} characters long; at most "
                                f"{MAX_FORMULA_CHARS:,}")
            reply = self._ask({"tex": tex, "display": display, "maxExpand": MAX_EXPAND,
                               "maxSize": MAX_SIZE_EM})
            if "error" in reply:
                raise MathError(reply["error"])
            if len(reply["html"]) > MAX_FORMULA_HTML:
                raise MathError(f"the formula renders to {len(reply['html']):,} characters of "
                                f"HTML; at most {MAX_FORMULA_HTML:,}")
            self._cache[key] = reply["html"]
            self._dirty = True
        return self._cache[key]

    def _ask(self, request: dict) -> dict:
        if self._proc is None:
            node = shutil.which("node")
            if node is None:
                raise MathError("node is not on PATH: it is needed to render formulas with KaTeX")
            env = dict(os.environ, NODE_PATH=str(self.project_dir / "node_modules"))
            self._proc = subprocess.Popen([node, str(SCRIPT)], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True, env=env,
                                          encoding="utf-8")
        self._proc.stdin.write(json.dumps(request) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise MathError("the KaTeX process ended unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=10)
            self._proc = None
        if self._dirty:
            write_json(self.cache_file, {"katex": self.version, "renderings": self._cache})
            self._dirty = False


def _read_cache(cache_file: Path, version: str) -> dict[str, str]:
    """The cached renderings of this KaTeX version; {} (all stale) when there are none."""
    try:
        stored = json.loads(cache_file.read_text(encoding="utf-8"))
        if stored["katex"] == version:
            return {k: v for k, v in stored["renderings"].items() if isinstance(v, str)}
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        pass  # missing, not JSON, or JSON of another shape
    return {}
