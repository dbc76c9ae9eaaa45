"""The optimizer races (opt2a, opt1a): the paths are the optimizers' real output,
the chapter's claims about them hold, and the animation helper writes what it says."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from ml4a_figs import style

from ml4a_figs.core import losses, optim
from ml4a_figs.figures import animation, races

BEALE_MIN = np.array(losses.BEALE.minima[0])
SADDLE_POINT = np.array(losses.SADDLE.saddles[0])
ADAPTIVE = ("AdaGrad", "AdaDelta", "RMSprop", "Adam")

RACES = {
    "opt2a": (races.beale_race, races.draw_beale_race, losses.BEALE),
    "opt1a": (races.saddle_race, races.draw_saddle_race, losses.SADDLE),
}


@pytest.fixture(scope="module")
def computed():
    return {name: compute() for name, (compute, _, _) in RACES.items()}


@pytest.fixture(scope="module")
def beale_paths(computed):
    return computed["opt2a"]["paths"]


@pytest.fixture(scope="module")
def saddle_paths(computed):
    return computed["opt1a"]["paths"]


# --- the data: descend()'s output for the stated settings --------------------------


@pytest.mark.parametrize("race", sorted(RACES))
def test_paths_are_descend_output_for_the_stated_settings(race, computed):
    compute, draw, surface = RACES[race]
    data = computed[race]
    settings = races.RACE_SETTINGS[race]
    assert list(settings) == list(style.OPTIMIZER_ORDER)  # all seven, in the usual order
    assert set(data["paths"]) == set(settings)
    steps = races.RACE_STEPS[race]
    drawn = draw(style.Theme(), **data)
    for name, kwargs in settings.items():
        expected = optim.descend(surface.grad, races.RACE_START[race],
                                 getattr(optim, name)(**kwargs), steps)
        assert expected.shape == (steps + 1, 2)
        assert np.array_equal(data["paths"][name], expected), name
        # and the animation draws exactly that array
        assert np.array_equal(drawn.paths[name], expected), name


def test_settings_state_every_hyperparameter():
    """What the module states is what ran: each optimizer's settings() match RACE_SETTINGS."""
    for race, settings in races.RACE_SETTINGS.items():
        for name, kwargs in settings.items():
            opt = getattr(optim, name)(**kwargs)
            assert opt.settings() == kwargs, (race, name)


# --- opt2a: Beale's function ------------------------------------------------------


def _dist(path, point):
    return np.linalg.norm(path - point, axis=-1)


def test_adaptive_methods_end_at_beales_minimum(beale_paths):
    for name in ADAPTIVE:
        assert _dist(beale_paths[name][-1], BEALE_MIN) < 0.1, name


def test_sgd_is_slow_on_beale(beale_paths):
    sgd = _dist(beale_paths["SGD"][-1], BEALE_MIN)
    for name in ADAPTIVE + ("Momentum", "Nesterov"):
        assert sgd > _dist(beale_paths[name][-1], BEALE_MIN), name
    assert sgd > 0.5  # still far away when the race ends
    # and it went the right way, just slowly: its loss only ever went down
    loss = losses.BEALE(beale_paths["SGD"][:, 0], beale_paths["SGD"][:, 1])
    assert np.all(np.diff(loss) <= 0)


def _valley_floor(x):
    """The y where Beale's function is lowest along the vertical line through x."""
    ys = np.linspace(-2.0, 2.0, 8001)
    return ys[np.argmin(losses.BEALE(np.asarray(x)[:, None], ys[None, :]), axis=1)]


@pytest.mark.parametrize("name", ["Momentum", "Nesterov"])
def test_momentum_methods_overshoot_the_valley_and_come_back(beale_paths, name):
    path = beale_paths[name]
    below = path[:, 1] - _valley_floor(path[:, 0])
    # they shoot across the valley floor, far up the opposite wall ...
    assert below.min() < -0.5
    # ... so the loss climbs back up on the way (it is not monotone) ...
    loss = losses.BEALE(path[:, 0], path[:, 1])
    assert (loss - np.minimum.accumulate(loss)).max() > 1.0
    # ... and they still come back and settle at the minimum
    assert _dist(path[-1], BEALE_MIN) < 0.1


