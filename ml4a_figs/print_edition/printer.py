"""Print one built chapter page to PDF with Debian's headless chromium (Playwright).

Two printings: the first places every heading on a page (read back from the PDF's
outline), the second carries those page numbers in the table of contents. The numbers
are drawn in slots as wide as three digits, so filling them in moves nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from ..i18n.limits import MAX_PDF_PAGES
from . import finish

PREPARE_JS = (Path(__file__).parent / "prepare.js").read_text(encoding="utf-8")

# the same margins as print.css's @page, so a browser's Print and the edition agree
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
# A4 less those margins, in CSS px (96 per inch): the column prepare.js paginates
CONTENT_PX = ((210 - 16 - 16) / 25.4 * 96, (297 - 16 - 18) / 25.4 * 96)
FOOTER = ('<div style="width:100%;text-align:center;font-size:8px;color:#444;'
          'font-family:sans-serif"><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')


TIMEOUT_MS = 60_000  # one step of the printing (load, prepare, print); never reached


class PrintError(RuntimeError):
    """The page could not be printed as an edition (what and where is in the message)."""


def confine(context, base: str) -> list[str]:
    """Chromium asks nothing outside the built site: every request to another origin
    (a remote image, `//host/…`, `\\\\host\\…`, a websocket) is aborted at the browser,
    at once, and listed in the returned list."""
    origin = urlsplit(base)._replace(path="/", query="", fragment="").geturl()
    blocked: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(origin) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", route)
    if hasattr(context, "route_web_socket"):
        context.route_web_socket(lambda url: True, lambda ws: (blocked.append(ws.url), ws.close()))
    return blocked


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def heading_pages(pdf: bytes, headings: list[str], where: str) -> list[int]:
    """The page of each heading, read from the PDF's outline (one bookmark per heading,
    in order; chromium sometimes repeats a title's words, so a title need only hold them)."""
    outline = finish.outline_entries(pdf)
    if len(outline) != len(headings):
        raise PrintError(f"{where}: the PDF's outline has {len(outline)} bookmarks for "
                         f"{len(headings)} headings")
    for text, (title, _) in zip(headings, outline):
        if text not in _normal(title):
            raise PrintError(f"{where}: bookmark {title!r} is not the heading {text!r}")
    return [page for _, page in outline]


def print_page(browser, url: str, lang: str, cover: list[tuple[str, str | None]],
               contents_title: str) -> tuple[bytes, list[str]]:
    """The chapter at `url`, printed (A4, light palette, still posters for animations),
    and the text of its headings, one per bookmark."""
    context = browser.new_context(color_scheme="light", reduced_motion="reduce", locale=lang,
                                  viewport={"width": 1000, "height": 1400})
    context.set_default_timeout(TIMEOUT_MS)
    blocked = confine(context, url)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:  # playwright's TimeoutError or a network error
            raise PrintError(f"{url}: the page did not load: {str(exc).splitlines()[0]}") from None
        if response is None or not response.ok:
            raise PrintError(f"{url}: {response.status if response else 'no response'}")
        if blocked:
            raise PrintError(f"{url}: the page asks for files outside the site (blocked): "
                             f"{', '.join(sorted(set(blocked))[:5])}")
        page.emulate_media(media="print", color_scheme="light", reduced_motion="reduce")
        # laid out at the paper's width, so prepare.js counts the pages the printer makes
        page.set_viewport_size({"width": round(CONTENT_PX[0]), "height": round(CONTENT_PX[1])})
        height = page.evaluate("() => document.documentElement.scrollHeight")
        if height > CONTENT_PX[1] * MAX_PDF_PAGES:
            raise PrintError(f"{url}: the page is {height:,} px tall, more than the "
                             f"{MAX_PDF_PAGES} pages an edition may have")
        page.add_script_tag(content=PREPARE_JS)
        try:
            found = page.evaluate("cfg => window.__printEdition.prepare(cfg)",
                                  {"cover": cover, "contentsTitle": contents_title,
                                   "pageHeight": CONTENT_PX[1]})
        except Exception as exc:  # the page's own message names what is wrong
            raise PrintError(f"{url}: {exc}") from None
        options = dict(format="A4", margin=MARGIN, print_background=True, outline=True,
                       tagged=True, display_header_footer=True,
                       header_template="<span></span>", footer_template=FOOTER)
        first = page.pdf(**options)
        count = finish.page_count(first)
        if count > MAX_PDF_PAGES:
            raise PrintError(f"{url}: the edition has {count} pages; at most {MAX_PDF_PAGES}")
        pages = heading_pages(first, found["headings"], url)
        page.evaluate("pages => window.__printEdition.number(pages)",
                      [pages[i] for i in found["contents"]])
        final = page.pdf(**options)
        if heading_pages(final, found["headings"], url) != pages:
            raise PrintError(f"{url}: filling in the page numbers moved a heading to "
                             f"another page")
        if errors:
            raise PrintError(f"{url}: errors in the page: {'; '.join(errors)}")
        return final, found["headings"]
    finally:
        context.close()
