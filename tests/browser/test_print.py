"""The chapter as a reader's browser prints it (print media), each language, from the
dark palette: light colours, no site chrome, interactive parts (.screen-only) hidden and
their breakouts (.print-only) shown, dark-drawn figures hidden, the races as small
multiples. docs/assets/print.css does this; ml4a_figs/print_edition prints the same."""

from __future__ import annotations

import pytest

from . import checks

pytestmark = pytest.mark.browser

# Probes added to the page: one element of each kind the convention names, and a figure
# drawn for each palette (Material's #only-light / #only-dark image fragments).
PROBES = """() => {
  const article = document.querySelector("article.md-typeset");
  const src = article.querySelector("img[src*='figures/']").getAttribute("src");
  article.insertAdjacentHTML("beforeend",
    `<div class="screen-only" data-probe>screen</div>
     <div class="print-only" data-probe>paper</div>
     <p><img data-probe="light" src="${src}#only-light" alt="light">
        <img data-probe="dark" src="${src}#only-dark" alt="dark"></p>`);
}"""

VISIBLE = """el => {
  const r = el.getBoundingClientRect();
  return getComputedStyle(el).visibility !== "hidden" && r.width > 0 && r.height > 0;
}"""


def _printed(browser, url):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1000, "height": 1400},
                                  service_workers="block")
    page = context.new_page()
    page.goto(url, wait_until="load")
    # the reader chose the dark palette with Material's toggle, then pressed Print
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.evaluate(PROBES)
    page.emulate_media(media="print")
    return context, page


def _visible(page, selector) -> list[bool]:
    return [page.locator(selector).nth(i).evaluate(VISIBLE)
            for i in range(page.locator(selector).count())]


def test_print_hides_screen_only_and_chrome_and_shows_print_only(chapters, browser, base_url):
    problems = []
    for chapter in chapters:
        context, page = _printed(browser, checks.page_url(base_url, chapter.path))
        try:
            screen_only = _visible(page, ".screen-only")
            real = page.locator(".screen-only:not([data-probe])").count()
            if real < 1:
                problems.append(f"{chapter.label}: no .screen-only part besides the probe "
                                f"(the link to the PDF is one)")
            if any(screen_only):
                problems.append(f"{chapter.label}: {sum(screen_only)} of {len(screen_only)} "
                                f".screen-only elements printed")
            print_only = _visible(page, ".print-only")
            if not all(print_only):
                problems.append(f"{chapter.label}: {print_only.count(False)} of "
                                f"{len(print_only)} .print-only elements not printed")
            for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".md-search",
                           ".md-code__nav", ".headerlink"):
                if any(_visible(page, chrome)):
                    problems.append(f"{chapter.label}: {chrome} is printed")
            if not page.locator("[data-probe=light]").evaluate(VISIBLE):
                problems.append(f"{chapter.label}: the light-drawn figure is not printed")
            if page.locator("[data-probe=dark]").evaluate(VISIBLE):
                problems.append(f"{chapter.label}: the dark-drawn figure is printed")
            colours = page.evaluate("""() => [
                getComputedStyle(document.body).backgroundColor,
                getComputedStyle(document.querySelector('article p')).color]""")
            if colours[0] != "rgb(255, 255, 255)" or not colours[1].startswith("rgba(0, 0, 0"):
                problems.append(f"{chapter.label}: printed in the dark palette "
                                f"(background {colours[0]}, text {colours[1]})")
        finally:
            context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def test_print_shows_the_races_broken_out_never_animated(chapters, browser, base_url):
    """No reduced-motion preference here: paper alone selects, for each race, its small
    multiples (the explorable figure's .print-only breakout); any animation still shown
    in print is its still poster."""
    problems = []
    for chapter in chapters:
        context, page = _printed(browser, checks.page_url(base_url, chapter.path))
        try:
            breakouts = page.locator(".explore-print img")
            sources = []
            for i in range(breakouts.count()):
                img = breakouts.nth(i)
                img.evaluate("img => { img.loading = 'eager'; return img.decode(); }")
                if img.evaluate(VISIBLE):
                    sources.append(img.get_attribute("src").split("#")[0])
            races = [src for src in sources if src.endswith(("opt2a_steps.svg",
                                                             "opt1a_steps.svg"))]
            if len(races) != 2:
                problems.append(f"{chapter.label}: prints {sources}, expected the two "
                                f"races' breakouts")
            # the animations: pictures with a still poster for reduced motion and print
            pictures = page.locator("picture:has(source[srcset*='.poster.']) img")
            for i in range(pictures.count()):
                img = pictures.nth(i)
                if img.evaluate(VISIBLE) and not img.evaluate(
                        "img => img.currentSrc").endswith(".poster.webp"):
                    problems.append(f"{chapter.label}: prints an animation, not its poster")
        finally:
            context.close()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
