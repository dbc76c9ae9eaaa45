"""`make site`: every language and its printable edition, published together or not at all.

    python -m ml4a_figs.site [LANG ...] [-f mkdocs.yml] [--site-dir DIR] [--force-pdf]

One process: MkDocs, Material and mkdocs-jupyter are imported once; the figures, facts,
notebooks and wheel are brought up to date once (site/computed.py) and handed to each
language's build; each language is MkDocs' own `build` of the configuration derived for it
(site/languages.py). Everything is built into a staging folder beside the site folder and
swapped into place only when every language and every PDF succeeded: a failed build leaves
the last good site as it was. A lock makes a second build in the same checkout stop with
"another build is running" instead of both writing the same folders.
"""

from __future__ import annotations

import argparse
import fcntl
import importlib
import importlib.util
import logging
import os
import shutil
import sys
import time
import types
from contextlib import contextmanager
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from ..i18n.status import TranslationError
from . import languages
from .computed import Computed, compute, show_progress

PLUGIN = "ml4a-figures"
LOCK = Path(".cache") / "site-build.lock"  # under the project root


class Busy(Exception):
    """Another build holds the checkout's lock."""


@contextmanager
def build_lock(root: Path):
    """The checkout's build lock, or Busy at once (never a wait behind a long build). The
    kernel drops it when the process ends, however it ends."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            raise Busy(f"another build is running in this checkout (pid {f.read().strip() or '?'}); "
                       f"wait for it to finish, or stop it") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        yield


def staging_of(site: Path) -> Path:
    return site.with_name(f".{site.name}.staging")


def publish(staging: Path, site: Path) -> None:
    """Put the staged site in the place of the published one: two renames, the old site
    kept until the new one is in place (and put back if a build died between them)."""
    old = site.with_name(f".{site.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        os.rename(site, old)
    os.rename(staging, site)
    shutil.rmtree(old, ignore_errors=True)


def recover(site: Path) -> None:
    """A build killed between publish's two renames left the last good site aside."""
    old = site.with_name(f".{site.name}.old")
    if not site.exists() and old.exists():
        os.rename(old, site)


def prepare(site_langs: list[languages.LanguageBuild], jobs: int, verbose: bool) -> Computed:
    """What every language shares, computed with the paths the plugin's options give."""
    config = site_langs[0].config
    root = Path(config.config_file_path).parent
    options = config.plugins[PLUGIN].config
    return compute(root, root / options.figures_dir, root / options.notebooks_dir,
                   root / options.cache_dir, jobs=jobs,
                   progress=show_progress if verbose else None,
                   log=print if verbose else (lambda _: None))


# mkdocs-jupyter imports these when its plugin loads (nbconvert, jupytext: about 0.5 s), yet a
# warm build takes every notebook page from mkdocs-jupyter's own cache and never calls them.
DEFERRED_IMPORTS = ("jupytext", "mkdocs_jupyter.convert")


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then imports it. (The
    standard library's LazyLoader does not defer here: Python 3.11's `import` statement
    reads the module's __spec__, which loads it.)"""

    def __getattr__(self, attr):
        sys.modules.pop(self.__name__, None)
        return getattr(importlib.import_module(self.__name__), attr)


def defer_imports() -> None:
    """A cold build that converts a notebook imports them then; a warm one never does."""
    for name in DEFERRED_IMPORTS:
        spec = None if name in sys.modules else importlib.util.find_spec(name)
        if spec is None:
            continue
        sys.modules[name] = _Deferred(name)
        sys.modules[name].__spec__ = spec  # what `import` reads; the module is not loaded


def build_languages(site_langs: list[languages.LanguageBuild], computed: Computed,
                    verbose: bool = True) -> dict[str, float]:
    """MkDocs' build of each language, in order (the original first: it empties the
    folder); seconds per language."""
    from mkdocs.commands.build import build

    seconds = {}
    for lang in site_langs:
        plugin = lang.config.plugins[PLUGIN]
        plugin.i18n, plugin.computed = lang, computed
        start = time.perf_counter()
        lang.config.plugins.on_startup(command="build", dirty=False)
        try:
            build(lang.config)
        finally:
            lang.config.plugins.on_shutdown()
        seconds[lang.code] = time.perf_counter() - start
        if verbose:
            print(f"mkdocs build ({lang.code}): {seconds[lang.code]:.2f} s", flush=True)
    return seconds


def print_editions(staging: Path, site_langs: list[languages.LanguageBuild], original: str,
                   force: bool) -> None:
    """Each language's PDF into the staging folder; the languages and their words come
    from the configuration, never from a rendered page."""
    from ..print_edition import edition

    chapters = {lang.code: "" if lang.code == original else f"{lang.code}/" for lang in site_langs}
    words = {lang.code: lang.strings["print"] for lang in site_langs}
    for lang, path, status, seconds in edition.build(staging, chapters, words, force=force):
        print(f"pdf {lang}: {status} {path.relative_to(staging)} "
              f"({path.stat().st_size / 1e6:.2f} MB, {seconds:.1f} s)", flush=True)


def build_site(config_file: Path, site_dir: Path | None = None, codes: list[str] | None = None,
               jobs: int = 2, force_pdf: bool = False, verbose: bool = True) -> None:
    """Build, print and publish; raises Busy, MkDocsException, TranslationError or the
    print step's error, leaving the published site untouched."""
    config_file = Path(config_file).resolve()
    root = config_file.parent
    site = Path(site_dir or root / str(languages.read_config(config_file).get("site_dir")
                                      or "site")).resolve()
    staging = staging_of(site)
    with build_lock(root):
        recover(site)
        if staging.exists():
            shutil.rmtree(staging)
        try:
            defer_imports()
            site_langs = languages.derive(config_file, site_dir=staging, codes=codes)
            computed = prepare(site_langs, jobs, verbose)
            build_languages(site_langs, computed, verbose)
            print_editions(staging, site_langs, site_langs[0].project.original, force_pdf)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        publish(staging, site)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.site",
                                     description="Build every language of the site and its "
                                                 "printable edition, then publish them.")
    parser.add_argument("languages", nargs="*", help="language codes (default: all)")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("-d", "--site-dir", type=Path, help="default: site_dir of mkdocs.yml")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--force-pdf", action="store_true", help="reprint every PDF")
    args = parser.parse_args(argv)
    from ..print_edition import PrintError

    log = logging.getLogger("mkdocs")
    log.setLevel(logging.WARNING)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        log.addHandler(handler)
    start = time.perf_counter()
    try:
        build_site(args.config_file, args.site_dir, args.languages or None, jobs=args.jobs,
                   force_pdf=args.force_pdf)
    except KeyboardInterrupt:
        print("interrupted: the published site is unchanged", file=sys.stderr)
        return 130
    except (Busy, MkDocsException, TranslationError, PrintError) as exc:
        # MkDocs' Abort, a PluginError, the print step: the message says what and where
        print(f"error: {exc}\nthe published site is unchanged", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - start:.2f} s")
    return 0
