"""The printable edition is set like a book (issue 22): a caption is no larger than the
text it sits in, and no page is left largely blank except the last of a section (the
cover and the contents aside). Read from the printed PDFs with poppler: word boxes from
`pdftotext -bbox`, page images from `pdftoppm`."""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from ml4a_figs.print_edition import pdf_name
from test_print_edition import LANGS, _flat, _outline, _poppler

pytestmark = pytest.mark.slow

BLANK_AT_MOST = 0.35
MARGIN_MM = (16, 18)  # top and bottom of the page (print.css, print_edition/edition.py)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")
FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)
PARAGRAPH = re.compile(r"\n<p>(.*?)</p>", re.S)
KATEX = re.compile(r'<span class="katex">.*?</annotation></semantics></math></span>'
                   r'<span class="katex-html".*?</span></span>', re.S)


@pytest.fixture(scope="module")
def pdfs(built_site) -> dict[str, Path]:
    return {lang: built_site / "pdf" / pdf_name(lang) for lang in LANGS}


def _words(pdf: Path) -> list[tuple[str, float]]:
    """Every word of the PDF in reading order, with its box's height (its type size)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [(html.unescape(m.group(5)), float(m.group(4)) - float(m.group(2)))
            for m in WORD.finditer(out)]


def _openings(fragments: list[str], n: int = 4) -> list[list[str]]:
    """The first n words of each fragment of HTML that starts with plain words."""
    found = []
    for fragment in fragments:
        text = re.sub(r"<[^>]+>", " ", fragment.split('<span class="katex')[0])
        words = html.unescape(text).split()
        if len(words) >= n:
            found.append(words[:n])
    return found


def _heights_of(words: list[tuple[str, float]], openings: list[list[str]]) -> list[float]:
    texts = [w for w, _ in words]
    heights = []
    for opening in openings:
        n = len(opening)
        for i in range(len(texts) - n + 1):
            if texts[i:i + n] == opening:
                heights += [h for _, h in words[i:i + n]]
                break
    return heights


@pytest.mark.parametrize("lang", LANGS)
def test_captions_are_no_larger_than_the_text(built_site, pdfs, lang):
    page = (built_site / LANGS[lang][0] / "index.html").read_text(encoding="utf-8")
    article = page.split('<article', 1)[1]
    captions = FIGCAPTION.findall(article)
    body = PARAGRAPH.findall(FIGCAPTION.sub("", article))
    words = _words(pdfs[lang])
    caption_h = _heights_of(words, _openings([c.strip().removeprefix("<p>") for c in captions]))
    body_h = _heights_of(words, _openings(body))
    assert len(caption_h) >= 20 and len(body_h) >= 80, (len(caption_h), len(body_h))
    caption, text = statistics.median(caption_h), statistics.median(body_h)
    assert caption <= text * 1.01, (
        f"{pdfs[lang].name}: captions print at {caption:.2f} pt boxes, larger than the text's "
        f"{text:.2f} pt")


def _blank_share(png: Path) -> float:
    """How much of the page's text area, from its top, is left empty below its content."""
    with Image.open(png) as image:
        grey = image.convert("L")
        width, height = grey.size
        top = round(height * MARGIN_MM[0] / 297)
        bottom = round(height * (1 - MARGIN_MM[1] / 297))
        pixels = grey.load()
        last = top
        for y in range(top, bottom):
            if any(pixels[x, y] < 240 for x in range(0, width, 2)):
                last = y
    return 1 - (last - top + 1) / (bottom - top)


def _starts_a_section(pdf: Path, page: int, sections: set[str]) -> bool:
    lines = [_flat(line) for line in _poppler(
        "pdftotext", "-enc", "UTF-8", "-layout", "-f", str(page), "-l", str(page), str(pdf),
        "-").splitlines() if line.strip()]
    return bool(lines) and lines[0] in sections


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_but_a_sections_last_is_largely_blank(pdfs, lang, tmp_path):
    pdf = pdfs[lang]
    outline = _outline(pdf)
    first_text_page = outline[0][1]  # the chapter's title: the cover and contents before it
    sections = {_flat(title) for title, _ in outline}
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    holes = []
    for number, png in enumerate(pages, 1):
        if number < first_text_page or number == len(pages):
            continue
        share = _blank_share(png)
        if share > BLANK_AT_MOST and not _starts_a_section(pdf, number + 1, sections):
            holes.append(f"page {number}: {share:.0%} blank")
    assert not holes, f"{pdf.name}: pages left blank mid-section: {holes}"


@pytest.mark.parametrize("lang", LANGS)
def test_text_is_set_in_real_fonts_not_type3(pdfs, lang):
    """Chromium embeds a CFF-outlined font (Noto Sans CJK) as Type 3 glyph procedures,
    which poppler warns about ("Bad bounding box") and readers render poorly; the
    edition's text fonts are TrueType or CFF fonts embedded as such (main's Korean
    edition had 85 Type 3 fonts; now none: NanumGothic, DejaVu Sans and KaTeX's fonts)."""
    rows = _poppler("pdffonts", str(pdfs[lang])).splitlines()[2:]
    type3 = [r for r in rows if " Type 3 " in f" {r} "]
    assert not type3, f"{pdfs[lang].name}: {len(type3)} Type 3 fonts"