def test_sgd_and_adagrad_stay_on_their_side_of_the_valley(beale_paths):
    """The overshoot test above is not true of every path: SGD and AdaGrad follow the floor."""
    for name in ("SGD", "AdaGrad"):
        path = beale_paths[name]
        assert (path[:, 1] - _valley_floor(path[:, 0])).min() > -0.1, name


# --- opt1a: the saddle ------------------------------------------------------------


def test_sgd_stalls_at_the_saddle_while_adaptive_methods_escape(saddle_paths):
    """Measured along y, the way off the ridge: SGD's plain distance from the start is
    not small, because it does roll 1.5 along x down to the saddle point."""
    start = np.array(races.RACE_START["opt1a"])
    assert start[1] != 0 and abs(start[1]) < 0.01  # on the ridge, just off it
    sgd = saddle_paths["SGD"]
    # SGD rolled down to the saddle point and is still there ...
    assert _dist(sgd[-1], SADDLE_POINT) < 0.1
    # ... while the others went downhill along y: SGD's move along y is tiny next to theirs
    sgd_escape = abs(sgd[-1, 1] - start[1])
    for name in ("Adam", "RMSprop", "AdaGrad", "AdaDelta"):
        escape = abs(saddle_paths[name][-1, 1] - start[1])
        assert sgd_escape < escape / 5, name
        assert _dist(saddle_paths[name][-1], SADDLE_POINT) > 1.0, name
    # and, as the issue words it, SGD's distance from the start is far smaller than
    # Adam's or RMSprop's (it is at most the 1.5 it rolls along x; theirs is 4 or more)
    for name in ("Adam", "RMSprop"):
        assert _dist(sgd[-1], start) < _dist(saddle_paths[name][-1], start) / 3, name
    # the momentum methods escape too, after overshooting the saddle along x
    for name in ("Momentum", "Nesterov"):
        path = saddle_paths[name]
        assert path[:, 0].max() > 0.2, name
        assert abs(path[-1, 1]) > 1.0, name


def test_saddle_escape_is_downhill(saddle_paths):
    for name in ADAPTIVE:
        path = saddle_paths[name]
        assert losses.SADDLE.at(path[-1]) < losses.SADDLE.at(path[0]) - 1.0, name


# --- the animation helper ---------------------------------------------------------


def _toy_race(**timing) -> animation.Race:
    """Seven straight paths on a bowl: small and fast to render."""
    steps = 20
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    paths = {}
    for i, name in enumerate(style.OPTIMIZER_ORDER):
        angle = 2 * np.pi * i / 7
        start = np.array([np.cos(angle), np.sin(angle)]) * 1.5
        paths[name] = start * (1 - t) ** (1 + i / 3)  # each ends at the origin, at its own pace
    X, Y = np.meshgrid(np.linspace(-2, 2, 50), np.linspace(-2, 2, 50))
    bg = animation.Background(X, Y, X**2 + Y**2, np.linspace(0.5, 8, 6),
                              marks=(animation.Mark(0.0, 0.0, "minimum"),))
    return animation.Race(style.Theme(), paths, bg, xlim=(-2, 2), ylim=(-2, 2),
                          layout=animation.Layout(plot_height=1.6, dpi=80),
                          timing=animation.Timing(frames=8, **timing))


def _save(race, fmt, tmp_path, name):
    path = tmp_path / name
    race.save(path, fmt)
    return path


def test_animated_webp_has_every_frame_and_loops(tmp_path):
    race = _toy_race(ease=1.5)
    path = _save(race, "webp", tmp_path, "a.webp")
    with Image.open(path) as im:
        assert im.format == "WEBP"
        assert im.n_frames == len(race.frame_steps()) == 8
        assert im.is_animated
        assert im.info["loop"] == 0  # forever
        durations = []
        for k in range(im.n_frames):
            im.seek(k)
            im.load()  # Pillow reads a WebP frame's timing when it decodes it
            durations.append(im.info["duration"])
    assert durations[-1] == race.timing.last_ms > race.timing.frame_ms  # a pause before looping
    assert durations[1] == race.timing.frame_ms


