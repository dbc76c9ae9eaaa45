"""The HTML passes over a notebook page that mkdocs-jupyter rendered, in one walk of
Python's HTML parser (tags are found by a parser, not by regular expressions):

- math in the Markdown parts (markdown cells, text/markdown and text/latex outputs) is
  typeset by the chapter's KaTeX renderer; code inside them keeps its dollars;
- the MathJax and mermaid loaders nbconvert adds are dropped (they name a CDN);
- the inlined <style> blocks are taken out, to be served as one shared stylesheet;
- every plot gets the alt text recorded in the kernel when it was drawn.
(The download box under the title is ml4a_figs/download_box.py.)
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

from .notebook_css import css_text

CSS_PLACEHOLDER = "@@NOTEBOOK_CSS@@"
MARKDOWN_CLASSES = {"jp-RenderedMarkdown", "jp-RenderedLatex"}
PROTECTED = {"pre", "code", "script", "style"}  # inside Markdown: shown as written
TWOFOLD = re.compile("\x00twofold(\\d+)\x00")
DEFAULT_ALT = "A plot drawn by the code above."

# Math delimiters inside the Markdown text (a syntax of TeX, not of HTML).
DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
DISPLAY_BRACKETS = re.compile(r"\\\[(.+?)\\\]", re.S)
INLINE_DOLLARS = re.compile(r"(?<![\\$])\$(?!\s)((?:\\\$|[^$])+?)(?<!\s)(?<!\\)\$(?!\$)", re.S)
INLINE_PARENS = re.compile(r"\\\((.+?)\\\)", re.S)


def typeset_text(text: str, render: Callable[[str, bool], str]) -> str:
    for pattern, display in ((DISPLAY_DOLLARS, True), (DISPLAY_BRACKETS, True),
                             (INLINE_DOLLARS, False), (INLINE_PARENS, False)):
        text = pattern.sub(lambda m: render(html.unescape(m.group(1)).strip(), display), text)
    return text


@dataclass
class PageParts:
    html: str
    css: str = ""  # the inlined stylesheets, in page order
    classes: set[str] = field(default_factory=set)
    search_html: str = ""  # the same page for the search index: formulas as TeX, no image data


class _NotebookPage(HTMLParser):
    def __init__(self, render=None, alts=None, keep_styles: bool = True):
        super().__init__(convert_charrefs=False)
        self.render, self.alts, self.keep_styles = render, alts, keep_styles
        self.out: list[str] = []
        self.pending: list[str] = []  # Markdown text (tags included) waiting to be typeset
        self.block_depth = 0  # <div> depth inside the current Markdown block; 0 = outside
        self.protected = 0  # depth of <pre>/<code>/... inside a Markdown block
        self.in_mathjax = False
        self.raw: tuple[str, list[str], dict] | None = None  # an open <script> or <style>
        self.styles: list[str] = []
        self.classes: set[str] = set()
        self.after_style = False  # whitespace after a <style> taken out goes with it
        self.twofold: list[tuple[str, str]] = []  # (for the reader, for the search index)

    def token(self, reader: str, search: str) -> str:
        self.twofold.append((reader, search))
        return f"\x00twofold{len(self.twofold) - 1}\x00"

    def typeset(self, tex: str, display: bool) -> str:
        return self.token(self.render(tex, display), html.escape(tex))

    # output: Markdown text outside code waits for typesetting, everything else goes out
    def emit(self, text: str, typeset: bool = False) -> None:
        self.after_style = False
        if self.in_mathjax:
            return
        if typeset and self.render and self.block_depth and not self.protected:
            self.pending.append(text)
            return
        self.flush()
        self.out.append(text)

    def flush(self) -> None:
        if self.pending:
            self.out.append(typeset_text("".join(self.pending), self.typeset))
            self.pending = []

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text()
        attrs_d = dict(attrs)
        classes = (attrs_d.get("class") or "").split()
        self.classes.update(classes)
        if tag in ("script", "style"):
            self.raw = (tag, [raw], attrs_d)
            return
        if tag == "img" and self.alts is not None:
            raw = self._with_alt(raw, attrs)
        if tag == "div":
            if self.block_depth:
                self.block_depth += 1
            elif MARKDOWN_CLASSES & set(classes):
                self.emit(raw)
                self.block_depth = 1
                return
        if self.block_depth and tag in PROTECTED:
            self.flush()
            self.protected += 1
        self.emit(raw, typeset=True)

    def handle_startendtag(self, tag, attrs):
        raw = self.get_starttag_text()
        self.classes.update((dict(attrs).get("class") or "").split())
        if tag == "img" and self.alts is not None:
            raw = self._with_alt(raw, attrs)
        self.emit(raw, typeset=True)

    def handle_endtag(self, tag):
        raw = f"</{tag}>"
        if self.raw and tag == self.raw[0]:
            self._close_raw(raw)
            return
        if self.block_depth and tag in PROTECTED and self.protected:
            self.emit(raw)
            self.protected -= 1
            return
        if tag == "div" and self.block_depth:
            self.block_depth -= 1
            if not self.block_depth:
                self.flush()
                self.emit(raw)
                return
        self.emit(raw, typeset=True)

    def handle_data(self, data):
        if self.raw:
            self.raw[1].append(data)
            return
        if self.after_style:
            data = data.lstrip()
            if not data:
                return
        self.emit(data, typeset=True)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        text = data.strip()
        if text == "Load mathjax":
            self.flush()
            self.in_mathjax = True
        elif text == "End of mathjax configuration":
            self.in_mathjax = False
        else:
            self.emit(f"<!--{data}-->", typeset=True)

    def handle_decl(self, decl):
        self.emit(f"<!{decl}>")

    def handle_pi(self, data):
        self.emit(f"<?{data}>")

    def unknown_decl(self, data):
        self.emit(f"<![{data}]>")

    def _close_raw(self, end: str) -> None:
        tag, parts, attrs = self.raw
        self.raw = None
        body = "".join(parts[1:])
        if tag == "style" and not self.keep_styles:
            if not self.styles:
                self.emit(CSS_PLACEHOLDER)
            self.styles.append(css_text(body.strip()))
            self.after_style = True
            return
        if tag == "script" and attrs.get("type") == "module" and "mermaid" in body:
            return  # nbconvert's mermaid loader; these notebooks have no diagrams
        self.emit(parts[0] + body + end)

    def _with_alt(self, raw: str, attrs) -> str:
        src = dict(attrs).get("src") or ""
        if not src.startswith("data:image/png;base64,"):
            return raw
        alt = self.alts.get(src[len("data:image/png;base64,"):], DEFAULT_ALT)
        def tag(keep) -> str:
            kept = "".join(f' {k}="{html.escape(v, quote=True)}"' if v is not None else f" {k}"
                           for k, v in attrs if k != "alt" and keep(k))
            close = "/>" if raw.rstrip().endswith("/>") else ">"
            return f'<img alt="{html.escape(alt, quote=True)}"{kept}{close}'

        return self.token(tag(lambda k: True), tag(lambda k: k != "src"))

    def result(self) -> PageParts:
        if self.raw:  # an unclosed <script> or <style>: give it back as it was
            tag, parts, _ = self.raw
            self.raw = None
            self.emit("".join(parts))
        self.flush()
        css = "\n".join(self.styles) + "\n" if self.styles else ""
        page = "".join(self.out)
        pick = lambda which: TWOFOLD.sub(lambda m: self.twofold[int(m.group(1))][which], page)
        return PageParts(pick(0), css, self.classes, pick(1))


def _walk(content: str, **options) -> PageParts:
    parser = _NotebookPage(**options)
    parser.feed(content)
    parser.close()
    return parser.result()


def typeset_notebook_html(content: str, render: Callable[[str, bool], str]) -> str:
    """Replace $…$, $$…$$, \\(…\\) and \\[…\\] in the Markdown parts of a rendered
    notebook with `render(tex, display)`; drop the MathJax and mermaid loaders."""
    return _walk(content, render=render).html


def recorded_alt_texts(notebook: Path) -> dict[str, str]:
    """The alt text of each plot of an executed notebook, by its PNG data (base64)."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    alts = {}
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    for cell in cells if isinstance(cells, list) else []:
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            if not isinstance(output, dict):
                continue
            data = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if isinstance(data, (str, list)) and isinstance(alt, str) and data:
                alts["".join(data).replace("\n", "")] = alt
    return alts


def rewrite_notebook_page(content: str, render: Callable[[str, bool], str],
                          notebook: Path, done: dict) -> PageParts:
    """Every pass above in one walk: the page with `CSS_PLACEHOLDER` where its first
    <style> was, the CSS taken out, and the classes the page uses. Every language renders
    the same notebook to the same HTML: `done` (shared by the languages) keeps the walk."""
    try:
        stat = Path(notebook).stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None
    key = (hashlib.sha256(content.encode("utf-8")).hexdigest(), str(notebook), version)
    if key not in done:
        if len(done) > 64:  # a long `mkdocs serve` keeps only recent pages
            done.clear()
        done[key] = _walk(content, render=render, alts=recorded_alt_texts(notebook),
                                keep_styles=False)
    return done[key]
