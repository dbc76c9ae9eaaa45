"""Translations as a reader meets them in Chromium: the language menu opens the same page
in the other language (every page, both directions), Korean search finds Korean words,
Korean text is set in Noto Sans CJK KR, untranslated sections and pages show in English
under a translated note (screenshots in test-artifacts/i18n-*.png), and a throw-away third
language switches like the others."""

from __future__ import annotations

import re

import pytest

from tests.weight import serve

from . import checks

pytestmark = pytest.mark.browser

KO = "ko"


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


def _page(browser, base_url, viewport=(1280, 800)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                  color_scheme="light", service_workers="block",
                                  reduced_motion="reduce")
    context.set_default_timeout(15000)
    recorder = checks.Recorder(base_url).attach(context)
    return context, context.new_page(), recorder


def _html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def switch_language(page, lang: str) -> str | None:
    """Open the language menu as a reader does and pick `lang`; the problem, or None."""
    button = page.locator(".md-select > button.md-header__button").filter(visible=True)
    if button.count() != 1:
        return f"{page.url}: no single visible language button (found {button.count()})"
    button.first.hover()
    button.first.click()
    link = page.locator(f'a.md-select__link[hreflang="{lang}"]')
    if link.count() != 1:
        return f"{page.url}: the language menu has no link to {lang!r}"
    try:
        link.first.wait_for(state="visible", timeout=5000)
    except Exception:
        return f"{page.url}: the {lang!r} link of the language menu does not show"
    with page.expect_navigation(wait_until="load"):
        link.first.click()
    return None


def _pairs(site_pages, other: str):
    """(English page, its counterpart in `other`) for every page a reader reaches."""
    paths = {p.path for p in site_pages if p.lang == other}
    out = []
    for p in site_pages:
        if p.lang == "en" and not p.is_404:
            twin = f"/{other}{p.path}"
            out.append((p, twin if twin in paths else None))
    return out


def test_every_page_exists_in_korean(site_pages):
    missing = [p.path for p, twin in _pairs(site_pages, KO) if twin is None]
    assert not missing, f"pages with no Korean counterpart (/ko/…): {missing}"
    assert len(_pairs(site_pages, KO)) >= 3, "expected the chapter, the guide and notebooks"


def test_switcher_opens_the_same_page_both_ways(site_pages, browser, base_url):
    """On every page (chapter, guide, notebooks): English -> Korean -> English, by the
    language menu, lands on the same page each time."""
    problems = []
    for en, ko in _pairs(site_pages, KO):
        if ko is None:
            continue
        context, page, recorder = _page(browser, base_url)
        try:
            page.goto(checks.page_url(base_url, en.path), wait_until="load")
            for lang, want in ((KO, ko), ("en", en.path)):
                problem = switch_language(page, lang)
                if problem:
                    problems.append(problem)
                    break
                got = "/" + page.url[len(base_url):].lstrip("/")
                if got.split("#")[0] != want:
                    problems.append(f"{en.label}: the {lang!r} menu link led to {got}, "
                                    f"expected {want}")
                    break
                if _html_lang(page) != lang:
                    problems.append(f"{got}: <html lang={_html_lang(page)!r}>, expected {lang!r}")
            problems += checks.console_problems(recorder, en.label + " (switching)")
        finally:
            context.close()
    _fail(problems, "language switching problems")


@pytest.mark.parametrize("word, section", [
    ("건초", "a-needle-in-a-hyper-dimensional-haystack"),  # "haystack", only in Korean
    ("손전등", ""),  # "flashlight", in the opening paragraphs
    ("훈련이", "why-training-is-hard"),  # the word the chapter test searches for
])
def test_korean_search_finds_korean_words(word, section, browser, base_url):
    context, page, recorder = _page(browser, base_url)
    try:
        page.goto(checks.page_url(base_url, f"/{KO}/"), wait_until="load")
        problems = checks.check_search(page, f"/{KO}/", word)
        _fail(problems, "search problems")
        hrefs = page.locator(".md-search-result__item a").evaluate_all(
            "els => els.map(e => { const u = new URL(e.href); u.search = ''; return u.href; })")
        want = checks.page_url(base_url, f"/{KO}/") + (f"#{section}" if section else "")
        assert any(h == want or (not section and h.startswith(want)) for h in hrefs), \
            f"searching {word!r} on /{KO}/ should lead to {want}; results: {hrefs}"
        assert not checks.console_problems(recorder, "search")
    finally:
        context.close()