def test_poster_is_one_still_frame_of_the_finished_race(tmp_path):
    race = _toy_race()
    path = _save(race, "poster.webp", tmp_path, "p.webp")
    with Image.open(path) as im:
        assert im.format == "WEBP"
        assert getattr(im, "n_frames", 1) == 1
        poster = np.asarray(im.convert("RGB"), dtype=int)
    # it is the last frame (lossy, so nearly equal), not the first
    last, first = (np.asarray(f, dtype=int) for f in (race.frames()[-1], race.frames()[0]))
    assert np.abs(poster - last).mean() < 3
    assert np.abs(poster - first).mean() > np.abs(poster - last).mean() + 0.2


@pytest.mark.parametrize("fmt", ["webp", "poster.webp"])
def test_same_race_same_bytes(tmp_path, fmt):
    race = _toy_race(ease=1.3)
    a = _save(race, fmt, tmp_path, "a").read_bytes()
    b = _save(race, fmt, tmp_path, "b").read_bytes()
    c = _save(_toy_race(ease=1.3), fmt, tmp_path, "c").read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest() == hashlib.sha256(c).digest()


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        _toy_race().save(tmp_path / "x.gif", "gif")


def test_heads_are_drawn_where_the_paths_are(tmp_path):
    """Each frame puts every optimizer's dot at its path's point for that frame's step."""
    race = _toy_race(ease=1.5)
    steps = race.frame_steps()
    frames = race.frames()
    assert len(frames) == len(steps)
    k = len(steps) // 2
    frame = np.asarray(frames[k], dtype=int)
    for name in ("SGD", "Momentum", "AdaDelta"):
        x, y = race.paths[name][steps[k]]
        px, py = race.data_to_pixel(x, y)
        hex_colour = race.theme.color(name)
        colour = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])
        patch = frame[int(py) - 1:int(py) + 2, int(px) - 1:int(px) + 2]
        assert np.abs(patch - colour).sum(axis=-1).min() < 40, name


def test_frame_steps_run_from_first_to_last_step():
    for n_steps, n_frames, ease in [(300, 50, 1.5), (200, 50, 1.3), (300, 50, 1.0), (10, 50, 2.0)]:
        s = animation.frame_steps(n_steps, n_frames, ease)
        assert s[0] == 0 and s[-1] == n_steps
        assert np.all(np.diff(s) > 0)
        assert len(s) == min(n_frames, n_steps + 1)
    with pytest.raises(ValueError):
        animation.frame_steps(10, 1)


# --- the real animations: size and shape -------------------------------------------


@pytest.mark.parametrize("race", sorted(RACES))
def test_real_animation_fits_the_page_budget(race, computed, tmp_path):
    compute, draw, _ = RACES[race]
    drawn = draw(style.Theme(), **computed[race])
    anim = _save(drawn, "webp", tmp_path, f"{race}.webp")
    poster = _save(drawn, "poster.webp", tmp_path, f"{race}.poster.webp")
    assert anim.stat().st_size <= 200_000
    assert poster.stat().st_size <= 50_000
    with Image.open(anim) as im:
        # shown at 4/3 CSS px per point (site/pages.py): about 525 CSS px, so 2x
        # that for sharp screens, and at most 5.5 in wide so its text stays >= 9 px
        # on a phone (style.PHONE_WIDTH_IN)
        css_width = im.size[0] / drawn.dpi * 96
        assert 2 * css_width <= im.size[0] <= 2.1 * css_width
        assert im.size[0] / drawn.dpi <= 5.5
        assert im.n_frames == len(drawn.frame_steps()) >= 40
        im.seek(im.n_frames - 1)
        last = im.convert("RGB")
    with Image.open(poster) as im:
        assert im.size == last.size
