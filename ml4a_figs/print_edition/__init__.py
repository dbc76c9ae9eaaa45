"""The printable edition: each language's chapter as a PDF in site/pdf/, printed by `make site`
(site/build.py) from the built chapter page, the page a reader sees, by Debian's headless
chromium: the math is already HTML (KaTeX), the figures SVG, so it is vector and searchable.
docs/assets/print.css lays the page out for paper (and for readers who press Print);
`prepare.js` adds a cover and a table of contents with page numbers.

`edition.py` prints (or reuses) each language's PDF; `finish.py` (pikepdf) makes its bytes
depend on the sources alone; `browser.py` serves the site on 127.0.0.1 and launches
chromium (the browser tests use it too). site/plugin.py links each chapter to its PDF.
"""

EDITION = "how-neural-networks-are-trained"  # the file name of every language's PDF
PDF_DIR = "pdf"  # in the built site

# The words the edition adds (the link, the cover): the language's `print:` in
# docs/<lang>/language.yml, which site/build.py passes to the print step.
WORDS = ("link", "link_title", "contents", "author", "book", "figures", "date")


class PrintError(RuntimeError):
    """The edition cannot be printed: what and where (a file, a URL) is in the message."""


def pdf_name(lang: str) -> str:
    """site/pdf/<this> for the language `lang`."""
    return f"{EDITION}.{lang}.pdf"