_FONTS_JS = """
(sel) => { const e = document.querySelector(sel); return e ? getComputedStyle(e).fontFamily : null; }
"""


def _rendered_fonts(page, selector: str) -> list[str]:
    """The fonts Chromium actually drew the element's text with (DevTools CSS domain)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f["familyName"] for f in fonts]


def test_korean_text_is_set_in_noto_sans_cjk_kr(browser, base_url):
    context, page, recorder = _page(browser, base_url)
    try:
        page.goto(checks.page_url(base_url, f"/{KO}/"), wait_until="load")
        paragraph = "article h2#why-training-is-hard ~ p"
        stack = page.evaluate(_FONTS_JS, paragraph)
        assert stack and stack.startswith('"Noto Sans CJK KR"'), stack
        assert "Noto Sans CJK KR" in _rendered_fonts(page, paragraph)
        # English awaiting translation keeps the English fonts: a section of /ko/ while
        # one is left, else the guide, which is shown in English
        english = 'article div[lang="en"] p'
        if page.locator(english).count() == 0:
            page.goto(checks.page_url(base_url, f"/{KO}/translating/"), wait_until="load")
            english = 'article [lang="en"] p'
        assert page.locator(english).count() > 0, "no English text under a note to check"
        assert "Noto Sans CJK" not in page.evaluate(_FONTS_JS, english)
        # no font from another host: the site loads no web font at all
        fonts = [u for u in recorder.requests if re.search(r"\.(woff2?|ttf|otf)(\?|$)", u)
                 and "katex" not in u]
        assert fonts == [], f"web fonts requested: {fonts}"
        assert not checks.external_requests(recorder, f"/{KO}/")
    finally:
        context.close()


def _first_missing_h2() -> str | None:
    """The id of the first ## section of the chapter that /ko/ shows in English, if any."""
    from ml4a_figs import i18n

    en = i18n.read(checks.ROOT / "docs" / "en" / "index.md", checks.ROOT)
    ko = i18n.read(checks.ROOT / "docs" / "ko" / "index.md", checks.ROOT, derive_ids=False)
    for s in i18n.section_states(ko, en):
        if s.state == i18n.MISSING and s.english.level == 2:
            return s.english.id
    return None


def _expected_notes() -> int:
    from test_i18n import assembled_korean

    return assembled_korean().count("!!! info i18n-note")


_SPLIT_WORDS_JS = """
() => {
  const split = [];
  for (const a of document.querySelectorAll("article a")) {
    const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[\\uac00-\\ud7a3]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0] + " in " + a.textContent.trim());
      }
    }
  }
  return split;
}
"""


def test_korean_words_in_links_are_not_split_across_lines(browser, base_url, artifacts):
    """Korean breaks lines between words (keep-all); Material lets links break anywhere,
    which split "고차원" into "고 / 차원" on a phone."""
    context, page, _ = _page(browser, base_url, viewport=(390, 844))
    try:
        page.goto(checks.page_url(base_url, f"/{KO}/"), wait_until="load")
        links = page.locator("article a").evaluate_all(
            "els => els.filter(a => /[\\uac00-\\ud7a3]/.test(a.textContent))"
            ".map(a => getComputedStyle(a).wordBreak)")
        assert links and set(links) == {"keep-all"}, set(links)
        assert page.evaluate(_SPLIT_WORDS_JS) == []
        page.get_by_text("고차원 공간은").first.scroll_into_view_if_needed()
        page.screenshot(path=artifacts / "i18n-ko-phone-link.png")
    finally:
        context.close()


