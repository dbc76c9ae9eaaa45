"""Each check can fail: the same functions that pass on the built site report every
problem planted in tests/fixtures/browser/broken_page.html."""

from __future__ import annotations

import pytest

from tests.weight import measure, over_budget

from . import checks
from .test_chapter import ORIGINAL_SECTIONS

LABEL = "fixture"


def _has(problems: list[str], *needles: str) -> None:
    for needle in needles:
        assert any(needle in p for p in problems), \
            f"no problem mentions {needle!r}; the check reported: {problems}"
    assert all(p.startswith(LABEL) for p in problems), f"problems must name the page: {problems}"


@pytest.fixture(scope="module")
def broken(browser, fixture_site):
    v = checks.open_visit(browser, fixture_site + "broken_page.html", LABEL, fixture_site)
    yield v
    v.context.close()


@pytest.fixture(scope="module")
def broken_on_phone(browser, fixture_site):
    v = checks.open_visit(browser, fixture_site + "broken_page.html", LABEL, fixture_site,
                          viewport=(390, 844), mobile=True)
    yield v
    v.context.close()


@pytest.mark.browser
def test_reports_images_that_do_not_load(broken):
    problems = checks.check_images(broken.page, LABEL)
    _has(problems, "figures/missing.svg", "figures/also-missing.png", "inside <picture>",
         "http://example.invalid/x.png")
    assert not any("ok.svg" in p for p in problems), problems


@pytest.mark.browser
def test_reports_figure_without_alt(broken):
    _has(checks.check_alt(broken.page, LABEL), "without alt text", "figures/ok.svg")


@pytest.mark.browser
def test_reports_error_responses(broken):
    broken.settled()  # lazy images requested
    _has(checks.bad_responses(broken.recorder, LABEL), "HTTP 404", "figures/missing.svg")


@pytest.mark.browser
def test_reports_console_errors_and_exceptions(broken):
    _has(checks.console_problems(broken.settled().recorder, LABEL),
         "console error: fixture: an error logged", "uncaught page error",
         "fixture: an uncaught exception")


@pytest.mark.browser
def test_reports_requests_to_other_hosts(broken):
    _has(checks.external_requests(broken.settled().recorder, LABEL),
         "http://example.invalid/x.png", "http://fonts.example.invalid/css",
         "http://api.example.invalid/track")


@pytest.mark.browser
def test_reports_leftover_syntax(broken):
    _has(checks.check_leftover_syntax(broken.page, LABEL),
         "'{%'", "'{::'", "'$$'", '<script type="math/tex">')


@pytest.mark.browser
def test_reports_untypeset_math(broken):
    problems = checks.check_math(broken.page, LABEL, expected=5)
    _has(problems, "raw TeX (a dollar sign", "$x^2$", "raw TeX (a TeX command", "\\frac{a}{b}",
         "KaTeX error mark", "\\fracc", ".arithmatex", "only 1 typeset formulas")


@pytest.mark.browser
def test_reports_wrong_headings_and_cards(broken):
    _has(checks.check_headings(broken.page, LABEL, ORIGINAL_SECTIONS, 22, []),
         "section headings", "expected 22", "Gradient Descent")
    _has(checks.check_cards(broken.page, LABEL, 13), "1 further-reading cards")


@pytest.mark.browser
def test_reports_accessibility_violations(broken):
    problems, findings = checks.axe_problems(broken.page, LABEL, checks.AXE_KNOWN)
    _has(problems, "critical image-alt", "figures/ok.svg")
    assert any(f["rule"] == "image-alt" for f in findings)


@pytest.mark.browser
def test_accepted_axe_findings_must_match_rule_and_element(broken):
    # an exclusion for another element, or another rule, hides nothing
    known = [("image-alt", ".md-search", "not this element"),
             ("color-contrast", "figure", "not this rule")]
    problems, _ = checks.axe_problems(broken.page, LABEL, known)
    _has(problems, "image-alt")
    known = [("image-alt", "figure", "the fixture's own figure")]
    problems, findings = checks.axe_problems(broken.page, LABEL, known)
    assert not any("image-alt" in p for p in problems), problems
    assert any(f["excluded_because"] == "the fixture's own figure" for f in findings)


@pytest.mark.browser
def test_reports_missing_theme_toggle_and_search(broken):
    problems, scheme = checks.toggle_scheme(broken.page, LABEL)
    _has(problems, "palette toggle")
    _has(checks.check_search(broken.page, LABEL, "gradient"), "no search box")


@pytest.mark.browser
def test_reports_broken_language_switcher(broken):
    problems = checks.check_switcher(broken.context, broken.page, LABEL,
                                     {"ja": broken.url.replace("broken_page.html", "ja/")})
    _has(problems, "no link to 'ja'", "answers HTTP 404")


@pytest.mark.browser
def test_reports_sideways_scrolling_on_a_phone(broken_on_phone):
    _has(checks.check_overflow(broken_on_phone.page, LABEL),
         "the page scrolls sideways", "wide equation", "overflow-x is visible",
         "wide table", "no scrolling box")


@pytest.mark.browser
def test_reports_page_over_budget(browser, fixture_site):
    result = measure(fixture_site + "broken_page.html", browser)
    assert result["documents"] > 0 and result["images"] > 0, result
    assert result["total"] == sum(result[k] for k in
                                  ("images", "scripts", "styles", "fonts", "documents", "other"))
    assert over_budget(result, budget=result["total"]) == []
    _has([f"{LABEL}: {p}" for p in over_budget(result, budget=1000)],
         "over the budget of 1,000", "broken_page.html")


# --- without a browser -------------------------------------------------------------

def test_count_math():
    md = ("Inline $x^2$ and $\\frac{a}{b}$, not a price of 5 $ or $ 6.\n\n"
          "$$\nJ = \\frac{1}{n}\n$$\n\n"
          "```python\ncost = '$x$'\n```\n\nand `$y$` in code.\n")
    assert checks.count_math(md) == 3


def test_discover_pages_of_every_language(tmp_path):
    site = tmp_path / "site"
    for rel in ("index.html", "404.html", "search/search_index.json", "extra/index.html",
                "ko/index.html", "ko/404.html", "ko/search/search_index.json",
                "ko/extra/index.html", "assets/not-a-language/index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text('<html lang="en-US">' if rel.endswith("html") else "{}")
    (site / "ko" / "index.html").write_text('<html lang="ko">')
    assert set(checks.languages(site)) == {"en", "ko"}
    pages = {(p.lang, p.path, p.is_chapter, p.is_404) for p in checks.discover_pages(site)}
    assert pages == {
        ("en", "/", True, False), ("en", "/extra/", False, False),
        ("en", "/assets/not-a-language/", False, False), ("en", "/404.html", False, True),
        ("ko", "/ko/", True, False), ("ko", "/ko/extra/", False, False),
        ("ko", "/ko/404.html", False, True),
    }
