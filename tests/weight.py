"""Page weight: what a reader downloads to read the chapter, by type.

    python -m tests.weight              # (or `make weight`) every language's chapter
    python -m tests.weight /ko/         # one page

Serves site/ on 127.0.0.1, opens the page in Debian's chromium (never a downloaded
browser) with an empty cache, scrolls slowly to the end so every lazy figure loads,
waits for the network to go idle and adds up the response bodies by type. Exits 1
when a chapter is heavier than BUDGET.

The local server and the chromium launcher are ml4a_figs.print_edition.browser's; the
browser tests (tests/browser/) import them from here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

# the local server and Debian's chromium are the printable edition's (one of each)
from ml4a_figs.print_edition.browser import CHROMIUM, serve  # noqa: F401 - used by the tests
from ml4a_figs.print_edition.browser import launch as launch_chromium

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
BUDGET = 1_000_000  # bytes for the English chapter, everything included
KINDS = ("images", "scripts", "styles", "fonts", "documents", "other")
_KIND_OF = {"image": "images", "media": "images", "script": "scripts",
            "stylesheet": "styles", "font": "fonts", "document": "documents"}


# --- the browser -----------------------------------------------------------------

def scroll_to_end(page, step: float = 0.7, pause_ms: int = 60, max_steps: int = 400) -> None:
    """Scroll down a fraction of the viewport at a time to the very end, so lazy
    images enter the viewport one after the other, then back to the top."""
    for _ in range(max_steps):
        at_end = page.evaluate(
            """(step) => {
                 const before = window.scrollY;
                 window.scrollBy(0, Math.max(1, Math.floor(window.innerHeight * step)));
                 const el = document.scrollingElement;
                 return window.scrollY === before
                     || window.scrollY + window.innerHeight >= el.scrollHeight - 1;
               }""", step)
        page.wait_for_timeout(pause_ms)
        if at_end:
            break
    page.wait_for_timeout(pause_ms)


# --- the measurement -------------------------------------------------------------

def kind_of(resource_type: str) -> str:
    return _KIND_OF.get(resource_type, "other")


def measure(url: str, browser=None, viewport=(1280, 800)) -> dict:
    """Bytes transferred to show `url` with an empty cache, after scrolling to the end.

    Returns {"images": n, "scripts": n, "styles": n, "fonts": n, "documents": n,
    "other": n, "total": n, "uncompressed": n, "requests": [(kind, bytes, url), ...]}.
    Sizes are the bodies as transferred (text gzip-compressed by the local server, as
    by any static host); "uncompressed" is what a server without compression sends."""
    if browser is None:
        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            own = launch_chromium(pw)
            try:
                return measure(url, own, viewport)
            finally:
                own.close()

    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  color_scheme="light", service_workers="block")
    responses = []
    context.on("response", lambda response: responses.append(response))
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        scroll_to_end(page, step=0.8, pause_ms=100)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        result = {kind: 0 for kind in KINDS}
        rows, raw = [], 0
        for response in responses:
            if urlsplit(response.url).scheme not in ("http", "https"):
                continue  # data: and blob: URLs cost nothing on the wire
            size = _wire_size(response)
            kind = kind_of(response.request.resource_type)
            result[kind] += size
            raw += _body_size(response)
            rows.append((kind, size, response.url))
        result["total"] = sum(result[kind] for kind in KINDS)
        result["uncompressed"] = raw
        result["requests"] = sorted(rows, key=lambda row: -row[1])
        return result
    finally:
        context.close()


def _wire_size(response) -> int:
    """Bytes of the body as sent: compressed where the server compressed it."""
    try:
        size = response.request.sizes().get("responseBodySize", -1)
    except Exception:
        size = -1
    return size if size >= 0 else _body_size(response)


def _body_size(response) -> int:
    try:
        return len(response.body())
    except Exception:  # redirects and bodies the browser already dropped
        length = response.headers.get("content-length")
        if length and length.isdigit():
            return int(length)
        try:
            return max(0, response.request.sizes().get("responseBodySize", 0))
        except Exception:
            return 0


def over_budget(result: dict, budget: int = BUDGET) -> list[str]:
    """Problems (empty when within budget), naming the heaviest downloads."""
    if result["total"] <= budget:
        return []
    heaviest = ", ".join(f"{Path(urlsplit(u).path).name} {n:,} B"
                         for _, n, u in result["requests"][:5])
    return [f"{result['total']:,} bytes transferred, over the budget of {budget:,} "
            f"({format_kinds(result)}); heaviest: {heaviest}"]


def format_kinds(result: dict) -> str:
    return ", ".join(f"{kind} {result[kind]:,}" for kind in KINDS)


def report(label: str, result: dict) -> str:
    lines = [f"{label}"]
    for kind in KINDS:
        lines.append(f"  {kind:<10} {result[kind]:>12,} B")
    lines.append(f"  {'total':<10} {result['total']:>12,} B"
                 f"   (budget {BUDGET:,} B, {len(result['requests'])} responses)")
    lines.append(f"  {'without gzip':<10} {result['uncompressed']:>10,} B"
                 f"   (the same files served uncompressed)")
    lines.append("  heaviest:")
    for kind, size, url in result["requests"][:8]:
        lines.append(f"    {size:>10,} B  {kind:<9} {urlsplit(url).path}")
    return "\n".join(lines)


def chapter_paths(site: Path = SITE) -> list[str]:
    """'/' and '/<lang>/' for every language built (a top-level folder with its own
    index.html and search index)."""
    paths = ["/"]
    for child in sorted(site.iterdir()):
        if (child.is_dir() and (child / "index.html").is_file()
                and (child / "search" / "search_index.json").is_file()):
            paths.append(f"/{child.name}/")
    return paths


def main(argv: list[str]) -> int:
    if not (SITE / "index.html").is_file():
        print(f"no site at {SITE}: run `make site` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright
    paths = argv or chapter_paths()
    status = 0
    with serve(SITE) as base, sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for path in paths:
                result = measure(base.rstrip("/") + "/" + path.lstrip("/"), browser)
                print(report(f"page weight of {path}", result))
                problems = over_budget(result)
                if problems:
                    print("  OVER BUDGET: " + problems[0])
                    status = 1
        finally:
            browser.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
