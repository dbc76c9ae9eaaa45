"""The declared figures as targets of the build engine (`make figures`). A figure's key
hashes the code its compute and draw functions reach, the files they use, the shared
style and writers, its parameters and the pinned library versions."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from ..figures import wording
from ..figures.registry import Figure, scan
from . import engine, store
from .engine import Result
from .keys import (PACKAGE_DIR, Remembered, digests, hash_json, library_versions,
                   module_closure, reachable_code)
from .output import RASTER_DPI, write_output
from .translations import (DOCS, ORIGINAL, Language, TranslationError,
                           figure_languages, fonts_of)

_CHECKOUT = PACKAGE_DIR.parent
# the project's figures/ in its checkout; installed from the wheel, ./figures
DEFAULT_OUT = (_CHECKOUT / "figures" if (_CHECKOUT / "pyproject.toml").is_file()
               else Path.cwd() / "figures")

# Bump when the way outputs are written changes, so every stamp goes stale.
CACHE_FORMAT = 1
# What touches every figure: the style and the translation of texts (with what they
# import), the writer and a language's fonts (alone: the plumbing they import draws nothing).
SHARED = [PACKAGE_DIR / "style.py", PACKAGE_DIR / "figures" / "wording.py"]
WRITERS = {Path(__file__).with_name("output.py"), Path(__file__).with_name("translations.py")}


def cache_key(fig: Figure) -> str:
    chunks, files = [], set(WRITERS)
    for func in (fig.compute, fig.draw):
        func_chunks, func_files = reachable_code(fig.path, func)
        chunks += func_chunks
        files |= func_files
    for path in SHARED:
        module_closure(path, files)
    return hash_json({"format": CACHE_FORMAT, "name": fig.name, "formats": fig.formats,
                    "phone": fig.phone, "params": repr(sorted(fig.params.items())),
                    "code": chunks, "files": digests(files),
                    "libraries": dict(library_versions())})


class FigureTarget(engine.Target):
    """A figure and its copies in each translation's words. Its key joins the code's key
    with one key per language (the translations of the texts the figure drew last time),
    so editing one Korean label redraws only the Korean copies that use it. A language
    that translates none of a figure's texts gets no copy: its pages show the original."""

    kind = "figure"

    def __init__(self, fig: Figure, out_dir: Path, languages: Iterable[Language] = (),
                 force: bool = False, remembered: Remembered | None = None):
        self.fig = fig
        self.name = fig.name
        self.folder = Path(out_dir)
        self.remembered = remembered or Remembered(self.folder / ".stamps" / "code-keys")
        self.stamp_path = self.folder / ".stamps" / f"{fig.name}.json"
        pictures = any(not f.endswith("json") for f in fig.formats)
        self.languages = {lang.code: lang for lang in languages} if pictures else {}
        self.tables = {c: wording.Words(dict(lang.table)).table for c, lang in self.languages.items()}
        self.force = force
        self._used: list | None = None

    def key(self) -> str:
        fig = self.fig
        self._code = self.remembered.get(  # its module is one of the files the memo hashes
            [fig.name, str(fig.path), fig.compute, fig.draw, fig.formats, fig.phone,
             repr(sorted(fig.params.items()))], lambda: cache_key(fig))
        self._stamp = store.read_stamp(self.stamp_path) or {}
        used = self._stamp.get("words") if self._stamp.get("code") == self._code else None
        self._used = used if isinstance(used, list) and all(isinstance(w, str) for w in used) else None
        return self._joined()

    def _joined(self) -> str:
        self._keys = {}
        for code, lang in self.languages.items():
            asked = None if self._used is None else {k: self.tables[code].get(k) for k in self._used}
            self._keys[code] = hash_json([self._code, code, list(lang.fonts), asked])
        return hash_json([self._code, self._keys])

    def drawn_in(self) -> list[str]:
        """The translations this figure has copies in (all, before its texts are known)."""
        return [c for c in sorted(self.languages)
                if self._used is None or any(k in self.tables[c] for k in self._used)]

    def outputs(self) -> dict[str, Path]:
        names = self.fig.output_names() + [n for code in self.drawn_in()
                                           for n in self.fig.translated_names(code)]
        return {name: self.folder / name for name in names}

    def preload(self) -> None:
        self.fig.functions()  # matplotlib and the training core, imported once for all workers

    def _stale(self) -> list[str]:
        """The languages to draw: all of them unless the last stamp is for this code; then
        the original if its files changed, and each translation whose key or files did."""
        if self.force or self._used is None:
            return [ORIGINAL] + sorted(self.languages)
        kept = self._stamp.get("languages")
        kept = kept if isinstance(kept, dict) else {}

        def intact(names):
            return store.files_match(self._stamp["outputs"], {n: self.folder / n for n in names})

        stale = [] if intact(self.fig.output_names()) else [ORIGINAL]
        return stale + [c for c in self.drawn_in() if kept.get(c) != self._keys[c]
                        or not intact(self.fig.translated_names(c))]

    def build(self, key: str) -> None:
        """Compute once; draw each theme and layout (handed the frozen style.Theme, inside its
        matplotlib style context), then write it in each stale language."""
        import matplotlib.pyplot as plt
        import matplotlib.style
        from threadpoolctl import threadpool_limits

        from .. import style

        stale = self._stale()
        text = self._stamp.get("text")
        self._text = text if isinstance(text, dict) else {}
        if not stale:  # the key moved with translations of texts this figure does not draw
            return
        compute, draw = self.fig.functions()
        # one BLAS thread: parallel figures don't fight, and sums keep one order (same bytes)
        with threadpool_limits(limits=1):
            arrays = compute(**self.fig.params)
        # drawn once per theme and layout, written in the original (which says which texts
        # the figure has), then in each translation that has words for them
        original, drawings = wording.Words(), {}
        scratch = None if ORIGINAL in stale else Path(tempfile.mkdtemp(prefix="ml4a-figure-"))
        try:
            for layout, theme in self.fig.variants():
                look = style.Theme(theme, layout)
                with matplotlib.style.context(look.rc()), threadpool_limits(limits=1):
                    drawings[layout, theme] = drawn = draw(look, **arrays)
                    wording.translate(drawn, original)
                    # written even when only translations are stale (then into a scratch
                    # folder): saving lays the figure out, and a translation saved without
                    # that history differs in its last digits (the SVG's clip-path ids)
                    self._write(drawn, layout, theme, None, scratch or self.folder)
            if ORIGINAL in stale:  # else the stamp's are right (an animation says its
                self._used = sorted(original.used)  # texts only while it is written)
            for code in [c for c in self.drawn_in() if c in stale]:
                lang = self.languages[code]
                said = wording.Words(dict(lang.table), lang.family)
                for (layout, theme), drawn in drawings.items():
                    look = style.Theme(theme, layout, code)
                    with matplotlib.style.context(look.rc()), fonts_of(lang), \
                            threadpool_limits(limits=1):
                        wording.translate(drawn, said)
                        self._write(drawn, layout, theme, code)
        finally:
            if scratch:
                shutil.rmtree(scratch, ignore_errors=True)
            for drawn in drawings.values():
                if hasattr(drawn, "savefig"):  # a matplotlib figure: pyplot holds on to it
                    plt.close(drawn)

    def _write(self, drawn, layout: str, theme: str, lang: str | None,
               folder: Path | None = None) -> None:
        folder = folder or self.folder
        for fmt in self.fig.formats:
            if (fmt == "json" and (layout, theme) != ("wide", "light")) or (
                    lang and fmt.endswith("json")):
                continue
            write_output(drawn, folder / self.fig.output_name(fmt, theme, layout, lang), fmt)
        if theme == "light" and lang is None and folder == self.folder:
            self._text[layout] = _text_size(drawn, self.folder, self.fig, layout)

    def write_stamp(self, key: str) -> None:
        # first remove the files of formats (or languages) an earlier version had
        for old in set(self._stamp.get("outputs", ())) - set(self.outputs()):
            (self.folder / old).unlink(missing_ok=True)
        super().write_stamp(self._joined())  # now that the drawing said which texts it uses

    def stamp_extra(self) -> dict:
        # "text": the phone test turns it into CSS pixels at the size the figure is shown
        return {"code": self._code, "languages": self._keys, "words": self._used,
                "text": self._text}


