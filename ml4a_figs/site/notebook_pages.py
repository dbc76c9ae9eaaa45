"""The one pass over a notebook page as mkdocs-jupyter rendered it, each step with its reason.

mkdocs-jupyter renders the executed notebook with nbconvert's JupyterLab template and the
options mkdocs.yml gives it (no prompts, the .ipynb published beside the page, no
RequireJS). What no option of it changes, this pass does:

1. MathJax's loader (nbconvert's `mathjax` macro, always emitted; with mkdocs-jupyter's
   default `custom_mathjax_url: ""` it is `<script src="">`, which loads the page itself
   as a script) goes: the math is typeset here, at build time, with the chapter's KaTeX.
   The inert `text/x-mathjax-config` block goes with it.
2. The mermaid loader (nbconvert's lab template) goes: it imports from a CDN, and these
   notebooks draw no diagrams.
3. The TeX of the Markdown cells, outside code, becomes KaTeX's HTML (`render`).
4. Each plot gets the alt text our kernel recorded in the output's metadata
   (ml4a_figs/notebooks/kernel.py): nbconvert's lab template ignores it (its classic
   template reads it) and writes "No description has been provided for this image".
5. The <style> blocks, the same JupyterLab CSS on every notebook page, move into one
   stylesheet that every notebook page links (cached once, not 600 kB inlined per page),
   but the last: the repr of a Python list (a mkdocs-jupyter bug with .ipynb input)
   holding the code colours the first block already has.
6. Each code cell's box gets `tabindex="0"`: it scrolls sideways (its lines are not
   wrapped), and a region that scrolls must be reachable from the keyboard (axe's
   scrollable-region-focusable, WCAG 2.1.1), as Material does for its own code blocks.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .pages import Formulas

CSS_PLACEHOLDER = "@@NOTEBOOK_CSS@@"
DEFAULT_ALT = "A plot drawn by the code above."

MATHJAX = re.compile(r'<script src="">\s*</script>|<script type="text/x-mathjax-config">.*?</script>',
                     re.S)
MERMAID = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)
STYLE = re.compile(r"[ \t]*<style[^>]*>(.*?)</style>\s*", re.S)
MARKDOWN_CELL = re.compile(r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)'
                           r'(.*?)(</div>)', re.S)
CODE = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S)
IMAGE = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,([^"]+)"[^>]*>')
ALT = re.compile(r'\balt="[^"]*"\s*')
IMAGE_DATA = re.compile(r'\bsrc="data:[^"]*"')
CODE_BOX = re.compile(r'<div class="highlight-ipynb\b')

# Math delimiters inside the Markdown text (a syntax of TeX, not of HTML).
DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
DISPLAY_BRACKETS = re.compile(r"\\\[(.+?)\\\]", re.S)
INLINE_DOLLARS = re.compile(r"(?<![\\$])\$(?!\s)((?:\\\$|[^$])+?)(?<!\s)(?<!\\)\$(?!\$)", re.S)
INLINE_PARENS = re.compile(r"\\\((.+?)\\\)", re.S)


class NotebookPageError(ValueError):
    """A rendered notebook this pass cannot read; the message names the notebook."""


def typeset_text(text: str, render: Callable[[str, bool], str]) -> str:
    for pattern, display in ((DISPLAY_DOLLARS, True), (DISPLAY_BRACKETS, True),
                             (INLINE_DOLLARS, False), (INLINE_PARENS, False)):
        text = pattern.sub(lambda m: render(html.unescape(m.group(1)).strip(), display), text)
    return text


def typeset_markdown(content: str, render: Callable[[str, bool], str], where: str = "") -> str:
    """Step 3: every formula of the Markdown cells typeset, code shown as written."""
    def cell(match: re.Match) -> str:
        body = match.group(2)
        if "<div" in body:  # the cell ends at its first </div>: a nested one would cut it
            raise NotebookPageError(f"{where}: a Markdown cell holds a <div>; write its "
                                    f"content as Markdown")
        parts = CODE.split(body)  # odd items are code
        body = "".join(p if i % 2 else typeset_text(p, render) for i, p in enumerate(parts))
        return match.group(1) + body + match.group(3)

    return MARKDOWN_CELL.sub(cell, content)


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


def with_alt_texts(content: str, alts: dict[str, str]) -> str:
    """Step 4."""
    def image(match: re.Match) -> str:
        alt = html.escape(alts.get(match.group(1), DEFAULT_ALT), quote=True)
        return f'<img alt="{alt}" ' + ALT.sub("", match.group(0)[len("<img "):])

    return IMAGE.sub(image, content)


@dataclass
class PageParts:
    html: str  # the page, CSS_PLACEHOLDER where its first <style> was
    css: str  # the CSS taken out of it
    search_html: str  # the page for the search index: formulas as TeX, no image data


def rewrite(content: str, render: Callable[[str, bool], str], notebook: Path,
            where: str = "") -> PageParts:
    """Steps 1 to 6 over the page mkdocs-jupyter rendered from `notebook`."""
    formulas = Formulas(render)  # KaTeX for the reader, the TeX for the search index
    styles: list[str] = []

    def style(match: re.Match) -> str:
        css = match.group(1).strip()
        if css.startswith("["):  # the list's repr
            return ""
        styles.append(css)
        return CSS_PLACEHOLDER if len(styles) == 1 else ""

    content = STYLE.sub(style, MERMAID.sub("", MATHJAX.sub("", content)))
    content = typeset_markdown(content, formulas.render, where)
    content = with_alt_texts(content, recorded_alt_texts(notebook))
    content = CODE_BOX.sub('<div tabindex="0" class="highlight-ipynb', content)
    search = IMAGE_DATA.sub("", formulas.for_search(content)).replace(CSS_PLACEHOLDER, "")
    return PageParts(formulas.for_reader(content), "\n".join(styles) + "\n", search)
