"""Notebook pages on a phone and under the dark palette (issue 22): their plots are
dimmed under the dark palette (or have dark variants) instead of glaring white cards,
they are shown at no less than their own size on a phone (their 10 pt text stays about
9.6 px; the column scrolls sideways), and printed output keeps its words whole."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _notebook_pages(site_pages):
    pages = [p for p in site_pages if "/notebooks/" in p.path and not p.is_404]
    assert pages, "no notebook pages in the built site"
    return pages


def _open(browser, base_url, path, scheme, width):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url.rstrip("/") + path)
    return context, page


def test_plots_are_dim_or_dark_under_the_dark_palette(browser, base_url, site_pages):
    glaring = []
    for p in _notebook_pages(site_pages):
        context, page = _open(browser, base_url, p.path, "dark", 1280)
        try:
            found = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output img')]
              .filter((img) => getComputedStyle(img).display !== 'none')
              .map((img) => { const f = getComputedStyle(img).filter;
                const m = f.match(/brightness\\(([\\d.]+)\\)/);
                return {dark: /#only-dark$/.test(img.src), brightness: m ? +m[1] : 1}; })""")
        finally:
            context.close()
        assert found, f"{p.label}: no plots found"
        glaring += [f"{p.label}: plot {k} at brightness {f['brightness']}"
                    for k, f in enumerate(found) if not f["dark"] and f["brightness"] > 0.9]
    assert not glaring, "\n".join(glaring)


def test_on_a_phone_plots_keep_their_own_size_and_output_keeps_words_whole(
        browser, base_url, site_pages):
    problems = []
    for p in _notebook_pages(site_pages):
        context, page = _open(browser, base_url, p.path, "light", 390)
        try:
            page.wait_for_load_state("load")
            shrunk = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output img')]
              .filter((img) => img.naturalWidth && getComputedStyle(img).display !== 'none')
              .map((img) => img.getBoundingClientRect().width / img.naturalWidth)
              .filter((scale) => scale < 0.99)""")
            broken = page.evaluate("""[...document.querySelectorAll('.jp-OutputArea-output pre')]
              .map((pre) => getComputedStyle(pre))
              .filter((s) => s.wordBreak === 'break-all' || s.whiteSpace === 'pre-wrap').length""")
        finally:
            context.close()
        if shrunk:
            problems.append(f"{p.label}: {len(shrunk)} plots shrunk to {min(shrunk):.0%}")
        if broken:
            problems.append(f"{p.label}: {broken} outputs break words to wrap")
    assert not problems, "\n".join(problems)
