"""Explorable figures in the built chapter, driven from the keyboard: what the page
draws changes, and is the training core's answer for the value chosen (the drawn
SVG mapped back to data through the boxes matplotlib recorded); no page errors;
nothing moves by itself under reduced motion; without JavaScript the static
pictures show; and the script stays small."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from ml4a_figs.core import data, losses, optim
from ml4a_figs.figures import explore_descent, explore_races, races

from .checks import ROOT

pytestmark = pytest.mark.browser

FIGURES = ROOT / "site" / "figures"
NAMES = ("line_fit_explore", "learning_rate_explore", "momentum_explore", "opt2a_explore",
         "opt1a_explore", "overfitting_explore")
JS_BUDGET = 20_000  # bytes, gzip


def saved(name: str) -> dict:
    return json.loads((FIGURES / f"{name}.explore.json").read_text(encoding="utf-8"))


def to_data(ax: dict, points: str) -> np.ndarray:
    """SVG polyline points back to data coordinates (linear axes)."""
    px = np.array([[float(v) for v in p.split(",")] for p in points.split()])
    (x0, y0, x1, y1), (xa, xb), (ya, yb) = ax["box"], ax["x"], ax["y"]
    return np.column_stack([xa + (px[:, 0] - x0) / (x1 - x0) * (xb - xa),
                            ya + (y1 - px[:, 1]) / (y1 - y0) * (yb - ya)])


def pixel(ax: dict) -> np.ndarray:
    """One SVG unit in data units, per axis: the drawing's resolution (0.1 unit)."""
    (x0, y0, x1, y1), (xa, xb), (ya, yb) = ax["box"], ax["x"], ax["y"]
    return np.array([(xb - xa) / (x1 - x0), (yb - ya) / (y1 - y0)])


@pytest.fixture(scope="module")
def chapter(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  reduced_motion="reduce")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/")
    yield page, errors
    context.close()


def widget(page, name: str):
    w = page.locator(f'.explore-widget[data-explore$="/{name}.explore.json"]')
    w.scroll_into_view_if_needed()
    w.locator(".explore-overlay g").first.wait_for(state="attached", timeout=15000)
    return w


def drawn(w) -> str:
    return w.locator(".explore-overlay").inner_html()


def test_every_explorable_answers_the_keyboard(chapter):
    page, errors = chapter
    for name in NAMES:
        w = widget(page, name)
        before = drawn(w)
        slider = w.locator('input[type="range"]').first
        slider.focus()
        page.keyboard.press("Home")
        after_home = drawn(w)
        page.keyboard.press("ArrowRight")
        after_right = drawn(w)
        page.keyboard.press("End")
        after_end = drawn(w)
        assert len({before, after_home, after_right, after_end}) >= 3, name
        assert w.locator(".explore-readout").first.inner_text().strip(), name
    assert not errors, errors


def test_the_learning_rate_drawn_is_gradient_descent_at_that_rate(chapter):
    page, errors = chapter
    w = widget(page, "learning_rate_explore")
    ax = saved("learning_rate_explore")["axes"][0]
    x, y = data.seven_points()
    rates = explore_descent.learning_rates()
    slider = w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    for k in (0, 3, 4):  # too small, then two more rates by arrow key
        if k:
            page.keyboard.press("ArrowRight" if k == 3 else "ArrowRight")
            while int(slider.input_value()) < k:
                page.keyboard.press("ArrowRight")
        path = to_data(ax, w.locator("polyline.x-descent").get_attribute("points"))
        core = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y),
                             explore_descent.GD_START, optim.SGD(lr=float(rates[k])),
                             explore_descent.SWEEP_STEPS)
        np.testing.assert_allclose(path, core, atol=float(pixel(ax).max()),
                                   err_msg=f"learning rate {rates[k]:.3g}")
    assert not errors


def test_the_momentum_drawn_is_momentum_at_that_beta(chapter):
    page, _ = chapter
    w = widget(page, "momentum_explore")
    ax = saved("momentum_explore")["axes"][0]
    x, y = data.seven_points()
    slider = w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("End")
    beta = explore_descent.MOMENTUM_BETAS[-1]
    core = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y), explore_descent.GD_START,
                         optim.Momentum(lr=explore_descent.MOMENTUM_LR, momentum=beta),
                         explore_descent.SWEEP_STEPS)
    path = to_data(ax, w.locator("polyline.x-descent").get_attribute("points"))
    np.testing.assert_allclose(path, core, atol=float(pixel(ax).max()))


