"""The explorable figures' data: every state is the training core's answer, the
sweeps span what their captions say, the cache follows the code each one uses,
and the page marker expands (or fails) as documented."""

from __future__ import annotations

import json

import numpy as np
import pytest
from mkdocs.exceptions import PluginError

from conftest import FIGURES, ROOT
from ml4a_figs.core import data, losses, optim
from ml4a_figs.site import pages
from ml4a_figs.figures import explore_descent, explore_fits, explore_races, races
from ml4a_figs.figures.registry import scan
from ml4a_figs.pipeline.keys import reachable_code


def explorable(name: str) -> dict:
    return json.loads((FIGURES / f"{name}.explore.json").read_text(encoding="utf-8"))


def flat_path(flat) -> np.ndarray:
    return np.array(flat, dtype=float).reshape(-1, 2)


@pytest.mark.parametrize("name", ["opt2a", "opt1a"])
@pytest.mark.parametrize("scale_index", [0, 1, 2])
def test_race_paths_are_the_optimizers_at_each_learning_rate_scale(name, scale_index):
    saved = explorable(f"{name}_explore")
    scale = saved["scales"][scale_index]
    surface = explore_races.RACE_LOOK[name]["surface"]
    for opt, kwargs in races.RACE_SETTINGS[name].items():
        expected = optim.descend(surface.grad, races.RACE_START[name],
                                 getattr(optim, opt)(**{**kwargs, "lr": kwargs["lr"] * scale}),
                                 races.RACE_STEPS[name])
        drawn = flat_path(saved["runs"][scale_index][opt]["path"])
        assert len(drawn) <= len(expected)
        np.testing.assert_allclose(drawn, expected[: len(drawn)], atol=2e-3,
                                   err_msg=f"{name} {opt} ×{scale}")


def test_race_arrival_steps_and_scales():
    saved = explorable("opt2a_explore")
    assert saved["scales"] == [0.5, 1.0, 2.0]
    runs = saved["runs"][saved["scale"]]
    # the ×1 race as races.py describes it: SGD never arrives, the adaptive methods do
    assert runs["SGD"]["arrive"] is None
    for opt in ("AdaGrad", "AdaDelta", "RMSprop", "Adam"):
        step = runs[opt]["arrive"]
        path = flat_path(runs[opt]["path"])
        assert step is not None
        assert np.hypot(*(path[step] - (3.0, 0.5))) < explore_races.ARRIVAL_RADIUS
        assert np.hypot(*(path[step - 1] - (3.0, 0.5))) >= explore_races.ARRIVAL_RADIUS - 2e-3
    # at the saddle, SGD stays on it; the adaptive methods leave downhill
    saddle = explorable("opt1a_explore")["runs"][1]
    assert saddle["SGD"]["arrive"] is None and saddle["Adam"]["arrive"] is not None


def test_learning_rates_run_from_too_small_to_diverging():
    x, y = data.seven_points()
    rates = explore_descent.learning_rates()
    assert len(rates) == 12
    np.testing.assert_allclose(np.diff(np.log(rates)), np.log(rates[1] / rates[0]))
    limit = explore_descent.divergence_limit(x)
    assert rates[0] < limit / 100 < limit < rates[-1]
    saved = explorable("learning_rate_explore")
    assert [c["n"] for c in saved["controls"]] == [12]
    best = losses.mse(*losses.least_squares(x, y), x, y)
    first, last = saved["states"][0], saved["states"][-1]
    assert float(first["vals"]["loss"]) > 10 * best  # too small: far from the bottom
    assert last["vals"]["diverged"] and not first["vals"]["diverged"]
    # what the page draws for the smallest rate is plain descent at that rate
    expected = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y),
                             explore_descent.GD_START, optim.SGD(lr=float(rates[0])),
                             explore_descent.SWEEP_STEPS)
    np.testing.assert_allclose(flat_path(first["shapes"][0]["p"]), expected, atol=2e-3)


def test_momentum_sweep_starts_at_plain_descent():
    saved = explorable("momentum_explore")
    labels = saved["controls"][0]["labels"]
    assert labels[0] == "0" and len(labels) == len(explore_descent.MOMENTUM_BETAS)
    x, y = data.seven_points()
    plain = optim.descend(lambda p: losses.mse_grad(p[0], p[1], x, y), explore_descent.GD_START,
                          optim.SGD(lr=explore_descent.MOMENTUM_LR), explore_descent.SWEEP_STEPS)
    np.testing.assert_allclose(flat_path(saved["states"][0]["shapes"][0]["p"]), plain, atol=2e-3)


