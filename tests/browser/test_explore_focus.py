"""Every control of every explorable shows where the keyboard is, and reads in both
palettes (issue 22): focused from the keyboard, each control's outline is drawn, at
least 2 px wide and at 3:1 or more against the page behind it; every control's text
(Play/Pause, labels, values) is at 4.5:1 or more against the page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NAMES = ("line_fit_explore", "learning_rate_explore", "momentum_explore", "opt2a_explore",
         "opt1a_explore", "overfitting_explore")

# computed colours to a contrast ratio, in the page (WCAG relative luminance)
CONTRAST_JS = """
(() => {
  const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c[3] > 0.5) return c; }
    return rgb(getComputedStyle(document.body).backgroundColor); };
  const over = (fg, bg) => fg[3] >= 1 ? fg : [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  window.__ratio = (fgColour, el) => { const bg = behind(el.parentElement || el);
    const a = lum(over(rgb(fgColour), bg)), b = lum(bg); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
})();
"""


def _page(browser, base_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url)
    page.evaluate(CONTRAST_JS)
    return context, page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_control_has_a_visible_focus_ring(browser, base_url, scheme):
    context, page = _page(browser, base_url, scheme)
    problems = []
    try:
        for name in NAMES:
            w = page.locator(f'.explore-widget[data-explore$="/{name}.explore.json"]')
            w.scroll_into_view_if_needed()
            w.locator(".explore-overlay g").first.wait_for(state="attached", timeout=15000)
            # a radio group is one stop of the keyboard: its checked radio
            controls = w.locator('input:not([type="radio"]), input[type="radio"]:checked, button')
            for k in range(controls.count()):
                control = controls.nth(k)
                control.focus()
                page.keyboard.press("Shift+Tab")  # and back, from the keyboard
                page.keyboard.press("Tab")
                ring = control.evaluate("""el => { const s = getComputedStyle(el);
                    return {focused: el.matches(':focus-visible'), style: s.outlineStyle,
                            width: parseFloat(s.outlineWidth), ratio: __ratio(s.outlineColor, el)}; }""")
                label = f"{name} control {k} ({scheme})"
                if not ring["focused"]:
                    problems.append(f"{label}: not reached by the keyboard")
                elif ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3:
                    problems.append(f"{label}: focus outline {ring}")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_controls_text_reads_in_both_palettes(browser, base_url, scheme):
    context, page = _page(browser, base_url, scheme)
    problems = []
    try:
        for name in NAMES:
            w = page.locator(f'.explore-widget[data-explore$="/{name}.explore.json"]')
            w.scroll_into_view_if_needed()
            w.locator(".explore-overlay g").first.wait_for(state="attached", timeout=15000)
            texts = w.locator(".explore-controls button, .explore-slider span, "
                              ".explore-slider output, .explore-choice legend, "
                              ".explore-choice span, .explore-readout")
            for k in range(texts.count()):
                ratio = texts.nth(k).evaluate("el => __ratio(getComputedStyle(el).color, el)")
                if ratio < 4.5:
                    problems.append(f"{name} ({scheme}): {texts.nth(k).inner_text()!r} at "
                                    f"{ratio:.2f}:1")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_sliders_track_stays_put_whatever_its_value(browser, base_url, width):
    """The readout beside a slider is as wide as its widest value: moving the thumb
    from one end to the other does not move or resize the track under the finger."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url)
    moved = []
    try:
        for name in NAMES:
            w = page.locator(f'.explore-widget[data-explore$="/{name}.explore.json"]')
            w.scroll_into_view_if_needed()
            w.locator(".explore-overlay g").first.wait_for(state="attached", timeout=15000)
            sliders = w.locator('input[type="range"]')
            for k in range(sliders.count()):
                boxes = []
                for key in ("Home", "End", "Home"):
                    sliders.nth(k).focus()
                    page.keyboard.press(key)
                    box = sliders.nth(k).bounding_box()
                    boxes.append((round(box["x"]), round(box["width"])))
                if len(set(boxes)) > 1:
                    moved.append(f"{name} slider {k} at {width} px: {boxes}")
    finally:
        context.close()
    assert not moved, "\n".join(moved)
