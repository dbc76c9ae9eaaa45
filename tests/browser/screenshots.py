"""Pictures a reviewer looks at, not a test: a few figures of every language's chapter,
each centred in the window with its caption, on the desktop and a phone, light and
dark, into test-artifacts/style-LANG-DEVICE-SCHEME-FIGURE.png.

    python -m tests.browser.screenshots      # or `make screenshots` (builds the site first)
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

from tests.weight import SITE, launch_chromium, serve

from . import checks

DEVICES = (("desktop", (1280, 900), False), ("phone", (390, 844), True))
SHOWN = ("lin_reg_scatter", "learning_rate", "batch_modes", "opt2a", "overfitting",
         "digits_curves")


def main() -> int:
    checks.ARTIFACTS.mkdir(exist_ok=True)
    chapters = [p for p in checks.discover_pages(SITE) if p.is_chapter]
    if not chapters:
        print(f"error: no chapter page in {SITE}; build the site first (make site)",
              file=sys.stderr)
        return 1
    written = 0
    with serve(SITE) as base_url, sync_playwright() as pw:
        browser = launch_chromium(pw)
        for p in chapters:
            for device, viewport, mobile in DEVICES:
                for scheme in ("light", "dark"):
                    v = checks.open_visit(browser, checks.page_url(base_url, p.path), p.label,
                                          base_url, viewport=viewport, color_scheme_pref=scheme,
                                          mobile=mobile, all_images=True)
                    try:
                        for name in SHOWN:
                            img = v.page.locator(f'img[src*="figures/{name}."]').filter(visible=True)
                            if not img.count():
                                continue
                            img.first.evaluate("el => el.scrollIntoView({block: 'center'})")
                            v.page.wait_for_timeout(150)
                            v.page.screenshot(path=checks.ARTIFACTS / f"style-{p.lang}-{device}-"
                                              f"{scheme}-{name}.png")
                            written += 1
                    finally:
                        v.context.close()
        browser.close()
    print(f"{written} screenshots in {checks.ARTIFACTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
