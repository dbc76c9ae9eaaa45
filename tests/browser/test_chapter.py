"""The chapter page of each language: its structure, the light/dark toggle (with
screenshots kept in test-artifacts/), search, the language switcher, page weight."""

from __future__ import annotations

import json
import re

import pytest

from tests.weight import BUDGET, measure, over_budget, report

from . import checks

pytestmark = pytest.mark.browser

# The 22 sections of the original chapter, in order
# (https://ml4a.github.io/ml4a/how_neural_networks_are_trained/).
ORIGINAL_SECTIONS = [
    "Why training is hard",
    "A needle in a hyper-dimensional haystack",
    "n-dimensional space is a lonely place",
    "Linear regression",
    "Loss function",
    "Adding more dimensions",
    "The curse of nonlinearity",
    "Gradient Descent",
    "The gradient descent method",
    "Applying gradient descent to neural nets",
    "The problem of convexity",
    "Stochastic, batch, and mini-batch gradient descent",
    "Momentum",
    "Adaptive methods",
    "Adam and comparison of update methods",
    "Hyperparameters and evaluation",
    "Overfitting",
    "Cross-validation and hyperparameter selection",
    "Regularization",
    "Dropout",
    "Backpropagation",
    "Descending the mountain",
]
# this site's appendix, not part of the original
APPENDIX = ["Corrections to the original", "Credits"]
FURTHER_READING_CARDS = 13
SEARCH_WORDS = {"en": "gradient"}


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


def _english(chapters):
    english = [p for p in chapters if p.lang == "en"]
    assert english, f"no English chapter among {[p.label for p in chapters]}"
    return english[0]


def _fresh_page(browser, base_url, scheme="light", viewport=(1280, 800)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  color_scheme=scheme, service_workers="block",
                                  reduced_motion="reduce")
    context.set_default_timeout(15000)
    recorder = checks.Recorder(base_url).attach(context)
    return context, context.new_page(), recorder


def test_section_headings_are_the_originals(chapters, visits):
    en = _english(chapters)
    found = checks.headings(visits(en).page)
    titles = [text for tag, _, text in found if tag == "h2"]
    assert titles[-2:] == APPENDIX, f"{en.label}: the page should end with the appendix " \
                                    f"{APPENDIX}, its last h2 are {titles[-2:]}"
    problems = checks.check_headings(visits(en).page, en.label, ORIGINAL_SECTIONS,
                                     len(ORIGINAL_SECTIONS), APPENDIX)
    for p in chapters:
        if p is not en:  # translated titles: the same number of sections
            problems += checks.check_headings(visits(p).page, p.label, None,
                                              len(ORIGINAL_SECTIONS))
    _fail(problems, "heading problems")


def test_further_reading_cards(chapters, visits):
    problems = []
    for p in chapters:
        problems += checks.check_cards(visits(p).page, p.label, FURTHER_READING_CARDS)
    _fail(problems, "further-reading problems")


def _screenshots(page, lang: str, theme: str, artifacts) -> None:
    """The whole page (English only: a full-page shot takes seconds), its top, and the
    'Gradient Descent' section, in one theme."""
    page.wait_for_timeout(300)  # Material's colour transition
    if lang == "en":
        page.screenshot(path=artifacts / f"chapter-{lang}-{theme}.jpg", full_page=True,
                        type="jpeg", quality=85, timeout=120_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / f"chapter-{lang}-{theme}-top.png")
    # the whole 'Gradient Descent' section (its formulas and figures), from its h2 to
    # the next one
    box = page.evaluate(
        """() => {
             const h2s = Array.from(document.querySelectorAll('article h2'));
             const found = h2s.findIndex(h => h.id === 'gradient-descent');
             const i = found >= 0 ? found : Math.min(2, h2s.length - 1);  // third h2
             const top = h2s[i].getBoundingClientRect().top + window.scrollY - 16;
             const end = h2s[i + 1] ? h2s[i + 1].getBoundingClientRect().top + window.scrollY
                                    : document.scrollingElement.scrollHeight;
             return {x: 0, y: Math.max(0, top), width: window.innerWidth,
                     height: Math.min(6000, end - top)};
           }""")
    page.screenshot(path=artifacts / f"chapter-{lang}-{theme}-gradient-descent.png",
                    full_page=True, clip=box, timeout=120_000)
    page.evaluate("window.scrollTo(0, 0)")


