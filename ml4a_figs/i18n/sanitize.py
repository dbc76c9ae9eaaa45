"""What a translated page may publish: an allowlist of HTML, judged on the rendered HTML.

Translators write Markdown, but Markdown lets raw HTML, attribute lists and URLs through,
and what it renders never agrees with a pattern matched on the source. So the judge is the
HTML itself, parsed the way a browser parses it: nh3 (the Python binding of ammonia, whose
parser is html5ever, an HTML5 parser) cleans it with the allowlist below, and whatever the
cleaning removes is refused, by name. The same allowlist then cleans the published page
(defence in depth).

Where the judge sits (ml4a_figs/i18n/checks.py): on the HTML of what the translator wrote,
rendered by Python-Markdown with the site's extensions, before the build adds its own
trusted HTML. Figure references are rendered as plain images of the figure's file and
facts as numbers, so the figure markup (<picture>, lazy loading) and the KaTeX output
(HTML + MathML, added after the page is rendered) are never judged as translator HTML.
The published page is cleaned after Markdown and before KaTeX, with the build's own figure
markup added to the allowlist (BUILD_TAGS).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What the chapter's Markdown renders to (tables, footnotes, admonitions, captions,
# details, code highlighting, md_in_html cards, arithmatex's math placeholders); a test
# renders the English chapter and finds nothing refused.
TAGS = {
    "a", "abbr", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ATTRIBUTES = {
    # classes and ids only style and anchor
    "*": {"class", "id", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"style", "colspan", "rowspan"},  # style: the tables extension's text-align
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
}
STYLE_PROPERTIES = {"text-align"}
URL_SCHEMES = {"http", "https", "mailto"}  # and relative URLs and #fragments
# the build's own markup around figures (site/pages.py), allowed in the published page;
# data-* attributes are the build's too (figure containers that scripts read): a
# translator's are refused, as scripts may act on them
BUILD_TAGS = {"picture", "source"}
BUILD_DATA_PREFIX = {"data-"}
BUILD_ATTRIBUTES = {"source": {"srcset", "media", "type", "width", "height"},
                    "img": {"loading", "decoding"},
                    # an explorable figure's box (ml4a_figs/site/explore_page.py): hidden until
                    # its script runs, a named group of controls
                    "div": {"hidden", "role", "aria-label"},
                    "a": {"type"}}  # the link to the printable edition (application/pdf)


def _strict_options(build: bool = False) -> dict:
    attributes = {k: set(v) for k, v in ATTRIBUTES.items()}
    tags = set(TAGS)
    if build:
        tags |= BUILD_TAGS
        for tag, names in BUILD_ATTRIBUTES.items():
            attributes.setdefault(tag, set()).update(names)
    return dict(tags=tags, attributes=attributes, url_schemes=URL_SCHEMES,
                generic_attribute_prefixes=BUILD_DATA_PREFIX if build else None,
                filter_style_properties=STYLE_PROPERTIES, link_rel=None, strip_comments=True)


def clean(fragment: str, *, build: bool = True) -> str:
    """The fragment with everything outside the allowlist removed (what is published)."""
    return nh3.clean(fragment, **_strict_options(build))


_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][^\s/>]*)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _everything(fragment: str) -> dict:
    """Options that keep all the fragment holds (a superset of its tags, every attribute,
    every scheme it could spell): cleaned with these, the fragment is only parsed and
    serialised, as comparable to the strict cleaning as can be."""
    tags = {m.group(1).lower() for m in _TAG_NAME.finditer(fragment)} | TAGS | BUILD_TAGS
    decoded = _SPACE_OR_CONTROL.sub("", html.unescape(html.unescape(fragment)))
    schemes = {m.group(1).lower() for m in _SCHEME.finditer(decoded)} | URL_SCHEMES
    return dict(tags=tags, clean_content_tags=set(), attributes={},
                generic_attribute_prefixes={""}, url_schemes=schemes, link_rel=None,
                strip_comments=True)


class _Tokens(HTMLParser):
    """Start tags with their attributes, end tags and text of a serialised fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("text", data.strip()))


def _tokens(serialised: str) -> list[tuple]:
    reader = _Tokens()
    reader.feed(serialised)
    reader.close()
    return reader.tokens


@dataclass
class Refusal:
    what: str  # e.g. "<script>", 'onclick="…" on <a>', 'href="javascript:…" on <a>'
    needles: list[str]  # text to look for in the source, to find the line

    def __str__(self) -> str:
        return self.what


def _describe(kept: tuple, cleaned: tuple | None) -> Refusal:
    tag, attrs = kept[1], dict(kept[2])
    if cleaned is None or cleaned[0] != "start" or cleaned[1] != tag:
        return Refusal(f"the tag <{tag}>", [f"<{tag}", tag])
    left = dict(cleaned[2])
    for name, value in attrs.items():
        if left.get(name) != value:
            shown = value if len(value) <= 60 else value[:57] + "…"
            style = " (only text-align is allowed)" if name == "style" else ""
            return Refusal(f'the attribute {name}="{shown}" on <{tag}>{style}',
                           [name, value[:20]])
    return Refusal(f"the tag <{tag}>", [f"<{tag}", tag])


def judge(fragment: str, *, build: bool = False) -> Refusal | None:
    """What the allowlist would remove from this rendered HTML, or None if nothing."""
    strict = nh3.clean(fragment, **_strict_options(build))
    whole = nh3.clean(fragment, **_everything(fragment))
    if strict == whole:
        return None
    before, after = _tokens(whole), _tokens(strict)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for k in range(i1, i2):
            if before[k][0] == "start":
                counterpart = after[j1 + (k - i1)] if op == "replace" and j1 + (k - i1) < j2 \
                    else None
                return _describe(before[k], counterpart)
        for k in range(i1, i2):
            if before[k][0] == "end":
                return Refusal(f"the tag <{before[k][1]}>", [f"<{before[k][1]}"])
    return Refusal("HTML outside the allowlist", [])


_MARKUP = re.compile(r"<[A-Za-z/!?]")


def plain_text_refusal(text: str) -> str | None:
    """Text shown as is in the page's frame (title, site name, nav): no HTML at all,
    written or entity-encoded."""
    decoded = html.unescape(html.unescape(text))
    found = _MARKUP.search(decoded)
    if found is None:
        return None
    return f"HTML markup {decoded[found.start():found.start() + 40]!r} (this text is shown " \
           f"as plain text: write no HTML in it)"
