"""The print step's chromium asks nothing outside the built site, refuses a page too long
to print, and never publishes a damaged cached PDF (issue 23)."""

from __future__ import annotations

import contextlib
import io
import socket
import time
from pathlib import Path

import pikepdf
import pytest

from ml4a_figs.print_edition import WORDS, PrintError, edition
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
        with pytest.raises(PrintError, match="outside the site"):
            edition.print_page(browser, url, "en", [], "Contents")
        seconds = time.perf_counter() - start
    assert seconds < 10, f"{seconds:.1f} s"
    with pytest.raises(BlockingIOError):  # no connection ever reached the listener
        silent_server.accept()


@pytest.mark.browser
def test_a_page_too_long_to_print_is_refused_before_printing(browser, tmp_path):
    height = 1100 * (edition.MAX_PDF_PAGES + 20)
    with _site_page(tmp_path, f'<div style="height:{height}px">tall</div>') as url:
        start = time.perf_counter()
        with pytest.raises(PrintError, match=r"tall, more than the \d+ pages"):
            edition.print_page(browser, url, "en", [], "Contents")
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
    (site / "index.html").write_text("<html lang=en><h1>T</h1></html>", encoding="utf-8")
    monkeypatch.setattr(edition, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    printed = []

    def fake_print(browser, url, lang, cover, contents):
        printed.append(lang)
        return _pdf(), {"title": "T", "headings": []}

    class Browser:
        def close(self):
            pass

    @contextlib.contextmanager
    def fake_playwright():
        yield None

    import playwright.sync_api

    monkeypatch.setattr(playwright.sync_api, "sync_playwright", fake_playwright)
    monkeypatch.setattr(browser_, "launch", lambda pw: Browser())
    monkeypatch.setattr(edition, "print_page", fake_print)
    langs, words = {"en": ""}, {"en": {k: f"{k} {{date}}" for k in WORDS}}
    assert [r[2] for r in edition.build(site, langs, words)] == ["printed"]
    assert [r[2] for r in edition.build(site, langs, words)] == ["cached"]
    (cached,) = (tmp_path / "cache").glob("en-*.pdf")
    cached.write_bytes(cached.read_bytes()[:200])  # truncated
    results = edition.build(site, langs, words)
    assert [r[2] for r in results] == ["printed"] and printed == ["en", "en"]
    with pikepdf.open(results[0][1]) as doc:
        assert len(doc.pages) == 1


def test_a_pdf_is_printed_again_when_its_own_language_changes(tmp_path):
    """The cache key of each language's PDF covers the files of its own built site (and
    not the other languages', the search index or the downloads)."""
    site = tmp_path / "site"
    for folder in ("", "ko/"):
        for name in ("index.html", "assets/site.css", "search/search_index.json",
                     "downloads/pkg.whl"):
            (site / folder / name).parent.mkdir(parents=True, exist_ok=True)
            (site / folder / name).write_text(f"{folder}{name}", encoding="utf-8")
    langs = {"en": "", "ko": "ko/"}

    def keys():
        return {lang: edition._key(site, path, list(langs.values()), lang, {}, 1)
                for lang, path in langs.items()}

    before = keys()
    for folder, changed in (("ko/", "ko"), ("", "en")):
        (site / folder / "assets" / "site.css").write_text("edited", encoding="utf-8")
        after = keys()
        assert [lang for lang in langs if after[lang] != before[lang]] == [changed]
        before = after
    for name in ("search/search_index.json", "downloads/pkg.whl"):
        (site / name).write_text("edited", encoding="utf-8")
    assert keys() == before
