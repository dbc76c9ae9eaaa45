"""Every language of the site built in one process: `python -m ml4a_figs.site`.

One Python start, one import of MkDocs, Material, mkdocs-jupyter and nbconvert; the
figures, facts and notebooks brought up to date once (build engine) and shared by every
language's build; then, for each language of extra.alternate in mkdocs.yml (the original
first), MkDocs' own config loading and build, with $ML4A_LANG set as
site/languages.configure reads it. `mkdocs build` and `mkdocs serve` still build one language (ML4A_LANG=xx).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from ..notebooks import targets as notebook_targets
from ..pipeline import figures as figure_targets
from ..pipeline.engine import progress_line, summary_table
from . import languages as language_builds
from . import plugin


@contextmanager
def _language(code: str):
    old = os.environ.get(language_builds.ENV)
    os.environ[language_builds.ENV] = code
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(language_builds.ENV, None)
        else:
            os.environ[language_builds.ENV] = old


def languages(config_file: Path) -> list[str]:
    """The language codes of the site, the original first (from mkdocs.yml)."""
    root = Path(config_file).resolve().parent
    return [lang.code for lang in language_builds.project(root).languages]


def build_language(config_file: Path, code: str) -> float:
    """`mkdocs build --strict` of one language, in this process; returns its seconds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    with _language(code):
        config = load_config(str(config_file), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    return time.perf_counter() - start


def prepare(jobs: int, verbose: bool = True) -> bool:
    """Figures, facts and notebooks up to date before any page is built; False on failure."""
    def progress(result, done, total):
        if verbose and result.status != "cached":
            print(progress_line(result, done, total), flush=True)

    ok = True
    registry = figure_targets.scan()  # once for the whole build: every language shares it
    figures = figure_targets.build(jobs=jobs, progress=progress, registry=registry)
    notebooks = notebook_targets.run(jobs=min(jobs, 2), progress=progress)
    for kind, results in (("figure", figures), ("notebook", notebooks)):
        for r in results:
            if r.status == "failed":
                ok = False
                print(f"\n{kind} {r.name!r} failed:\n{r.error}", file=sys.stderr)
        built = sum(r.status not in ("cached", "failed") for r in results)
        if verbose:
            print(summary_table(results, kind, results[0].status if built else "built")
                  if built or not ok else
                  f"{len(results)} {kind}s cached", flush=True)
    if ok:
        facts_file = figure_targets.DEFAULT_OUT / "facts.json"
        facts = json.loads(facts_file.read_text(encoding="utf-8"))
        plugin.share(plugin.shared_key(figure_targets.DEFAULT_OUT, notebook_targets.DEFAULT_SRC,
                                       notebook_targets.DEFAULT_CACHE),
                     registry, facts, {f"notebooks/{r.name}.ipynb": r for r in notebooks})
    return ok


# mkdocs-jupyter imports these when its plugin loads (about 1 s: nbconvert, jupytext), yet a
# warm build takes every notebook page from mkdocs-jupyter's own cache and never calls them.
DEFERRED_IMPORTS = ("jupytext", "mkdocs_jupyter.convert")


def defer_imports(names=DEFERRED_IMPORTS) -> None:
    """Load each module on its first use instead (importlib's LazyLoader): a cold build
    that converts a notebook loads it then, a warm one never does."""
    import importlib
    import importlib.util

    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(importlib.import_module(parent), child, module)


def build_site(config_file: Path, codes: list[str] | None = None, jobs: int = 2,
               verbose: bool = True) -> dict[str, float]:
    """Build every language (or those given) in this process; seconds per language."""
    config_file = Path(config_file).resolve()
    codes = codes or languages(config_file)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    if not logging.getLogger("mkdocs").handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logging.getLogger("mkdocs").addHandler(handler)
    seconds = {}
    defer_imports()
    if plugin.SHARED is None:
        plugin.SHARED = {}
    try:
        for code in codes:
            seconds[code] = build_language(config_file, code)
            if verbose:
                print(f"mkdocs build ({code}): {seconds[code]:.2f} s", flush=True)
    finally:
        plugin.SHARED = None
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.site",
                                     description="Build every language of the site in one process.")
    parser.add_argument("languages", nargs="*", help="language codes (default: all)")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    start = time.perf_counter()
    plugin.SHARED = {}
    try:
        if not prepare(args.jobs):
            return 1
        build_site(args.config_file, args.languages or None, jobs=args.jobs)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # MkDocs' Abort, a PluginError: the message says what and where
        from mkdocs.exceptions import MkDocsException

        if not isinstance(exc, MkDocsException):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - start:.2f} s")
    return 0
