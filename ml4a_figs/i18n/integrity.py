"""What a translation's HTML may do to the page around it, beyond the allowlist of tags
and attributes (sanitize.py): the classes it may use, the ids it may set, the images it
may load.

- Classes: only those the English page's own Markdown renders to. Material's classes
  include full-screen overlays (`md-consent__overlay`); a translator's text gets none of
  them, nor any other the chapter does not use.
- Ids: a translated heading carries its English section's id; any other element that
  takes the id of a heading (or one of Material's `__` ids) would steal its anchor, and
  the language menu and cross-language links would land on it.
- Images: only the site's own files, by a relative path. An image at `https://…`,
  `//host/…` or `\\\\host\\…` would make every reader's browser, and the print step's
  chromium, ask another server.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

from .sanitize import Refusal

_HEADING = re.compile(r"h[1-6]")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


class _Attributes(HTMLParser):
    """(tag, attributes) of every start tag, entities decoded as a browser would."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def tags(fragment: str) -> list[tuple[str, dict]]:
    reader = _Attributes()
    reader.feed(fragment)
    reader.close()
    return reader.tags


@lru_cache(maxsize=1)
def _generated() -> frozenset[str]:
    """Classes Markdown writes for plain Markdown syntax whatever the English page holds:
    code highlighting's token classes (Pygments) and footnotes'."""
    from pygments.token import STANDARD_TYPES

    return frozenset(c for c in STANDARD_TYPES.values() if c) | {
        "footnote", "footnote-ref", "footnote-backref", "highlight", "linenos", "headerlink"}


def _token_class(name: str) -> bool:
    """A Pygments class of a token type it has no short name for, e.g. `p-Indicator`
    (Punctuation.Indicator): the short name of a standard type, then -Name parts."""
    base, _, rest = name.partition("-")
    return bool(rest) and base in _generated() and \
        re.fullmatch(r"[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)*", rest) is not None


@lru_cache(maxsize=16)
def classes_of(rendered: str) -> frozenset[str]:
    """Every class an HTML fragment uses, and those Markdown generates by itself."""
    return frozenset(c for _, attrs in tags(rendered) for c in attrs.get("class", "").split()) \
        | _generated()


def remote(url: str) -> bool:
    """True if a browser would fetch this URL from outside the site: any scheme, or a
    path that starts at a host (`//host`, `\\\\host`: browsers read \\ as /)."""
    plain = _SPACE_OR_CONTROL.sub("", url)
    return plain.startswith(("/", "\\")) or re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", plain) \
        is not None


def judge(fragment: str, classes: frozenset[str] | set[str], heading_ids: set[str] | None
          ) -> Refusal | None:
    """The first class outside `classes`, id colliding with a heading (any id, when
    `heading_ids` is None), or remote image in the rendered fragment; None if none."""
    for tag, attrs in tags(fragment):
        for name in attrs.get("class", "").split():
            if name not in classes and not _token_class(name):
                return Refusal(f'the class "{name}" (a translation may use only the classes '
                               f"the English page uses, listed in the translator's guide)",
                               [name])
        ident = attrs.get("id", "")
        if ident and not _HEADING.fullmatch(tag) and (heading_ids is None or ident in heading_ids
                                                      or ident.startswith("__")):
            return Refusal(f'the id "{ident}" on <{tag}>, which is a heading\'s (its anchor '
                           f"would move here)", [ident])
        for attribute in ("src", "srcset", "poster", "data"):
            if attribute in attrs and remote(attrs[attribute]):
                shown = attrs[attribute][:60]
                return Refusal(f'the image {attribute}="{shown}" from outside the site (an '
                               f"image is one of the site's files, by a relative path)",
                               [attrs[attribute][:20], attrs[attribute][2:20]])
    return None