def _text_size(drawn, out_dir: Path, fig: Figure, layout: str) -> dict | None:
    """The smallest font size and the width of the file's picture, both in points:
    shown w CSS px wide, the figure's smallest text is pt * w / width_pt px tall."""
    from .. import style

    web = [f for f in fig.formats if f in ("svg", "webp", "png")]
    if not web:
        return None
    smallest = (drawn.smallest_text_pt() if hasattr(drawn, "smallest_text_pt")
                else style.smallest_text_pt(drawn))
    path = out_dir / fig.output_name(web[0], "light", layout)
    if web[0] == "svg":
        width_pt = float(re.search(rb'<svg[^>]* width="([0-9.]+)pt"', path.read_bytes()).group(1))
    else:
        from PIL import Image

        with Image.open(path) as image:
            # figures and explorables' backgrounds are written at RASTER_DPI, animations not
            at_raster_dpi = hasattr(drawn, "savefig") or hasattr(drawn, "backgrounds")
            dpi = RASTER_DPI if at_raster_dpi else drawn.dpi
            width_pt = image.width / dpi * 72
    return {"smallest_pt": round(smallest, 2), "width_pt": round(width_pt, 2)}


def is_fresh(fig: Figure, out_dir: Path, languages: Iterable[Language] = ()) -> bool:
    target = FigureTarget(fig, out_dir, languages)
    return target.is_fresh(target.key())


def build(names: Iterable[str] | None = None, out_dir: Path = DEFAULT_OUT, force: bool = False,
          jobs: int = 1, progress: Callable[[Result, int, int], None] | None = None,
          registry: dict[str, Figure] | None = None,
          languages: list[str] | None = None, docs: Path = DOCS) -> list[Result]:
    """Redraw the stale figures (all, or those named) in the original and in every
    translation of `docs` with figure strings (or the `languages` named)."""
    registry = scan() if registry is None else registry
    langs = figure_languages(docs, only=languages)
    remembered = Remembered(Path(out_dir) / ".stamps" / "code-keys")
    targets = [FigureTarget(registry[n], out_dir, langs, force, remembered)
               for n in engine.pick(names, registry, "figure")]
    results = engine.run(targets, force=force, jobs=jobs, progress=progress)
    remembered.save()
    return results


def translated_copies(out_dir: Path, name: str, lang: str) -> set[str]:
    """The pictures of a figure drawn in `lang`'s words at its last build (its stamp's
    outputs: a file its stamp does not list is an orphan, never published)."""
    stamp = store.read_stamp(Path(out_dir) / ".stamps" / f"{name}.json") or {"outputs": {}}
    return {n[len(lang) + 1:] for n in stamp["outputs"] if n.startswith(f"{lang}/")}


def clean(out_dir: Path = DEFAULT_OUT) -> int:
    """Remove every generated file (keeps the README that explains the folder)."""
    removed = 0
    for path in sorted(Path(out_dir).rglob("*"), reverse=True):
        if path.is_file() and path.name != "README.md":
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed
