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
chromium (the browser tests use it too). The link from each chapter page to its PDF is
ml4a_figs/site/print_link.py, since only the site layer imports MkDocs.
"""

EDITION = "how-neural-networks-are-trained"  # the file name of every language's PDF
PDF_DIR = "pdf"  # in the built site


def pdf_name(lang: str) -> str:
    """site/pdf/<this> for the language `lang`."""
    return f"{EDITION}.{lang}.pdf"


# The words the edition adds, per language; a language not listed says them in English.
WORDS = {
    "en": {
        "link": "Printable edition (PDF)",
        "link_title": "the whole chapter, with its figures and formulas, for paper",
        "contents": "Contents",
        "author": "Gene Kogan",
        "book": "A chapter of Machine Learning for Artists (ml4a), ml4a.github.io",
        "figures": "Every figure computed by the training code of ml4a_figs when this "
                   "edition was built.",
        "date": "Built on {date}",
    },
    "ko": {
        "link": "인쇄판 (PDF)",
        "link_title": "그림과 수식을 포함한 이 장 전체, 인쇄용",
        "contents": "차례",
        "author": "Gene Kogan",
        "book": "《Machine Learning for Artists》(ml4a)의 한 장, ml4a.github.io",
        "figures": "모든 그림은 이 판을 만들 때 ml4a_figs의 훈련 코드로 계산되었습니다.",
        "date": "빌드 날짜: {date}",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["en"])
