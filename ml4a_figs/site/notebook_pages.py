"""The one pass over a notebook page as mkdocs-jupyter rendered it, each step with its reason.

mkdocs-jupyter renders the executed notebook with nbconvert's JupyterLab template and the
options mkdocs.yml gives it (no prompts, the .ipynb beside the page, no RequireJS). What
no option of it changes, this pass does:

1. MathJax's loader goes (nbconvert always emits it; with `custom_mathjax_url: ""` it
   loads the page itself as a script), with its inert config block: the TeX of the
   Markdown cells, outside code, is typeset here with the chapter's KaTeX (`render`).
2. The mermaid loader goes: it imports from a CDN, and no notebook draws a diagram.
3. Each plot gets the alt text our kernel recorded in the output's metadata
   (notebooks/kernel.py), which the lab template ignores.
4. The <style> blocks, the same JupyterLab CSS on every notebook page, become one shared
   stylesheet (not 600 kB inlined per page), but the repr of a Python list (a
   mkdocs-jupyter bug with .ipynb input) repeating the code colours goes.
5. Each code cell's box gets `tabindex="0"`: it scrolls sideways, and a region that
   scrolls must be reachable from the keyboard (WCAG 2.1.1), as in Material's own.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .pages import as_tex

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
PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.S)
SPAN = re.compile(r"</?span\b[^>]*>")

# Math delimiters inside the Markdown text (a syntax of TeX, not of HTML), display first.
MATH = ((re.compile(r"\$\$(.+?)\$\$", re.S), True), (re.compile(r"\\\[(.+?)\\\]", re.S), True),
        (re.compile(r"(?<![\\$])\$(?!\s)((?:\\\$|[^$])+?)(?<!\s)(?<!\\)\$(?!\$)", re.S), False),
        (re.compile(r"\\\((.+?)\\\)", re.S), False))


class NotebookPageError(ValueError):
    """A rendered notebook this pass cannot read; the message names the notebook."""


def typeset_markdown(content: str, render: Callable[[str, bool], str], where: str = "") -> str:
    """Every formula of the Markdown cells typeset, code shown as written."""
    def typeset(text: str) -> str:
        for pattern, display in MATH:
            text = pattern.sub(lambda m: render(html.unescape(m.group(1)).strip(), display),
                               text)
        return text

    def cell(match: re.Match) -> str:
        body = match.group(2)
        if "<div" in body:  # the cell ends at its first </div>: a nested one would cut it
            raise NotebookPageError(f"{where}: a Markdown cell holds a <div>; write its "
                                    f"content as Markdown")
        parts = CODE.split(body)  # odd items are code
        body = "".join(p if i % 2 else typeset(p) for i, p in enumerate(parts))
        return match.group(1) + body + match.group(3)

    return MARKDOWN_CELL.sub(cell, content)


def recorded_alt_texts(notebook: Path) -> dict[str, str]:
    """The alt text of each plot of an executed notebook, by its PNG data (base64); a
    damaged notebook has none."""
    alts = {}
    try:
        for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {}).get("image/png")
                alt = output.get("metadata", {}).get("image/png", {}).get("alt")
                if data and isinstance(data, (str, list)) and isinstance(alt, str):
                    alts["".join(data).replace("\n", "")] = alt
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return alts
    return alts


@dataclass
class PageParts:
    html: str  # the page, CSS_PLACEHOLDER where its first <style> was
    css: str  # the CSS taken out of it
    search_html: str  # the page for the search index: formulas as TeX, no image data


def rewrite(content: str, render: Callable[[str, bool], str], notebook: Path,
            where: str = "") -> PageParts:
    """Steps 1 to 5 over the page mkdocs-jupyter rendered from `notebook`."""
    styles: list[str] = []
    alts = recorded_alt_texts(notebook)

    def style(match: re.Match) -> str:
        css = match.group(1).strip()
        if css.startswith("["):  # the list's repr
            return ""
        styles.append(css)
        return CSS_PLACEHOLDER if len(styles) == 1 else ""

    def image(match: re.Match) -> str:
        alt = html.escape(alts.get(match.group(1), DEFAULT_ALT), quote=True)
        return f'<img alt="{alt}" ' + ALT.sub("", match.group(0)[len("<img "):])

    content = STYLE.sub(style, MERMAID.sub("", MATHJAX.sub("", content)))
    content = IMAGE.sub(image, content)
    content = CODE_BOX.sub('<div tabindex="0" class="highlight-ipynb', content)
    search = typeset_markdown(content, as_tex, where)  # the TeX, for the search index
    search = IMAGE_DATA.sub("", search).replace(CSS_PLACEHOLDER, "")
    # the search index keeps a <pre>'s text as it is: its colours' spans only cost parsing
    search = PRE.sub(lambda m: m.group(1) + SPAN.sub("", m.group(2)) + m.group(3), search)
    return PageParts(typeset_markdown(content, render, where), "\n".join(styles) + "\n", search)
