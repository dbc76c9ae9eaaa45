"""A drawn figure's words in another language, without touching its draw function.

A figure is drawn once, in English; before each language's copy is written, every word
matplotlib will print -- titles, axis labels, legend entries, annotations, tick labels
that are words -- is looked up in that language's table (docs/<lang>/language.yml,
`figures:`), keyed by the English text. Numbers are not words: they become `{}` in the
key ("degree 3" is looked up as "degree {}") and are put back into the translation, so
one entry serves every value; math ($...$) and the names every language keeps
(optimizer names, MSE, SGD) are never translated. A text with no entry stays English,
and `Words.used` records the keys a figure asked for, so the build can tell a
translator what is missing.
"""

from __future__ import annotations

import re
from functools import cache


@cache
def kept() -> frozenset[str]:
    """Kept as written in every language (issue 20): optimizer names, abbreviations. style
    imports matplotlib, which a warm build (figure keys only) never needs: imported here."""
    from .. import style

    return frozenset(style.OPTIMIZER_ORDER) | {"MSE", "SGD", "ReLU", "L1", "L2"}


MATH = re.compile(r"(\$[^$]*\$)")
# a number, also as numbers.number() writes very small or large ones: 4.11 × 10⁻⁴
NUMBER = re.compile(r"(?<![^\W\d_]|[\d.{])[-−+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?"
                    r"(?: × 10[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?(?!\d|\})")
SLOT = re.compile(r"\{(\d*)\}")
WORD = re.compile(r"[^\W\d_]{2,}")


def _outside_math(text: str, fn) -> str:
    parts = MATH.split(text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def template(text: str) -> tuple[str, list[str]]:
    """(key, numbers): the text on one line, each number outside math replaced by {}."""
    numbers: list[str] = []

    def take(match: re.Match) -> str:
        numbers.append(match.group(0))
        return "{}"

    key = _outside_math(" ".join(text.split()), lambda part: NUMBER.sub(take, part))
    return key, numbers


def has_words(key: str) -> bool:
    """Whether a key holds words a translator must write (not only numbers, math, names)."""
    plain = SLOT.sub(" ", MATH.sub(" ", key))
    return any(w not in kept() for w in WORD.findall(plain))


def _fill(translation: str, numbers: list[str]) -> str:
    counter = iter(range(len(numbers)))

    def slot(match: re.Match) -> str:
        index = int(match.group(1)) if match.group(1) else next(counter, len(numbers))
        return numbers[index] if index < len(numbers) else match.group(0)

    return _outside_math(translation, lambda part: SLOT.sub(slot, part))


def _lines(text: str, n: int) -> str:
    """`text` in n lines, as the English had: the translator's own line breaks when they
    are n lines, else broken at spaces into lines of about equal length."""
    if text.count("\n") + 1 == n:
        return text
    words = " ".join(text.split("\n")).split(" ")
    if n <= 1 or len(words) < 2:
        return " ".join(words)
    target, out, line = len(" ".join(words)) / n, [], ""
    for word in words:
        if line and len(out) < n - 1 and len(line) + len(word) / 2 > target:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(out + [line])


class Words:
    """English text -> the language's text, recording the keys asked for (`used`)."""

    def __init__(self, table: dict | None = None, family: list[str] | None = None):
        self.family = family  # the fonts of the language's text (None: the figure's own)
        self.table = {" ".join(str(k).split()): str(v) for k, v in (table or {}).items()
                      if isinstance(v, str) and v.strip()}
        self.used: set[str] = set()

    def __call__(self, text: str) -> str:
        if not isinstance(text, str) or not text.strip():
            return text
        key, numbers = template(text)
        if has_words(key):
            self.used.add(key)
        translation = self.table.get(key)
        if translation is None:
            return text
        body = text.strip("\n")  # a title's blank line above or below stays where it was
        start = text.index(body)
        return (text[:start] + _lines(_fill(translation, numbers), body.count("\n") + 1)
                + text[start + len(body):])


def apply(fig, words: Words) -> None:
    """Set every text of a matplotlib figure to `words` of its English original, in the
    language's fonts (the original is kept on the artist, so a figure can be put into
    one language after another)."""
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter

    for artist in fig.findobj(Text):
        if not hasattr(artist, "_ml4a_english"):
            artist._ml4a_english = artist.get_text(), artist.get_fontfamily()
        text, family = artist._ml4a_english
        artist.set_text(words(text))
        artist.set_fontfamily(words.family or family)
    for ax in fig.axes:
        for axis in getattr(ax, "_axis_map", {}).values():
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter):
                    if not hasattr(formatter, "_ml4a_english"):
                        formatter._ml4a_english = list(formatter.seq)
                    formatter.seq = [words(s) for s in formatter._ml4a_english]


def translate(drawn, words: Words) -> None:
    """Put what a figure's draw returned into a language: a matplotlib figure, an
    explorable's backgrounds, or anything that draws its text late (an animation's
    frames) and so takes `words` as an attribute."""
    if hasattr(drawn, "savefig"):
        apply(drawn, words)
    elif hasattr(drawn, "backgrounds"):
        for background in drawn.backgrounds.values():
            apply(background, words)
    elif hasattr(drawn, "words"):
        drawn.words = words
