"""The figures of /ko/ speak Korean (issue 20): every SVG a Korean reader's page shows or
overlays (light and dark, page and phone layouts, explorables' backgrounds, print
breakouts) has no English word in its text, but for the names every language keeps."""

from __future__ import annotations

import re

import pytest

from ml4a_figs.figures.wording import kept

pytestmark = pytest.mark.browser

# words kept in Korean texts too: optimizer names, abbreviations, and the one product
# of math written as letters (f(x) = mx + b)
ALLOWED = set(kept()) | {"mx"}

SVG_TEXTS = """async () => {
  const urls = new Set();
  for (const img of document.querySelectorAll("img[src*='figures/']")) urls.add(img.src);
  for (const s of document.querySelectorAll("source[srcset*='figures/']"))
    urls.add(new URL(s.getAttribute("srcset"), document.baseURI).href);
  for (const el of document.querySelectorAll("[data-background]"))
    for (const a of ["data-background", "data-phone", "data-background-dark", "data-phone-dark"])
      if (el.getAttribute(a)) urls.add(new URL(el.getAttribute(a), document.baseURI).href);
  const out = {};
  for (const url of [...urls].filter((u) => u.split("#")[0].endsWith(".svg"))) {
    const text = await (await fetch(url.split("#")[0])).text();
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    out[url.split("#")[0]] = [...doc.querySelectorAll("text")].map((t) => t.textContent);
  }
  return out;
}"""


def test_no_figure_on_the_korean_page_shows_an_english_word(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light",
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{base_url}/ko/", wait_until="load")
        texts = page.evaluate(SVG_TEXTS)
    finally:
        context.close()
    assert len(texts) > 40, f"only {len(texts)} SVG figures found on /ko/"
    english = {}
    for url, strings in sorted(texts.items()):
        words = {w for s in strings for w in re.findall(r"[A-Za-z]{2,}", s)} - ALLOWED
        if words:
            english[url.rsplit("/", 1)[-1]] = sorted(words)
    assert not english, "English words in the Korean page's figures:\n" + "\n".join(
        f"  {name}: {', '.join(words)}" for name, words in english.items())
