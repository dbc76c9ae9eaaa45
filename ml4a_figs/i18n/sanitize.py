"""What a translated page may publish, judged on the HTML it renders to, never on the
source: Markdown lets raw HTML, attribute lists and URLs through in ways no pattern on the
source foresees. The text is rendered as the site renders it (Renderer; figure references
as plain images, facts as numbers, so the build's own markup and KaTeX's are never judged
as a translator's), then nh3 (ammonia, whose parser is html5ever, as a browser's) cleans
it with the allowlist below: whatever the cleaning removes is refused, by name. The same
allowlist cleans the published page again, the build's figure markup added (BUILD_TAGS).
Beyond tags and attributes (`integrity`): only the English page's classes (Material's
include full-screen overlays), no heading's id on another element (its anchor would move),
and images only from the site's own files.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
import nh3
import yaml

from ..figures.references import ANY_FIGURE_REF, FACT
from .sections import tokens

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
BUILD_ATTRIBUTES = {"source": {"srcset", "media", "type", "width", "height"},
                    "img": {"loading", "decoding"},
                    # an explorable figure's box (ml4a_figs/site/pages.py): hidden until
                    # its script runs, a named group of controls
                    "div": {"hidden", "role", "aria-label"},
                    "a": {"type"}}  # the link to the printable edition (application/pdf)
LEFT_OUT = {"pymdownx.snippets"}  # never runs on translated text (files.py)


class Renderer:
    """Markdown -> HTML with mkdocs.yml's `markdown_extensions` (pymdownx.snippets left
    out), facts as numbers and figure references as images of the figure's file: the HTML
    a translator's text turns into, without the build's own markup."""

    def __init__(self, extensions: list):
        names, configs = [], {}
        for entry in extensions or []:
            for name, settings in (entry.items() if isinstance(entry, dict) else [(entry, None)]):
                if name not in LEFT_OUT:
                    names.append(str(name))
                    if isinstance(settings, dict):
                        configs[name] = settings
        self._md = markdown.Markdown(extensions=names, extension_configs=configs)

    def __call__(self, text: str) -> str:
        text = FACT.sub("1.0", text)
        text = ANY_FIGURE_REF.sub(lambda m: f"![{m.group(1)}](figures/{m.group(2)}.svg)", text)
        return self._md.reset().convert(text)


class _PlainYaml(yaml.SafeLoader):
    """mkdocs.yml with MkDocs' own tags (!ENV, !relative) read as nothing: none of the keys
    this package reads (languages, docs_dir, markdown_extensions) needs them, and so
    neither it nor the print step imports MkDocs."""


_PlainYaml.add_multi_constructor("!", lambda loader, suffix, node: None)


def mkdocs_config(config_file: Path) -> dict:
    return yaml.load(Path(config_file).read_text(encoding="utf-8"), Loader=_PlainYaml) or {}


@lru_cache(maxsize=1)
def default_renderer() -> Renderer:
    """The checkout's own Markdown (its mkdocs.yml), for callers that have read none."""
    config = mkdocs_config(Path(__file__).resolve().parents[2] / "mkdocs.yml")
    return Renderer(config.get("markdown_extensions"))


def _options(build: bool = False) -> dict:
    attributes = {k: set(v) for k, v in ATTRIBUTES.items()}
    for tag, names in BUILD_ATTRIBUTES.items() if build else ():
        attributes.setdefault(tag, set()).update(names)
    return dict(tags=TAGS | BUILD_TAGS if build else TAGS, attributes=attributes,
                url_schemes=URL_SCHEMES, generic_attribute_prefixes={"data-"} if build else None,
                filter_style_properties=STYLE_PROPERTIES, link_rel=None, strip_comments=True)


def clean(fragment: str, *, build: bool = True) -> str:
    """The fragment with everything outside the allowlist removed (what is published)."""
    return nh3.clean(fragment, **_options(build))


_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][^\s/>]*)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def keep_everything(fragment: str) -> dict:
    """Options that keep all the fragment holds (a superset of its tags, every attribute,
    every scheme it could spell): cleaned with these, the fragment is only parsed and
    serialised, as comparable to the strict cleaning as can be."""
    tags = {m.group(1).lower() for m in _TAG_NAME.finditer(fragment)} | TAGS | BUILD_TAGS
    decoded = _SPACE_OR_CONTROL.sub("", html.unescape(html.unescape(fragment)))
    schemes = {m.group(1).lower() for m in _SCHEME.finditer(decoded)} | URL_SCHEMES
    return dict(tags=tags, clean_content_tags=set(), attributes={},
                generic_attribute_prefixes={""}, url_schemes=schemes, link_rel=None,
                strip_comments=True)


@dataclass
class Refusal:
    what: str  # e.g. "<script>", 'onclick="…" on <a>', 'href="javascript:…" on <a>'
    needles: list[str]  # text to look for in the source, to find the line


