"""Read and finish a printed PDF with pikepdf (qpdf): where its headings fell, then
reproducible bytes and what a reader's viewer shows first.

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

from ..i18n.limits import MAX_PDF_PAGES
from . import PrintError


def _bookmarks(items):
    """The outline's items, depth first."""
    for item in items:
        yield item
        yield from _bookmarks(item.children)


def heading_pages(pdf: bytes, headings: list[str], where: str) -> list[int]:
    """The page of each heading, from the PDF's outline (chromium's: explicit destinations):
    one bookmark per heading, in order; chromium sometimes repeats a title's words, so a
    title need only hold them."""
    with pikepdf.open(io.BytesIO(pdf)) as doc, doc.open_outline() as tree:
        if len(doc.pages) > MAX_PDF_PAGES:
            raise PrintError(f"{where}: the edition has {len(doc.pages)} pages; at most "
                             f"{MAX_PDF_PAGES}")
        numbers = {page.obj.objgen: i for i, page in enumerate(doc.pages, 1)}
        bookmarks = [(str(item.title), numbers[item.destination[0].objgen])
                     for item in _bookmarks(tree.root)]
    if len(bookmarks) != len(headings):
        raise PrintError(f"{where}: the PDF's outline has {len(bookmarks)} bookmarks for "
                         f"{len(headings)} headings")
    for text, (title, _) in zip(headings, bookmarks):
        if text not in " ".join(title.split()):
            raise PrintError(f"{where}: bookmark {title!r} is not the heading {text!r}")
    return [page for _, page in bookmarks]


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
        elif isinstance(node, pikepdf.Dictionary) and not (node.is_indirect and node.objgen in seen):
            if node.is_indirect:
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
    """The same PDF with the build's dates, a content-derived /ID, its metadata, and its
    bookmarks titled with the `headings`, in order (chromium repeats the words of some
    CJK headings in their bookmarks)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        with doc.open_outline() as tree:
            items = list(_bookmarks(tree.root))
            if len(items) != len(headings):
                raise ValueError(f"{len(items)} bookmarks for {len(headings)} headings")
            for item, heading in zip(items, headings):
                item.title = heading
        _renumber_structure(doc)
        date = pikepdf.String("D:" + time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)) + "Z")
        doc.docinfo = doc.make_indirect(pikepdf.Dictionary(
            Title=pikepdf.String(title), Author=pikepdf.String(author),
            Subject=pikepdf.String(subject), Creator=pikepdf.String("ml4a_figs print edition"),
            Producer=pikepdf.String(str(doc.docinfo.get("/Producer", ""))),
            CreationDate=date, ModDate=date))  # a PDF date (ISO 32000 7.9.4), in UTC
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
