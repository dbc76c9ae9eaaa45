"""The printable edition (site/pdf/, printed by `make site`): for each language the PDF
exists and its chapter page links it; its text has every section heading of the chapter's
Markdown (and Hangul in Korean); its fonts are embedded; its outline has one bookmark per
heading, in order, on the page the contents say; it is under 10 MB and dated by the build.
Read with poppler (pdftotext, pdffonts) and pikepdf, not with the code that wrote it.

Also the finishing step alone: two printings that differ only in what chromium stamps
(dates, /ID, structure IDs) finish to the same bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pikepdf
import pytest

from ml4a_figs.print_edition import finish, pdf_name

ROOT = Path(__file__).resolve().parent.parent
LANGS = {"en": ("", ROOT / "docs" / "en" / "index.md"),
         "ko": ("ko/", ROOT / "docs" / "ko" / "index.md")}
MAX_BYTES = 10_000_000
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*(\{[^}]*\})?\s*$", re.M)


def _poppler(tool: str, *args: str) -> str:
    if shutil.which(tool) is None:
        raise AssertionError(f"{tool} is missing: run `make system-deps` (poppler-utils)")
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _slug(text: str) -> str:  # Python-Markdown's toc slugify
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())


def _markdown_headings(markdown: Path) -> list[tuple[str, str]]:
    """(id, text) of the headings (#, ##, ###) as a Markdown file writes them."""
    text = re.sub(r"^```.*?^```", "", markdown.read_text(encoding="utf-8"), flags=re.M | re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    found = []
    for m in HEADING.finditer(text):
        given = re.search(r"#([\w-]+)", m.group(3) or "")
        found.append((given.group(1) if given else _slug(m.group(2)), m.group(2)))
    return found


def _headings(lang: str) -> list[str]:
    """The chapter's headings in a language: the translated ones in place of the English
    ones they translate (by id), the title translated too; the others in English."""
    english = _markdown_headings(LANGS["en"][1])
    own = _markdown_headings(LANGS[lang][1])
    translated = dict(own)
    return [own[0][1]] + [translated.get(hid, text) for hid, text in english[1:]]


def _outline(pdf: Path) -> list[tuple[str, int]]:
    """(title, page) of every bookmark, depth first, read with pikepdf."""
    with pikepdf.open(pdf) as doc:
        pages = {p.obj.objgen: i + 1 for i, p in enumerate(doc.pages)}
        found = []
        with doc.open_outline() as outline:
            stack = list(outline.root)[::-1]
            while stack:
                item = stack.pop()
                found.append((str(item.title), pages[item.destination[0].objgen]))
                stack.extend(list(item.children)[::-1])
    return found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href", "").endswith(".pdf"):
            self.hrefs.append(dict(attrs)["href"])


@pytest.fixture(scope="module")
def pdfs(built_site) -> dict[str, Path]:
    return {lang: built_site / "pdf" / pdf_name(lang) for lang in LANGS}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_exists_and_chapter_links_it(built_site, pdfs, lang):
    path = pdfs[lang]
    assert path.is_file(), f"{path}: missing; `make site` prints it"
    assert path.read_bytes().startswith(b"%PDF-")
    folder, _ = LANGS[lang]
    page = built_site / folder / "index.html"
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    targets = {(page.parent / h).resolve() for h in parser.hrefs}
    assert path.resolve() in targets, f"{page} links {parser.hrefs}, not {path.name}"
    assert path.stat().st_size <= MAX_BYTES, f"{path}: {path.stat().st_size} bytes"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_has_every_heading(pdfs, lang):
    text = _flat(_poppler("pdftotext", "-enc", "UTF-8", str(pdfs[lang]), "-"))
    headings = _headings(lang)
    assert len(headings) >= 20
    missing = [h for h in headings if _flat(h) not in text]
    assert not missing, f"{pdfs[lang].name}: headings not in its text: {missing}"
    if lang == "ko":
        assert len(HANGUL.findall(text)) > 1000, "the Korean edition holds little Hangul text"
    # the cover: title, author, book, license, the build's date
    for words in ("Gene Kogan", "Machine Learning for Artists", "GPL-2.0"):
        assert words in text, f"{pdfs[lang].name}: {words!r} not on the cover"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_fonts_are_embedded(pdfs, lang):
    rows = _poppler("pdffonts", str(pdfs[lang])).splitlines()[2:]
    assert rows, f"{pdfs[lang].name}: no fonts, so no text"
    # columns: name, type (1 or 2 words), encoding, emb, sub, uni, object, gen
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    no_unicode = [r for r in rows if r.split()[-3] != "yes"]
    assert not not_embedded, f"{pdfs[lang].name}: fonts not embedded:\n" + "\n".join(not_embedded)
    assert not no_unicode, f"{pdfs[lang].name}: fonts without a ToUnicode map (text not "\
                           "searchable):\n" + "\n".join(no_unicode)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_outline_is_the_headings_on_their_pages(pdfs, lang):
    found = _outline(pdfs[lang])
    assert [t for t, _ in found] == _headings(lang)
    numbers = [p for _, p in found]
    assert numbers == sorted(numbers) and numbers[0] > 1, numbers  # after the cover
    # the table of contents says the same page for each ## and ### heading
    lines = {_flat(line) for line in _poppler(
        "pdftotext", "-enc", "UTF-8", "-layout", "-f", "2", "-l", "2", str(pdfs[lang]), "-"
    ).splitlines()}
    for title, page in found[1:]:
        assert f"{_flat(title)} {page}" in lines, f"contents: {title!r} not on page {page}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_no_heading_is_left_at_the_foot_of_a_page(pdfs, lang):
    stranded = []
    for title, page in _outline(pdfs[lang]):
        lines = [_flat(line) for line in _poppler(
            "pdftotext", "-enc", "UTF-8", "-layout", "-f", str(page), "-l", str(page),
            str(pdfs[lang]), "-").splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"\d+ / \d+", line)]  # footer
        if body and body[-1] == _flat(title):
            stranded.append(f"{title!r} (page {page})")
    assert not stranded, f"{pdfs[lang].name}: headings alone at the foot of a page: {stranded}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_dated_by_the_build(pdfs, lang):
    with pikepdf.open(pdfs[lang]) as doc:
        created = str(doc.docinfo["/CreationDate"])
        assert created == str(doc.docinfo["/ModDate"])
        assert "/Metadata" not in doc.Root
        assert doc.trailer.ID[0] == doc.trailer.ID[1]
    text = _poppler("pdftotext", "-enc", "UTF-8", "-l", "1", str(pdfs[lang]), "-")
    day = f"{created[2:6]}-{created[6:8]}-{created[8:10]}"
    assert day in text, f"the cover does not say the build's date {day}"


# --- the finishing step alone -------------------------------------------------------

def _chromium_like(stamp: int) -> bytes:
    """A tiny tagged PDF as chromium writes one: its own dates, a random /ID, structure
    IDs named after DOM nodes, a table cell pointing at its header by that ID."""
    doc = pikepdf.new()
    doc.add_blank_page()
    doc.docinfo = doc.make_indirect(pikepdf.Dictionary(
        CreationDate=pikepdf.String(f"D:2026113012{stamp:02d}00Z"), Producer="Skia/PDF"))
    header = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.TH, ID=pikepdf.String(f"node{800 + stamp}")))
    cell = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.TD,
        A=pikepdf.Dictionary(O=pikepdf.Name.Table, Headers=[pikepdf.String(f"node{800 + stamp}")])))
    root = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([header, cell]),
        IDTree=pikepdf.Dictionary(Names=[pikepdf.String(f"node{800 + stamp}"), header])))
    doc.Root.StructTreeRoot = root
    with doc.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(f"Title{'Title' * (stamp % 2)}", 0))
    out = io.BytesIO()
    doc.save(out, static_id=False)
    return out.getvalue()