def _comparable(serialised: str) -> list[tuple]:
    """Tokens that SequenceMatcher can align: attributes sorted, blank text dropped."""
    return [(t[0], t[1], tuple(sorted(t[2].items()))) if t[0] == "start" else
            (t[0], t[1].strip()) if t[0] == "text" else t
            for t in tokens(serialised) if t[0] != "text" or t[1].strip()]


def judge(fragment: str, *, build: bool = False) -> Refusal | None:
    """What the allowlist would remove from this rendered HTML, or None if nothing: the
    fragment cleaned strictly, compared with the same fragment cleaned keeping all."""
    strict = nh3.clean(fragment, **_options(build))
    whole = nh3.clean(fragment, **keep_everything(fragment))
    if strict == whole:
        return None
    before, after = _comparable(whole), _comparable(strict)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = [(k, before[k]) for k in range(i1, i2) if before[k][0] != "text"]
        if op == "equal" or not removed:
            continue
        k, kept = next(((k, t) for k, t in removed if t[0] == "start"), removed[0])
        tag = kept[1]
        if kept[0] == "end":
            return Refusal(f"the tag <{tag}>", [f"<{tag}"])
        cleaned = after[j1 + k - i1] if op == "replace" and j1 + k - i1 < j2 else None
        left = dict(cleaned[2]) if cleaned and cleaned[:2] == ("start", tag) else None
        for name, value in kept[2] if left is not None else ():
            if left.get(name) != value:
                shown = value if len(value) <= 60 else value[:57] + "…"
                style = " (only text-align is allowed)" if name == "style" else ""
                return Refusal(f'the attribute {name}="{shown}" on <{tag}>{style}',
                               [name, value[:20]])
        return Refusal(f"the tag <{tag}>", [f"<{tag}", tag])
    return Refusal("HTML outside the allowlist", [])


_MARKUP = re.compile(r"<[A-Za-z/!?]")


def plain_text_refusal(text: str) -> str | None:
    """Text shown as is in the page's frame (title, site name, nav): no HTML at all,
    written or entity-encoded."""
    decoded = html.unescape(html.unescape(text))
    if found := _MARKUP.search(decoded):
        return (f"HTML markup {decoded[found.start():found.start() + 40]!r} (this text is "
                f"shown as plain text: write no HTML in it)")
    return None


# --- classes, ids, images ---------------------------------------------------------

@lru_cache(maxsize=1)
def generated_classes() -> frozenset[str]:
    """Classes Markdown writes for plain Markdown syntax whatever the English page holds:
    code highlighting's token classes (Pygments) and footnotes'."""
    from pygments.token import STANDARD_TYPES

    return frozenset(c for c in STANDARD_TYPES.values() if c) | {
        "footnote", "footnote-ref", "footnote-backref", "highlight", "linenos", "headerlink"}


def _token_class(name: str) -> bool:
    """A Pygments class of a token type it has no short name for, e.g. `p-Indicator`
    (Punctuation.Indicator): the short name of a standard type, then -Name parts."""
    base, _, rest = name.partition("-")
    return bool(rest) and base in generated_classes() and \
        re.fullmatch(r"[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)*", rest) is not None


@lru_cache(maxsize=16)
def classes_of(rendered: str) -> frozenset[str]:
    """Every class an HTML fragment uses, and those Markdown generates by itself."""
    return frozenset(c for t in tokens(rendered) if t[0] == "start"
                     for c in t[2].get("class", "").split()) | generated_classes()


def remote(url: str) -> bool:
    """True if a browser would fetch this URL from outside the site: any scheme, or a
    path that starts at a host (`//host`, `\\\\host`: browsers read \\ as /)."""
    plain = _SPACE_OR_CONTROL.sub("", url)
    return plain.startswith(("/", "\\")) or \
        re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", plain) is not None


def integrity(fragment: str, classes: frozenset[str] | set[str], heading_ids: set[str] | None
              ) -> Refusal | None:
    """The first class outside `classes`, id colliding with a heading (any id, when
    `heading_ids` is None), or remote image in the rendered fragment; None if none."""
    for tag, attrs in (t[1:] for t in tokens(fragment) if t[0] == "start"):
        for name in attrs.get("class", "").split():
            if name not in classes and not _token_class(name):
                return Refusal(f'the class "{name}" (a translation may use only the classes '
                               f"the English page uses, listed in the translator's guide)",
                               [name])
        ident = attrs.get("id", "")
        if ident and not re.fullmatch(r"h[1-6]", tag) and (
                heading_ids is None or ident in heading_ids or ident.startswith("__")):
            return Refusal(f'the id "{ident}" on <{tag}>, which is a heading\'s (its anchor '
                           f"would move here)", [ident])
        for attribute in ("src", "srcset", "poster", "data"):
            if attribute in attrs and remote(attrs[attribute]):
                url = attrs[attribute]
                return Refusal(f'the image {attribute}="{url[:60]}" from outside the site (an '
                               f"image is one of the site's files, by a relative path)",
                               [url[:20], url[2:20]])
    return None
