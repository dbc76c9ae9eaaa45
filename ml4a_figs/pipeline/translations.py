"""The languages a figure is drawn in, read from the translations themselves.

A language is drawn when docs/<lang>/language.yml has a `figures:` table (English text:
its translation); the English drawing is the figure's own. `figure_fonts:` in the same
file names the fonts of that language's text, first the ones matplotlib sets raster
text in, then the ones a reader's phone or desktop has; the SVGs name them all. No
file of the package changes when a language is added.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .keys import PACKAGE_DIR

ORIGINAL = "en"  # the language the draw functions write
DOCS = PACKAGE_DIR.parent / "docs"
STRINGS_FILE = "language.yml"
LATIN = ["DejaVu Sans", "Helvetica", "Arial"]  # what the figures are laid out with
# Hangul, kana and Han on Linux (Debian's Noto CJK), Android, macOS/iOS and Windows
DEFAULT_FONTS = ["Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic",
                 "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic"]


class TranslationFileError(ValueError):
    """A language.yml the figure build cannot read; the message names the file and line."""


@dataclass(frozen=True)
class Language:
    code: str
    table: tuple  # (English, translation) pairs, sorted
    fonts: tuple

    @property
    def family(self) -> list[str]:
        return LATIN[:1] + list(self.fonts) + LATIN[1:]


def figure_languages(docs: Path = DOCS, only: list[str] | None = None) -> list[Language]:
    """Every language but the original with a `figures:` table, by code; `only` keeps
    those codes (the original is always drawn)."""
    found = []
    for path in sorted(Path(docs).glob(f"*/{STRINGS_FILE}")):
        code = path.parent.name
        if code == ORIGINAL or (only is not None and code not in only):
            continue
        data = _load(path)
        table = data.get("figures") or {}
        fonts = data.get("figure_fonts") or DEFAULT_FONTS
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise TranslationFileError(f"{path}: figures: must map each English text of the "
                                       f"figures to its translation (text: text)")
        if not isinstance(fonts, list) or not all(isinstance(f, str) for f in fonts):
            raise TranslationFileError(f"{path}: figure_fonts: must be a list of font names")
        if table:
            found.append(Language(code, tuple(sorted((str(k), v) for k, v in table.items())),
                                  tuple(fonts)))
    return found


def _load(path: Path) -> dict:
    import yaml  # only the project's build reads translations; the wheel never does

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise TranslationFileError(f"{path}:1: not UTF-8 text; save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranslationFileError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: "
                                   f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(data, dict):
        raise TranslationFileError(f"{path}:1: must be YAML keys and values")
    return data


@contextmanager
def fonts_of(language: Language | None):
    """matplotlib's fonts for that language's copy (the original's when None): text
    made while it is written gets the language's family, and a font the machine lacks
    (a phone's) is named in the SVG without a warning per glyph."""
    if language is None:
        yield
        return
    import matplotlib

    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context({"font.family": language.family}):
            yield
    finally:
        log.setLevel(level)
