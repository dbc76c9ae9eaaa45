"""Formulas rendered to HTML at build time with KaTeX, so readers download no math
JavaScript: only KaTeX's stylesheet and the fonts a page actually uses.

KaTeX comes from the npm registry (package.json, installed by `make`); node is
started once per build and every rendering is cached on disk by its TeX.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("katex_render.js")


class MathError(ValueError):
    pass


def katex_dir(project_dir: Path) -> Path:
    return project_dir / "node_modules" / "katex"


def katex_version(project_dir: Path) -> str:
    package = katex_dir(project_dir) / "package.json"
    if not package.is_file():
        raise MathError(f"KaTeX is not installed ({package} is missing): run `npm ci` "
                        "(the Makefile does it for you)")
    return json.loads(package.read_text())["version"]


class KatexRenderer:
    def __init__(self, project_dir: Path, cache_file: Path):
        self.project_dir = project_dir
        self.version = katex_version(project_dir)
        self.cache_file = cache_file
        self._proc: subprocess.Popen | None = None
        self._dirty = False
        try:
            stored = json.loads(cache_file.read_text(encoding="utf-8"))
            self._cache = stored["renderings"] if stored.get("katex") == self.version else {}
        except (OSError, ValueError, KeyError):
            self._cache = {}

    def render(self, tex: str, display: bool) -> str:
        key = hashlib.sha256(f"{int(display)}:{tex}".encode()).hexdigest()
        if key not in self._cache:
            reply = self._ask({"tex": tex, "display": display})
            if "error" in reply:
                raise MathError(reply["error"])
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
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"katex": self.version, "renderings": self._cache},
                                      sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache_file)
            self._dirty = False
