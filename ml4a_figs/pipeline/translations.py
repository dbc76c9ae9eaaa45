"""The languages a figure is drawn in: those whose docs/<lang>/language.yml has a
`figures:` table (English text: translation). Its `figure_fonts:` names the fonts of that
language, first those matplotlib sets raster text in, then those of a reader's phone or
desktop (the SVGs name them all). Adding a language changes no file of the package.
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
MAX_STRINGS_BYTES = 64_000  # a language.yml (stated in the translator's guide, Limits)
LATIN = ["DejaVu Sans", "Helvetica", "Arial"]  # what the figures are laid out with
# Hangul, kana and Han on Linux (Debian's Noto CJK), Android, macOS/iOS and Windows
DEFAULT_FONTS = ["Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic",
                 "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic"]


class TranslationError(ValueError):
    """Bad input in a translation, every problem as `path:line: message`: the one error
    type of a translation problem (the figure build's, the checks', the site's)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad input in a translation:\n" + "\n".join(problems))


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
        data = read_yaml(path, Path(docs).parent)
        table = data.get("figures") or {}
        fonts = data.get("figure_fonts") or DEFAULT_FONTS
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise TranslationError([f"{path}:1: figures: must map each English text of the "
                                    f"figures to its translation (text: text)"])
        if not isinstance(fonts, list) or not all(isinstance(f, str) for f in fonts):
            raise TranslationError([f"{path}:1: figure_fonts: must be a list of font names"])
        if table:
            found.append(Language(code, tuple(sorted((str(k), v) for k, v in table.items())),
                                  tuple(fonts)))
    return found


def read_yaml(path: Path, root: Path) -> dict:
    """docs/<lang>/language.yml as a mapping (the one reader of it; ml4a_figs.i18n checks
    what the figure build does not use): a plain UTF-8 file of at most MAX_STRINGS_BYTES
    with YAML keys and values, else a TranslationError naming the file and line."""
    import yaml  # only the project's build reads translations; the wheel never does

    try:  # the link itself, never its target
        where = (Path(path).parent.resolve() / Path(path).name).relative_to(
            Path(root).resolve()).as_posix()
    except ValueError:
        where = str(path)
    if Path(path).is_symlink():
        raise TranslationError([f"{where}:1: a symbolic link; {STRINGS_FILE} is a plain file"])
    raw = Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf")
    if len(raw) > MAX_STRINGS_BYTES:
        raise TranslationError([f"{where}:1: this file is {len(raw):,} bytes; at most "
                                f"{MAX_STRINGS_BYTES:,} (see Limits in the translator's guide)"])
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise TranslationError([f"{where}:{line}: this line is not valid UTF-8 text; save "
                                f"the file as UTF-8"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranslationError([f"{where}:{mark.line + 1 if mark else 1}: not valid YAML: "
                                f"{getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(data, dict):
        raise TranslationError([f"{where}:1: must be YAML keys and values (untranslated: ...)"])
    return data


@contextmanager
def fonts_of(language: Language):
    """matplotlib's fonts for that language's copy; a font the machine lacks (a phone's)
    is named in the SVG without a warning per glyph."""
    import matplotlib

    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context({"font.family": language.family}):
            yield
    finally:
        log.setLevel(level)
