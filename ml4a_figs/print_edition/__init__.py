"""The printable edition: the chapter of each language as a PDF in site/pdf/.

    python -m ml4a_figs.print_edition [SITE_DIR]     # (or `make pdf`) every language

The PDF is printed from the built chapter page, the page a reader sees, by Debian's
headless chromium through Playwright: the math is already HTML (KaTeX at build time), the
figures stay SVG, so it is vector and searchable. docs/assets/print.css lays the page out
for paper (it also serves readers who press Print); `prepare.js` adds what only the
edition has, a cover and a table of contents with page numbers. `finish.py` then makes the
bytes depend on the sources alone (dates from SOURCE_DATE_EPOCH, a content-derived ID).

Layers: `edition.py` (languages, cache, the command) -> `printer.py` (chromium) ->
`finish.py` (pikepdf); `browser.py` serves the site on 127.0.0.1 and launches Debian's
chromium (the browser tests use it too). The site's MkDocs plugin (site/plugin.py)
links each chapter page to its language's PDF.
"""

EDITION = "how-neural-networks-are-trained"  # the file name of every language's PDF
PDF_DIR = "pdf"  # in the built site


def pdf_name(lang: str) -> str:
    """site/pdf/<this> for the language `lang`."""
    return f"{EDITION}.{lang}.pdf"


# The words the edition adds (the link, the cover) are the language's `print:` in
# docs/<lang>/language.yml; the site build writes them on the chapter page's link to
# the PDF (data-edition, site/plugin.py), where the printer reads them back.
WORDS_ATTR = "data-edition"
WORDS = ("link", "link_title", "contents", "author", "book", "figures", "date")


def words(page_html: str) -> dict[str, str]:
    """The edition's words written on a built chapter page."""
    import html
    import json
    import re

    found = re.search(rf'{WORDS_ATTR}="([^"]*)"', page_html)
    table = json.loads(html.unescape(found.group(1))) if found else {}
    missing = [k for k in WORDS if not isinstance(table.get(k), str)]
    if missing:
        raise ValueError(f"the chapter page has no printable-edition words {missing} "
                         f"(print: in docs/en/language.yml)")
    return table