def test_untranslated_sections_show_in_english_under_a_korean_note(browser, base_url,
                                                                   artifacts):
    """Checked on /ko/ while a section awaits translation (the note's markup is also
    tested without a browser, on a partial page, in tests/test_i18n.py)."""
    missing = _first_missing_h2()
    context, page, recorder = _page(browser, base_url)
    try:
        page.goto(checks.page_url(base_url, f"/{KO}/"), wait_until="load")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=artifacts / "i18n-ko-top.png")
        # translated sections carry no note
        assert page.locator("h2#why-training-is-hard + .admonition.i18n-note").count() == 0
        assert page.locator(".admonition.i18n-note").count() == _expected_notes()
        if missing is None:  # every section translated: the guide shows the page note
            _check_the_page_note(page, base_url, artifacts)
            assert not checks.console_problems(recorder, f"/{KO}/")
            return
        heading = page.locator(f"h2#{missing}")
        assert heading.get_attribute("lang") == "en"
        note = page.locator("h2#linear-regression + .admonition.i18n-note")
        assert note.is_visible(), "no visible note under the untranslated 'Linear regression'"
        assert note.locator(".admonition-title").inner_text().strip() == "아직 번역되지 않은 절"
        assert "아직 한국어로 번역되지 않아" in note.inner_text()
        guide = note.locator("a").first.evaluate("a => a.href")
        assert guide == checks.page_url(base_url, f"/{KO}/translating/"), guide
        assert context.request.get(guide).status == 200
        body = page.locator(f"h2#{missing} + .admonition.i18n-note + div[lang='en']")
        assert body.inner_text().strip()
        heading.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -70)")
        page.wait_for_timeout(300)
        page.screenshot(path=artifacts / "i18n-ko-fallback-section.png")
        assert not checks.console_problems(recorder, f"/{KO}/")
        _check_the_page_note(page, base_url, artifacts)
    finally:
        context.close()


def _check_the_page_note(page, base_url, artifacts) -> None:
    page.goto(checks.page_url(base_url, f"/{KO}/translating/"), wait_until="load")
    assert _html_lang(page) == KO
    assert "아직 번역되지 않은 페이지" in page.locator(".admonition.i18n-note").inner_text()
    page.screenshot(path=artifacts / "i18n-ko-guide-top.png")


def test_the_english_language_menu_shows_korean_in_a_korean_font(browser, base_url, artifacts):
    context, page, _ = _page(browser, base_url)
    try:
        page.goto(base_url, wait_until="load")
        button = page.locator(".md-select > button.md-header__button").filter(visible=True)
        button.first.hover()
        button.first.click()
        link = page.locator('a.md-select__link[hreflang="ko"]')
        link.wait_for(state="visible")
        assert link.inner_text().strip() == "한국어"
        assert link.get_attribute("lang") == "ko"
        assert "Noto Sans CJK KR" in _rendered_fonts(page, 'a.md-select__link[hreflang="ko"]')
        page.screenshot(path=artifacts / "i18n-en-language-menu.png")
    finally:
        context.close()


# --- a throw-away third language (built in tests/test_i18n.py's copy of the project) --

from test_i18n import build_project, third_language_site, THIRD  # noqa: E402,F401


@pytest.mark.slow
def test_a_third_language_switches_and_falls_back(third_language_site, browser):
    problems = []
    with serve(third_language_site) as url:
        context, page, recorder = _page(browser, url)
        try:
            for start, lang, want in (("/", THIRD, f"/{THIRD}/"),
                                      (f"/{THIRD}/", "en", "/"),
                                      (f"/{THIRD}/translating/", KO, f"/{KO}/translating/"),
                                      (f"/{KO}/", THIRD, f"/{THIRD}/")):
                page.goto(checks.page_url(url, start), wait_until="load")
                problem = switch_language(page, lang)
                got = "/" + page.url[len(url):].lstrip("/")
                if problem or got != want or _html_lang(page) != lang:
                    problems.append(f"{start} -> {lang}: {problem or ''} landed on {got} "
                                    f"<html lang={_html_lang(page)!r}>, expected {want}")
            page.goto(checks.page_url(url, f"/{THIRD}/"), wait_until="load")
            assert page.locator("h2#why-training-is-hard").inner_text().startswith(
                "Pourquoi l'entraînement est difficile")
            note = page.locator("h2#linear-regression + .admonition.i18n-note")
            assert "has not been translated yet" in note.inner_text()
            problems += checks.console_problems(recorder, f"/{THIRD}/")
        finally:
            context.close()
    _fail(problems, "third-language problems")