def test_the_race_drawn_is_the_optimizers_at_the_chosen_scale_and_step(chapter):
    page, _ = chapter
    w = widget(page, "opt2a_explore")
    ax = saved("opt2a_explore")["axes"][0]
    w.locator('input[type="radio"]').nth(1).focus()
    page.keyboard.press("ArrowRight")  # ×1 -> ×2, as a keyboard user switches radios
    assert w.locator('input[type="radio"]').nth(2).is_checked()
    slider = w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(25):
        page.keyboard.press("ArrowRight")
    assert slider.input_value() == "25"
    for opt in ("SGD", "Adam", "Momentum"):
        kwargs = races.RACE_SETTINGS["opt2a"][opt]
        core = optim.descend(losses.BEALE.grad, races.RACE_START["opt2a"],
                             getattr(optim, opt)(**{**kwargs, "lr": 2 * kwargs["lr"]}), 25)
        points = w.locator(f'polyline[data-name="{opt}"]').get_attribute("points")
        np.testing.assert_allclose(to_data(ax, points), core, atol=float(pixel(ax).max()),
                                   err_msg=opt)
    # the legend toggles an optimizer off and on
    box = w.locator('input[type="checkbox"][data-name="Adam"]')
    box.focus()
    page.keyboard.press("Space")
    assert w.locator('polyline[data-name="Adam"]').count() == 0
    page.keyboard.press("Space")
    assert w.locator('polyline[data-name="Adam"]').count() == 1
    loss_cell = w.locator("tbody tr").nth(0).locator("td").first.inner_text()
    sgd = optim.descend(losses.BEALE.grad, races.RACE_START["opt2a"], optim.SGD(lr=0.004), 25)
    assert float(loss_cell) == pytest.approx(losses.BEALE.at(sgd[-1]), rel=5e-3)


def test_the_fit_drawn_is_the_least_squares_polynomial_of_that_degree(chapter):
    page, _ = chapter
    w = widget(page, "overfitting_explore")
    ax = saved("overfitting_explore")["axes"][0]
    slider = w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # degree 3
    x, y = data.overfitting_points(seed=explore_fits_seed())
    fit = np.polynomial.Polynomial.fit(x, y, 3)
    curve = to_data(ax, w.locator("polyline.x-fit").get_attribute("points"))
    np.testing.assert_allclose(curve[:, 1], fit(curve[:, 0]), atol=2 * float(pixel(ax).max()))
    assert "3" in w.locator(".explore-readout").inner_text()


def explore_fits_seed() -> int:
    from ml4a_figs.figures.overfitting_record import OVERFITTING_FIGURE_SEED

    return OVERFITTING_FIGURE_SEED


def test_the_line_drawn_is_the_chosen_line_and_its_error(chapter):
    page, _ = chapter
    w = widget(page, "line_fit_explore")
    boxes = saved("line_fit_explore")["axes"]
    slider = w.locator('input[type="range"]').first
    slider.focus()
    page.keyboard.press("End")
    m = float(w.locator("output").first.inner_text())
    b = float(w.locator("output").nth(1).inner_text())
    x, y = data.seven_points()
    line = to_data(boxes[0], w.locator("polyline.x-fit").get_attribute("points"))
    np.testing.assert_allclose(line[:, 1], m * line[:, 0] + b, atol=2 * float(pixel(boxes[0]).max()))
    dot = w.locator("circle.x-follow")
    cx, cy = float(dot.get_attribute("cx")), float(dot.get_attribute("cy"))
    (mx, _), = to_data(boxes[2], f"{cx},{cy}")
    assert mx == pytest.approx(m, abs=float(pixel(boxes[2])[0]))
    # the error axis is logarithmic and reaches every state's error: the dot is on it
    mse = float(losses.mse(m, b, x, y))
    (_, top, _, bottom), (lo, hi) = boxes[2]["box"], boxes[2]["y"]
    assert boxes[2]["ylog"] and lo < mse < hi
    expected_cy = bottom - np.log(mse / lo) / np.log(hi / lo) * (bottom - top)
    assert cy == pytest.approx(expected_cy, abs=0.2)
    assert f"{mse:#.3g}" in w.locator(".explore-readout").inner_text()


def test_under_reduced_motion_nothing_moves_by_itself(browser, base_url):
    for motion, moves in (("reduce", False), ("no-preference", True)):
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      reduced_motion=motion)
        page = context.new_page()
        page.goto(base_url + "/")
        w = widget(page, "opt2a_explore")
        w.locator('input[type="range"]').scroll_into_view_if_needed()
        first = drawn(w)
        page.wait_for_timeout(1500)
        assert (drawn(w) != first) == moves, motion
        context.close()


def test_without_javascript_the_static_pictures_show(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    statics = page.locator(".explore > .explore-static")
    assert statics.count() == len(NAMES)
    for i in range(statics.count()):
        # one drawing per palette: the one of the page's palette shows
        shown = [img for img in statics.nth(i).locator("img").all() if img.is_visible()]
        assert len(shown) == 1, i
        shown[0].scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=shown[0].element_handle())
    assert page.locator(".explore-widget").first.is_hidden()
    assert page.locator(".explore-print").first.is_hidden()  # print only
    context.close()


def test_the_explorable_script_is_small():
    size = len(gzip.compress((ROOT / "site" / "assets" / "explore.js").read_bytes(), 9))
    print(f"explore.js: {size} bytes gzip")
    assert size <= JS_BUDGET


