"""Every page of every language on a 390×844 phone: no sideways scrolling of the page;
wide equations and tables scroll inside their own box."""

from __future__ import annotations

import pytest

from . import checks

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def test_no_horizontal_scrolling_on_a_phone(site_pages, browser, base_url, artifacts):
    problems = []
    for p in site_pages:
        v = checks.open_visit(browser, checks.page_url(base_url, p.path), p.label + " (phone)",
                              base_url, viewport=PHONE, mobile=True, all_images=True)
        try:
            found = checks.check_overflow(v.page, v.label)
            if found or p.is_chapter:  # kept to look at; always for the chapters
                name = "chapter" if p.is_chapter else p.path.strip("/").replace("/", "-")
                v.page.screenshot(path=artifacts / f"phone-{p.lang}-{name}.png")
            problems += found
        finally:
            v.context.close()
    if problems:
        pytest.fail(f"{len(problems)} phone layout problems:\n  " + "\n  ".join(problems),
                    pytrace=False)