def test_finish_gives_the_same_bytes_whatever_chromium_stamped():
    first, second = _chromium_like(1), _chromium_like(2)
    assert first != second
    meta = dict(title="T", author="A", subject="S", lang="en", epoch=1764460800,
                headings=["Title"])
    one, two = finish.finish(first, **meta), finish.finish(second, **meta)
    assert one == two
    with pikepdf.open(io.BytesIO(one)) as doc:
        assert str(doc.docinfo.CreationDate) == "D:20251130000000Z"
        header, cell = doc.Root.StructTreeRoot.K
        assert str(cell.A.Headers[0]) == str(header.ID)
        with doc.open_outline() as outline:
            assert [str(i.title) for i in outline.root] == ["Title"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_links_lead_somewhere_off_the_build_machine(pdfs, lang):
    """Outside links keep their URL; none points at the local server or a local file."""
    with pikepdf.open(pdfs[lang]) as doc:
        uris = [str(a.A.URI) for page in doc.pages for a in page.obj.get("/Annots", [])
                if "/A" in a and "/URI" in a.A]
    assert len(uris) > 50, f"{pdfs[lang].name}: {len(uris)} outside links"
    local = [u for u in uris if not u.startswith(("http://", "https://", "mailto:"))
             or "127.0.0.1" in u or "localhost" in u]
    assert not local, f"{pdfs[lang].name}: links to the build machine: {local[:5]}"


def test_a_bad_build_date_is_an_error_naming_it(monkeypatch):
    from ml4a_figs.print_edition import PrintError, edition

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(PrintError, match="SOURCE_DATE_EPOCH"):
        edition.build_epoch()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    assert edition.build_epoch() == 1764460800


def test_an_unbuilt_site_is_an_error_naming_the_file(tmp_path):
    from ml4a_figs.print_edition import WORDS, PrintError, edition

    words = {lang: {k: k for k in WORDS} for lang in ("en", "ko")}
    with pytest.raises(PrintError, match=r"index\.html: missing"):
        edition.build(tmp_path, {"en": ""}, words)
    (tmp_path / "index.html").write_text('<html lang="en"><h1>T</h1>', "utf-8")
    with pytest.raises(PrintError, match=r"ko/index\.html: missing"):
        edition.build(tmp_path, {"en": "", "ko": "ko/"}, words)


def test_words_missing_from_the_configuration_are_an_error_naming_them(tmp_path):
    from ml4a_figs.print_edition import PrintError, edition

    (tmp_path / "index.html").write_text('<html lang="en"><h1>T</h1>', "utf-8")
    with pytest.raises(PrintError, match=r"en: no printable-edition words \['link'"):
        edition.build(tmp_path, {"en": ""}, {"en": {"contents": "Contents"}})