def test_light_dark_toggle_and_screenshots(chapters, browser, base_url, artifacts):
    problems = []
    for p in chapters:
        context, page, _ = _fresh_page(browser, base_url, "light")
        try:
            page.goto(checks.page_url(base_url, p.path), wait_until="load")
            checks.load_all_images(page)
            page.wait_for_load_state("networkidle")
            seen = [checks.color_scheme(page)]
            _screenshots(page, p.lang, "light", artifacts)
            found, scheme = checks.toggle_scheme(page, p.label)
            problems += found
            seen.append(scheme)
            _screenshots(page, p.lang, "dark", artifacts)
            found, scheme = checks.toggle_scheme(page, p.label)
            problems += found
            seen.append(scheme)
            if seen != ["default", "slate", "default"]:
                problems.append(f"{p.label}: body[data-md-color-scheme] went {seen} on two "
                                "clicks of the toggle, expected default -> slate -> default")
        finally:
            context.close()
    _fail(problems, "theme toggle problems")


def test_accessibility_dark_theme(chapters, browser, base_url, artifacts):
    """The colour rules of axe again, in the slate scheme a reader who prefers dark gets
    (axe runs in the chapters of all languages at once)."""
    problems, all_findings, opened = [], [], []
    try:
        for p in chapters:
            context, page, _ = _fresh_page(browser, base_url, "dark")
            opened.append((p, context, page))
            page.goto(checks.page_url(base_url, p.path), wait_until="load")
            scheme = checks.color_scheme(page)
            assert scheme == "slate", f"{p.label}: a reader who prefers dark gets {scheme!r}"
            checks.start_axe(page, rules=checks.COLOUR_RULES)
        for p, _, page in opened:
            found, findings = checks.axe_problems(page, f"{p.label} (dark)", checks.AXE_KNOWN,
                                                  started=True)
            problems += found
            all_findings += findings
    finally:
        for _, context, _ in opened:
            context.close()
    (artifacts / "axe-findings-dark.json").write_text(json.dumps(all_findings, indent=1),
                                                       encoding="utf-8")
    _fail(problems, "serious/critical accessibility violations in the dark theme")


def _search_word(page, lang: str) -> str:
    if lang in SEARCH_WORDS:
        return SEARCH_WORDS[lang]
    # another language: the longest word of the first section title, as written there
    title = checks.headings(page)[0][2]
    words = sorted(re.findall(r"\w+", title), key=len, reverse=True)
    return words[0]


def test_search_finds_the_chapter(chapters, browser, base_url):
    problems = []
    for p in chapters:
        context, page, recorder = _fresh_page(browser, base_url)
        try:
            page.goto(checks.page_url(base_url, p.path), wait_until="load")
            word = _search_word(page, p.lang)
            problems += checks.check_search(page, p.label, word)
            problems += checks.console_problems(recorder, p.label + " (search)")
        finally:
            context.close()
    _fail(problems, "search problems")


def test_language_switcher(chapters, browser, base_url):
    """Both directions between every pair of languages when several are built; with
    English alone, whatever switcher the page has must not be broken."""
    problems = []
    for p in chapters:
        want = {o.lang: checks.page_url(base_url, o.path) for o in chapters if o is not p}
        context, page, _ = _fresh_page(browser, base_url)
        try:
            page.goto(checks.page_url(base_url, p.path), wait_until="load")
            problems += checks.check_switcher(context, page, p.label, want)
        finally:
            context.close()
    _fail(problems, "language switcher problems")


def test_page_weight(chapters, browser, base_url, artifacts):
    en = _english(chapters)
    result = measure(checks.page_url(base_url, en.path), browser)
    text = report(f"page weight of {en.label}", result)
    (artifacts / "page-weight.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    problems = [f"{en.label}: {problem}" for problem in over_budget(result, BUDGET)]
    _fail(problems, "page weight problems")
