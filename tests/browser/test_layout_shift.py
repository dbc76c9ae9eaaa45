"""Nothing on the chapter moves under the reader: the cumulative layout shift (Chromium's
PerformanceObserver 'layout-shift' entries, those without recent input) stays at most
0.01 while the page loads, and after a jump to an anchor inside the chapter (the widgets
and lazy images above that point load then), on a phone and a desktop, in every
language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LIMIT = 0.01
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# anchors below explorables and lazy figures: a jump there loads what is above it
ANCHORS = ("#momentum", "#overfitting", "#dropout")

OBSERVE = """() => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput) window.__shifts.push({value: e.value,
        nodes: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className
          || s.node.nodeName) : "?").join(", ")});
    }
  }).observe({type: "layout-shift", buffered: true});
}"""


def _shifts(page) -> tuple[float, str]:
    found = page.evaluate("window.__shifts")
    total = sum(s["value"] for s in found)
    worst = sorted(found, key=lambda s: -s["value"])[:3]
    return total, "; ".join(f"{s['value']:.3f} ({s['nodes']})" for s in worst)


@pytest.mark.parametrize("device", sorted(VIEWPORTS))
def test_no_layout_shift_at_load_or_after_a_jump(browser, base_url, chapters, device):
    problems = []
    for chapter in chapters:
        for anchor in ("",) + ANCHORS:
            context = browser.new_context(viewport=VIEWPORTS[device], reduced_motion="reduce",
                                          is_mobile=device == "phone",
                                          has_touch=device == "phone")
            page = context.new_page()
            page.add_init_script(f"({OBSERVE})()")
            page.goto(base_url.rstrip("/") + chapter.path + anchor, wait_until="load")
            page.wait_for_timeout(2500)  # widgets fetch their data, lazy images arrive
            total, worst = _shifts(page)
            if total > LIMIT:
                problems.append(f"{chapter.label} {device} {anchor or 'at load'}: "
                                f"CLS {total:.3f} > {LIMIT} [{worst}]")
            context.close()
    assert not problems, "\n".join(problems)
