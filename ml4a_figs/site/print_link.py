"""MkDocs plugin: a link from each language's chapter page to its printable edition.

`make site` prints the edition right after the pages (`python -m ml4a_figs.print_edition`),
so the link always points at a PDF of the same build.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from mkdocs.plugins import BasePlugin

from ..print_edition import PDF_DIR, WORDS_ATTR, pdf_name


class PrintLinkPlugin(BasePlugin):
    def on_page_content(self, content: str, page, config, files):
        if page.file.src_uri != "index.md":  # the chapter is each language's home page
            return content
        lang = config.theme["language"] if "language" in config.theme else "en"
        i18n = (config.extra or {}).get("i18n") or {}
        words = i18n.get("print") if isinstance(i18n, dict) else None
        if not words:  # a plain `mkdocs build` of mkdocs.yml: the original's words
            from .languages import project

            words = project(Path(config.config_file_path).parent).strings(lang)["print"]
        label, title = words.get("link", "PDF"), words.get("link_title", "")
        up = i18n.get("up", "") if isinstance(i18n, dict) else getattr(i18n, "up", "")
        href = f"{up}{PDF_DIR}/{pdf_name(lang)}"
        link = (f'<p class="print-edition screen-only"><a href="{html.escape(href)}" '
                f'type="application/pdf" title="{html.escape(title)}" '
                f'{WORDS_ATTR}="{html.escape(json.dumps(words, ensure_ascii=False))}">'
                f'{html.escape(label)}</a></p>\n')
        heading_end = content.find("</h1>")  # under the chapter's title
        if heading_end < 0:
            return link + content
        heading_end += len("</h1>")
        return content[:heading_end] + "\n" + link + content[heading_end:]