def test_on_a_phone_the_stacked_background_maps_to_the_same_answer(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, reduced_motion="reduce")
    page = context.new_page()
    page.goto(base_url + "/")
    w = widget(page, "learning_rate_explore")
    assert w.get_attribute("data-layout") == "phone"
    assert w.locator("img.explore-bg").get_attribute("src").endswith(".phone.webp")
    ax = saved("learning_rate_explore")["phone"]["axes"][0]
    rates = explore_descent.learning_rates()
    slider = w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    x, y = data.seven_points()
    core = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y), explore_descent.GD_START,
                         optim.SGD(lr=float(rates[0])), explore_descent.SWEEP_STEPS)
    path = to_data(ax, w.locator("polyline.x-descent").get_attribute("points"))
    np.testing.assert_allclose(path, core, atol=float(pixel(ax).max()))
    # every control a finger uses is at least 44 px tall
    for control in w.locator("input, button").all():
        assert control.bounding_box()["height"] >= 44
    context.close()


def test_play_and_pause_from_the_keyboard(chapter):
    page, errors = chapter
    w = widget(page, "opt1a_explore")
    play, slider = w.locator("button"), w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    play.focus()
    page.keyboard.press("Enter")  # a reader's own request plays, reduced motion or not
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("s => +s.value > 5", arg=slider.element_handle(), timeout=5000)
    page.keyboard.press("Enter")
    assert play.get_attribute("aria-pressed") == "false"
    paused_at = slider.input_value()
    page.wait_for_timeout(400)
    assert slider.input_value() == paused_at
    assert paused_at in w.locator(".explore-readout").inner_text()  # the step, stated in text
    assert not errors


def test_the_korean_page_labels_its_controls_in_korean(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  reduced_motion="reduce")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + "/ko/")
    w = widget(page, "opt2a_explore")
    assert w.get_attribute("role") == "group" and w.get_attribute("aria-label")
    assert w.locator("button").inner_text() == "재생"
    assert "단계" in w.locator(".explore-controls").inner_text()
    w = widget(page, "overfitting_explore")
    before = drawn(w)
    w.locator('input[type="range"]').focus()
    page.keyboard.press("End")
    assert drawn(w) != before
    assert "차수 10" in w.locator(".explore-readout").inner_text()
    assert not errors
    context.close()


def test_the_dark_palette_gets_the_dark_backgrounds(browser, base_url):
    """Material's toggle (data-md-color-scheme) switches every widget's background to the
    drawing made for the dark page, and back; no widget stays a white card."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + "/")
    try:
        for name in NAMES:
            widget(page, name)
        sources = lambda: page.eval_on_selector_all(
            ".explore-widget .explore-bg", "els => els.map(e => e.getAttribute('src'))")
        light = sources()
        assert len(light) == len(NAMES) and not any(".dark." in s for s in light), light
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        page.wait_for_timeout(100)
        dark = sources()
        assert all(".dark." in s for s in dark), dark
        for src in dark:  # the files exist and load
            assert page.request.get(base_url + "/" + src.lstrip("./")).ok, src
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
        page.wait_for_timeout(100)
        assert sources() == light
    finally:
        context.close()


def test_race_head_dots_take_their_optimizers_colour(chapter):
    """Each optimizer's current-position dot is the colour of its path (and of its legend
    swatch): a role rule once drew all seven in the same colour."""
    page, _ = chapter
    w = widget(page, "opt2a_explore")
    colours = w.evaluate("""w => Array.from(w.querySelectorAll('polyline.x-path')).map(p => {
        const dot = w.querySelector('circle.x-head.' + Array.from(p.classList)
                                    .find(c => c.startsWith('x-') && c !== 'x-path'));
        return [p.dataset.name, getComputedStyle(p).stroke, dot && getComputedStyle(dot).fill];
    })""")
    assert len(colours) == 7
    for name, stroke, fill in colours:
        assert fill == stroke, (name, stroke, fill)
    assert len({fill for _, _, fill in colours}) == 7


def test_the_race_status_line_follows_the_playing_animation(chapter):
    """It read "Step 200 of 200" all through playback: it was only updated on stopping."""
    page, _ = chapter
    w = widget(page, "opt1a_explore")
    play, slider = w.locator("button"), w.locator('input[type="range"]')
    slider.focus()
    page.keyboard.press("Home")
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("s => +s.value > 5", arg=slider.element_handle(), timeout=5000)
    step, status, live = w.evaluate("""w => [w.querySelector('input[type=range]').value,
        w.querySelector('p.explore-readout').textContent,
        w.querySelector('p.explore-readout').getAttribute('aria-live')]""")
    page.keyboard.press("Enter")
    assert f"Step {step} of" in status, (step, status)
    assert live == "off"  # read once playback stops, not at every frame
    assert w.locator("p.explore-readout").get_attribute("aria-live") == "polite"
