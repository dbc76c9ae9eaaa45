"""The print step's chromium asks nothing outside the built site, refuses a page too long
to print, and never publishes a damaged cached PDF (issue 23)."""

from __future__ import annotations

import contextlib
import html
import io
import json
import socket
import time
from pathlib import Path

import pikepdf
import pytest

from ml4a_figs.print_edition import WORDS, WORDS_ATTR, edition, finish, printer
from ml4a_figs.print_edition import browser as browser_


@contextlib.contextmanager
def _site_page(tmp_path: Path, body: str):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text(f"<!doctype html><html lang=en><body><h1>T</h1>{body}"
                                     f"</body></html>", encoding="utf-8")
    with browser_.serve(site) as url:
        yield url


@pytest.fixture
def silent_server():
    """A listener that accepts nothing and never answers (a request to it would hang)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


@pytest.mark.browser
@pytest.mark.parametrize("spelling", ["http://127.0.0.1:{port}/x.png", "//127.0.0.1:{port}/x.png",
                                      "\\\\127.0.0.1:{port}\\x.png"])
def test_the_print_step_requests_nothing_outside_the_site(spelling, browser, silent_server,
                                                           tmp_path):
    port = silent_server.getsockname()[1]
    src = spelling.format(port=port)
    with _site_page(tmp_path, f'<img src="{src}">') as url:
        start = time.perf_counter()
        with pytest.raises(printer.PrintError, match="outside the site"):
            printer.print_page(browser, url, "en", [], "Contents")
        seconds = time.perf_counter() - start
    assert seconds < 10, f"{seconds:.1f} s"
    with pytest.raises(BlockingIOError):  # no connection ever reached the listener
        silent_server.accept()


@pytest.mark.browser
def test_a_page_too_long_to_print_is_refused_before_printing(browser, tmp_path):
    height = 1100 * (getattr(printer, "MAX_PDF_PAGES", 150) + 20)
    with _site_page(tmp_path, f'<div style="height:{height}px">tall</div>') as url:
        start = time.perf_counter()
        with pytest.raises(printer.PrintError, match=r"tall, more than the \d+ pages"):
            printer.print_page(browser, url, "en", [], "Contents")
    assert time.perf_counter() - start < 15


def _pdf() -> bytes:
    doc = pikepdf.new()
    doc.add_blank_page()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_damaged_cached_pdf_is_printed_again(tmp_path, monkeypatch):
    """A truncated PDF in .cache/print-edition/ was published as if good."""
    site = tmp_path / "site"
    site.mkdir()
    said = html.escape(json.dumps({k: f"{k} {{date}}" for k in WORDS}))
    (site / "index.html").write_text(f'<html lang=en><h1>T</h1><a {WORDS_ATTR}="{said}">pdf</a>'
                                     f"</html>", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "theme: {name: material, language: en}\nextra:\n  alternate:\n"
        "    - { name: English, link: /, lang: en }\n", encoding="utf-8")
    monkeypatch.setattr(edition, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    printed = []

    def fake_print(browser, url, lang, cover, contents):
        printed.append(lang)
        return _pdf(), []

    class Browser:
        def close(self):
            pass

    @contextlib.contextmanager
    def fake_playwright():
        yield None

    import playwright.sync_api

    monkeypatch.setattr(playwright.sync_api, "sync_playwright", fake_playwright)
    monkeypatch.setattr(browser_, "launch", lambda pw: Browser())
    monkeypatch.setattr(printer, "print_page", fake_print)
    assert [r[2] for r in edition.build(site)] == ["printed"]
    assert [r[2] for r in edition.build(site)] == ["cached"]
    (cached,) = (tmp_path / "cache").glob("en-*.pdf")
    cached.write_bytes(cached.read_bytes()[:200])  # truncated
    results = edition.build(site)
    assert [r[2] for r in results] == ["printed"] and printed == ["en", "en"]
    assert finish.page_count(results[0][1].read_bytes()) == 1
