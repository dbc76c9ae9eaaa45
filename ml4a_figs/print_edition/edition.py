"""Print every language's chapter from the built site into site/pdf/ with Debian's headless
chromium (Playwright), reusing a PDF whose inputs did not change.

The languages are the site's configuration's (site/build.py passes them), each code a
validated BCP 47 tag: never read from a rendered page, whose menu a translation could fake.
A PDF is kept in .cache/print-edition/ under a key of everything it is printed from: the
files of that language's built site (pages, CSS, figures, fonts), this package's code, the
build date and the chromium binary. A warm `make site` therefore only hashes and copies,
and imports neither Playwright nor pikepdf.

A page is printed twice: the first printing places every heading on a page (read back from
the PDF's outline), the second carries those page numbers in the table of contents, drawn
in slots as wide as three digits, so filling them in moves nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from .. import cache_check
from ..i18n.status import code_problem
from ..i18n.limits import MAX_PDF_PAGES
from . import PDF_DIR, WORDS, PrintError, browser, pdf_name

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "print-edition"
CODE = sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(__file__).parent.glob("*.js"))
CHROMIUM_BINARY = Path("/usr/lib/chromium/chromium")
# a built language's folders the chapter page does not load, so never printed
NOT_PRINTED = {PDF_DIR, "search", "downloads", "notebooks"}
PREPARE_JS = (Path(__file__).parent / "prepare.js").read_text(encoding="utf-8")

# the same margins as print.css's @page, so a browser's Print and the edition agree
MARGIN = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
# A4 less those margins, in CSS px (96 per inch): the column prepare.js paginates
CONTENT_PX = ((210 - 16 - 16) / 25.4 * 96, (297 - 16 - 18) / 25.4 * 96)
PDF_OPTIONS = dict(
    format="A4", margin=MARGIN, print_background=True, outline=True, tagged=True,
    display_header_footer=True, header_template="<span></span>", footer_template=(
        '<div style="width:100%;text-align:center;font-size:8px;color:#444;font-family:'
        'sans-serif"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'))
TIMEOUT_MS = 60_000  # one step of the printing (load, prepare, print); never reached


def build_epoch() -> int:
    """SOURCE_DATE_EPOCH, else the time of the last commit: never the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        if not value.isdigit():
            raise PrintError(f"SOURCE_DATE_EPOCH={value!r}: not a number of seconds")
        return int(value)
    try:
        return int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, text=True,
                                  capture_output=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        raise PrintError("no build date: set SOURCE_DATE_EPOCH (seconds since 1970) "
                         "outside a git checkout") from None


def _key(site: Path, path: str, others: list[str], lang: str, words: dict, epoch: int) -> str:
    digest = hashlib.sha256(json.dumps([lang, words, epoch], sort_keys=True).encode())
    for code in CODE:
        digest.update(code.name.encode() + b"\0" + code.read_bytes())
    if CHROMIUM_BINARY.exists():
        st = CHROMIUM_BINARY.stat()
        digest.update(f"chromium {st.st_size} {st.st_mtime_ns}".encode())
    skip = {f"{path}{name}" for name in NOT_PRINTED} | {o.rstrip("/") for o in others if o != path}
    files = []
    for folder, subfolders, names in os.walk(site / path):  # (pathlib's rglob: 3 x slower)
        at = Path(folder).relative_to(site).as_posix().removeprefix(".")
        subfolders[:] = [d for d in subfolders if f"{at}/{d}".lstrip("/") not in skip]
        files += [f"{at}/{n}".lstrip("/") for n in names if not n.startswith("sitemap")]
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256((site / name).read_bytes()).digest())
    return digest.hexdigest()


def build(site: Path, langs: dict[str, str], words: dict[str, dict], force: bool = False
          ) -> list[tuple[str, Path, str, float]]:
    """Print (or reuse) the PDF of each language of `langs` ({language: its chapter's
    folder in `site`, "" or "<lang>/"}), with its `words` (the `print:` of its
    language.yml): [(lang, path, 'printed' or 'cached', seconds)]."""
    site = Path(site).resolve()
    epoch = build_epoch()
    (site / PDF_DIR).mkdir(exist_ok=True)
    results, todo = [], []
    for lang, path in langs.items():
        # the code names files and a glob below: a BCP 47 tag, the folder its own
        if code_problem(lang) or path not in ("", f"{lang}/"):
            raise PrintError(f"language {lang!r} at {path!r}: "
                             f"{code_problem(lang) or 'not its folder'}")
        if not (site / path / "index.html").is_file():
            raise PrintError(f"{site / path / 'index.html'}: missing; build the site first")
        if missing := [k for k in WORDS if not isinstance(words[lang].get(k), str)]:
            raise PrintError(f"{lang}: no printable-edition words {missing} (print: in "
                             f"docs/{lang}/language.yml or the original's)")
        key = _key(site, path, list(langs.values()), lang, words[lang], epoch)
        cached = CACHE / f"{lang}-{key[:20]}.pdf"
        target = site / PDF_DIR / pdf_name(lang)
        data = None if force else cache_check.read(cached)  # None: missing or damaged
        if data is None:
            todo.append((lang, path, cached, target))
        else:
            target.write_bytes(data)
            results.append((lang, target, "cached", 0.0))
    return results + (_print(site, todo, words, epoch) if todo else [])


def _print(site: Path, todo: list, words: dict[str, dict], epoch: int) -> list[tuple[str, Path, str, float]]:
    from playwright.sync_api import sync_playwright

    from . import finish

    results = []
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    with sync_playwright() as pw, browser.serve(site) as url:
        chromium = browser.launch(pw)
        try:
            for lang, path, cached, target in todo:
                start = time.perf_counter()
                said = words[lang]
                # the license: None, the page's own copyright line (the footer's), said once
                cover = [("author", said["author"]), ("book", said["book"]), ("license", None),
                         ("figures", said["figures"]), ("date", said["date"].format(date=date))]
                raw, found = print_page(chromium, url + path, lang, cover, said["contents"])
                data = finish.finish(raw, title=found["title"], author=said["author"],
                                     subject=said["book"], lang=lang, epoch=epoch,
                                     headings=found["headings"])
                for old in CACHE.glob(f"{lang}-*.pdf"):
                    cache_check.discard(old)
                cache_check.write(cached, data)
                target.write_bytes(data)
                results.append((lang, target, "printed", time.perf_counter() - start))
        finally:
            chromium.close()
    return results


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
    context.route_web_socket(lambda url: True, lambda ws: (blocked.append(ws.url), ws.close()))
    return blocked


def print_page(chromium, url: str, lang: str, cover: list[tuple[str, str | None]],
               contents_title: str) -> tuple[bytes, dict]:
    """The chapter at `url`, printed (A4, light palette, still posters for animations), and
    what prepare.js found: its title and the text of its headings, one per bookmark."""
    from .finish import heading_pages

    context = chromium.new_context(color_scheme="light", reduced_motion="reduce", locale=lang,
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
        pages = heading_pages(page.pdf(**PDF_OPTIONS), found["headings"], url)
        page.evaluate("pages => window.__printEdition.number(pages)",
                      [pages[i] for i in found["contents"]])
        final = page.pdf(**PDF_OPTIONS)
        if heading_pages(final, found["headings"], url) != pages:
            raise PrintError(f"{url}: filling in the page numbers moved a heading to "
                             f"another page")
        if errors:
            raise PrintError(f"{url}: errors in the page: {'; '.join(errors)}")
        return final, found
    finally:
        context.close()