def test_line_fit_states_are_the_mse_of_each_line():
    saved = explorable("line_fit_explore")
    grid = explore_fits.line_grid()
    x, y = data.seven_points()
    (cm, cb) = saved["controls"]
    # it opens on the chapter's example line, the one the caption names
    assert (cm["labels"][cm["default"]], cb["labels"][cb["default"]]) == ("-0.11", "2.50")
    for i, m in enumerate(grid["slopes"]):
        for j, b in enumerate(grid["intercepts"]):
            state = saved["states"][i * cb["n"] + j]
            assert state["vals"]["mse"] == f"{losses.mse(m, b, x, y):#.3g}"
            dot = state["shapes"][-1]["p"]
            assert dot[0] == pytest.approx(m, abs=2e-3)
            assert dot[1] == pytest.approx(float(losses.mse(m, b, x, y)), abs=2e-3)
            # the error axes reach every state: no dot or bar is off the chart
            for ax in (1, 2):
                lo, hi = saved["axes"][ax]["y"]
                assert lo < float(losses.mse(m, b, x, y)) < hi


def test_held_out_error_turns_up_with_the_degree():
    fits = explore_fits.degree_fits()
    held, train = fits["held"], fits["train"]
    turn = int(np.argmin(held))
    assert 0 < turn < len(held) - 1
    assert held[-1] > 3 * held[turn]  # the degree-10 fit generalises worst of the two
    assert train[-1] < 1e-12  # it passes through every training point
    assert explorable("overfitting_explore")["best"] == explore_fits.DEGREES[turn]


def test_background_canvas_matches_the_recorded_boxes():
    for name, fig in scan().items():
        if "explore.json" not in fig.formats:
            continue
        saved = explorable(name)
        layouts = [("", saved)] + ([("phone.", saved["phone"])] if "phone" in saved else [])
        assert any(f.startswith("phone.") for f in fig.formats) == ("phone" in saved), name
        for variant, layout in layouts:
            width, height = layout["size"]
            assert len(layout["axes"]) == len(saved["axes"]), name
            for ax in layout["axes"]:
                x0, y0, x1, y1 = ax["box"]
                assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, name
            if f"{variant}svg" in fig.formats:
                svg = (FIGURES / f"{name}.{variant}svg").read_text(encoding="utf-8")
                assert f'viewBox="0 0 {width:g} ' in svg, (name, variant)


def test_an_optimizer_edit_reaches_exactly_the_data_that_uses_it():
    registry = scan()

    def files(name):
        fig = registry[name]
        found = set()
        for func in (fig.compute, fig.draw):
            found |= reachable_code(fig.path, func)[1]
        return {p.name for p in found}

    for name in ("opt2a_explore", "opt1a_explore", "learning_rate_explore", "momentum_explore"):
        assert "optim.py" in files(name), name
    for name in ("line_fit_explore", "overfitting_explore"):
        assert "optim.py" not in files(name), name
        assert "losses.py" in files(name) or "data.py" in files(name)


def _project():
    from ml4a_figs.i18n import project

    return project(ROOT)


def test_the_marker_expands_in_the_page_language(tmp_path):
    md = "Text\n\n![Alt text](explore:opt2a_explore)\n"
    registry = scan()
    proj = _project()
    html = pages.expand(md, strings=proj.strings("ko")["explore"], figures_dir=FIGURES, registry=registry, up="../",
                               where=lambda s: "index.md:3")
    assert "![Alt text](figure:opt2a)" in html  # the static figure, for no-JS readers
    assert "![](figure:opt2a_steps)" in html and 'class="explore-print print-only"' in html
    assert 'class="explore-widget screen-only" hidden' in html
    assert "재생" in html and 'data-explore="../figures/opt2a_explore.explore.json"' in html
    english = pages.expand(md, strings=proj.strings("en")["explore"], figures_dir=FIGURES, registry=registry, up="",
                                  where=lambda s: "index.md:3")
    assert "Play" in english and "재생" not in english


def test_an_unknown_explorable_names_the_line():
    with pytest.raises(PluginError, match=r"index.md:7: unknown explorable .*nope"):
        pages.expand("![](explore:nope)", strings=_project().strings("en")["explore"], figures_dir=FIGURES,
                            registry=scan(), up="", where=lambda s: "index.md:7")


def test_every_language_has_every_string_of_every_explorable():
    """docs/<lang>/language.yml's explore: has the English parts and keys (a key a
    translation lacks falls back to English, but none of ours is missing)."""
    proj = _project()
    english = proj.strings("en")["explore"]
    for lang in proj.languages:
        own = proj.strings(lang.code)["explore"]
        for part, strings in english.items():
            assert set(own.get(part, {})) == set(strings), (lang.code, part)
        assert proj.defines(lang.code, "explore"), lang.code
    figures = {explorable(n)["figure"] for n, f in scan().items() if "explore.json" in f.formats}
    assert figures <= set(english)
