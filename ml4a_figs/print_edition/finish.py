"""Finish a printed PDF with pikepdf (qpdf): reproducible bytes, and what a reader's viewer
shows first.

Chromium stamps each PDF with the time it was printed and a random /ID, and names the
elements of its tagged structure after DOM node numbers that change from run to run. Here
the dates become the build's (SOURCE_DATE_EPOCH), the /ID is derived from the content
(qpdf's deterministic_id), the structure's IDs are numbered in document order, and the
document says its title, author, language, and opens with its bookmarks shown.
"""

from __future__ import annotations

import io
import time

import pikepdf


def pdf_date(epoch: int) -> str:
    """A PDF date string (ISO 32000 7.9.4) in UTC."""
    return "D:" + time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)) + "Z"


def _page_numbers(doc: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i + 1 for i, page in enumerate(doc.pages)}


def _destination_page(doc, item, numbers) -> int:
    dest = item.destination
    if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
        dest = item.action.get("/D")
    if isinstance(dest, (str, pikepdf.String, pikepdf.Name)):  # a named destination
        dest = pikepdf.NameTree(doc.Root.Names.Dests)[str(dest)]
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.D
    return numbers[dest[0].objgen]


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def is_pdf(data: bytes) -> bool:
    """True if the bytes open as a PDF with at least one page (a cache entry is checked
    before it is published: a truncated file is not)."""
    try:
        return data.startswith(b"%PDF-") and page_count(data) > 0
    except Exception:  # pikepdf's PdfError and whatever a damaged file raises
        return False


def outline_entries(pdf: bytes) -> list[tuple[str, int]]:
    """Every bookmark of the PDF, depth first: (title, page number counted from 1)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        numbers = _page_numbers(doc)
        entries: list[tuple[str, int]] = []

        def walk(items) -> None:
            for item in items:
                entries.append((str(item.title), _destination_page(doc, item, numbers)))
                walk(item.children)

        with doc.open_outline() as outline:
            walk(outline.root)
        return entries


def _retitle(doc: pikepdf.Pdf, titles: list[str]) -> None:
    """Each bookmark titled with its heading's text, in order (chromium repeats the words
    of some CJK headings in their bookmarks)."""
    with doc.open_outline() as outline:
        items = []

        def walk(level) -> None:
            for item in level:
                items.append(item)
                walk(item.children)

        walk(outline.root)
        if len(items) != len(titles):
            raise ValueError(f"{len(items)} bookmarks for {len(titles)} headings")
        for item, title in zip(items, titles):
            item.title = title


def _renumber_structure(doc: pikepdf.Pdf) -> None:
    """Structure element IDs (chromium's "node00000822") numbered in tree order, the
    table cells' /Headers that point at them too, and the /IDTree rebuilt from them."""
    root = doc.Root.get("/StructTreeRoot")
    if root is None:
        return
    every: list[pikepdf.Dictionary] = []
    seen: set[tuple[int, int]] = set()

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.is_indirect:
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            every.append(node)
            if "/K" in node:
                walk(node.K)

    walk(root.get("/K"))
    elements = [e for e in every if "/ID" in e]
    new = {str(e.ID): f"id{i:08d}" for i, e in enumerate(elements, 1)}
    for element in elements:
        element.ID = pikepdf.String(new[str(element.ID)])
    for element in every:
        attributes = element.get("/A")
        for attr in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
            if isinstance(attr, pikepdf.Dictionary) and "/Headers" in attr:
                attr.Headers = pikepdf.Array(
                    [pikepdf.String(new.get(str(h), str(h))) for h in attr.Headers])
    if "/IDTree" in root or elements:
        names = pikepdf.Array()
        for element in elements:
            names.append(pikepdf.String(str(element.ID)))
            names.append(element if element.is_indirect else doc.make_indirect(element))
        root.IDTree = doc.make_indirect(pikepdf.Dictionary(Names=names))


def finish(pdf: bytes, *, title: str, author: str, subject: str, lang: str, epoch: int,
           headings: list[str]) -> bytes:
    """The same PDF with the build's dates, a content-derived /ID, its metadata, and
    bookmarks titled with the `headings`."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        _retitle(doc, headings)
        _renumber_structure(doc)
        producer = str(doc.docinfo.get("/Producer", ""))
        date = pdf_date(epoch)
        doc.docinfo = doc.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Author=pikepdf.String(author),
            Subject=pikepdf.String(subject), Creator=pikepdf.String("ml4a_figs print edition"),
            Producer=pikepdf.String(producer), CreationDate=pikepdf.String(date),
            ModDate=pikepdf.String(date)))
        if "/Metadata" in doc.Root:  # XMP would repeat the printing time
            del doc.Root.Metadata
        if "/ID" in doc.trailer:  # qpdf keeps the first half of an /ID it is given
            del doc.trailer.ID
        doc.Root.Lang = pikepdf.String(lang)
        doc.Root.PageMode = pikepdf.Name.UseOutlines
        doc.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
