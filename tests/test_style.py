"""The one visual language: every concept its own colour (and dash) in both palettes,
readable on its page, and the page's CSS custom properties equal to style.py's."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from ml4a_figs import style

SITE_CSS = Path(__file__).resolve().parent.parent / "docs" / "assets" / "site.css"
BEGIN, END = "/* ml4a concept colours: begin */\n", "/* ml4a concept colours: end */"


@pytest.mark.parametrize("theme", style.THEMES)
def test_every_concept_has_a_colour_and_dash_of_its_own(theme):
    styles = [(style.PALETTES[theme][c].lower(), dash) for c, (_, dash, _) in style.CONCEPTS.items()]
    assert len(set(styles)) == len(styles)
    colours = [colour for colour, _ in styles]
    assert len(set(colours)) == len(colours), "two concepts share a colour"


def test_optimizers_and_batch_modes_never_share_a_colour():
    """The issue's examples: black was batch and SGD, vermilion stochastic and Nesterov,
    blue mini-batch and RMSprop."""
    for theme in style.THEMES:
        optimizers = {style.PALETTES[theme][name] for name in style.OPTIMIZER_ORDER}
        modes = {style.PALETTES[theme][name] for name in ("batch", "mini-batch", "stochastic")}
        assert not optimizers & modes


@pytest.mark.parametrize("theme,paper,least", [("light", style.LIGHT_PAPER, 2.4),
                                               ("dark", style.DARK_PAPER, 4.5)])
def test_concept_colours_stand_out_from_their_page(theme, paper, least):
    # light: Okabe-Ito's sky blue and orange are 2.4:1 and 2.1:1 on white, kept for
    # their recognisability and drawn as thick lines; dark: all 4.5:1 or more
    weak = {c: round(style.contrast(col, paper), 2) for c, col in style.PALETTES[theme].items()
            if style.contrast(col, paper) < least}
    assert set(weak) <= ({"Momentum", "AdaGrad"} if theme == "light" else set()), weak


def test_dark_palette_keeps_each_hue():
    import colorsys

    for concept, (light, _, _) in style.CONCEPTS.items():
        dark = style.PALETTES["dark"][concept]
        if concept in ("SGD",) or concept in style.DARK_OVERRIDES:
            continue
        h1, _, s1 = colorsys.rgb_to_hls(*(int(light[i:i + 2], 16) / 255 for i in (1, 3, 5)))
        h2, _, s2 = colorsys.rgb_to_hls(*(int(dark[i:i + 2], 16) / 255 for i in (1, 3, 5)))
        assert abs(h1 - h2) < 0.02 or s1 < 0.05, concept


def test_site_css_carries_the_concept_colours_of_style_py():
    css = SITE_CSS.read_text(encoding="utf-8")
    assert BEGIN in css and END in css, f"{SITE_CSS}: the concept colour block is missing"
    block = css[css.index(BEGIN) + len(BEGIN):css.index(END)]
    assert block == style.css_custom_properties(), (
        "docs/assets/site.css is out of date: paste `python -m ml4a_figs.style` between "
        "its 'ml4a concept colours' markers")


def test_theme_restores_the_light_palette_and_rejects_unknown_names():
    with style.theme("dark", "phone"):
        assert style.BLACK == style.INK["dark"] and style.layout == "phone"
        assert style.OPTIMIZER_STYLE["RMSprop"]["color"] == style.PALETTES["dark"]["RMSprop"]
    assert style.BLACK == style.INK["light"] and style.layout == "wide"
    with pytest.raises(ValueError, match="unknown theme"):
        with style.theme("sepia"):
            pass


def test_phone_panels_stack():
    with style.theme("light", "phone"):
        assert style.panels(3) == (3, 1)
        assert style.panel_figure(3, 7.6, 3.0).get_figwidth() == style.PHONE_WIDTH_IN
    assert style.panels(3) == (1, 3)


def test_no_two_concepts_collide_in_any_pair_of_themes():
    for a, b in itertools.combinations(style.CONCEPTS, 2):
        assert style.color(a) != style.color(b)


def test_contributor_docs_list_every_concept_colour():
    readme = (SITE_CSS.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    for concept, (light, dash, _) in style.CONCEPTS.items():
        row = f"| {concept} | `{light}` | `{style.PALETTES['dark'][concept]}` | `{dash}` |"
        assert row in readme, f"README.md's colour table lacks or misstates {concept}: {row}"


def test_importing_style_leaves_a_notebooks_matplotlib_settings_alone():
    """A reader's notebook imports ml4a_figs.style (and the figures): its backend and
    rcParams stay its own; the chapter's look is applied only inside style.drawing."""
    import subprocess
    import sys

    code = (
        "import json, matplotlib\n"
        "matplotlib.use('svg')\n"
        "matplotlib.rcParams.update({'font.size': 7.5, 'lines.linewidth': 0.3})\n"
        "before = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "import ml4a_figs.style as style, ml4a_figs.figures.gradient_descent\n"
        "after = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "inside = None\n"
        "if hasattr(style, 'drawing'):\n"
        "    with style.drawing(style.Theme('dark', 'phone')):\n"
        "        inside = (matplotlib.rcParams['font.size'], matplotlib.rcParams['svg.fonttype'],\n"
        "                  matplotlib.rcParams['axes.facecolor'], style.layout)\n"
        "restored = {k: repr(v) for k, v in matplotlib.rcParams.items()} == before\n"
        "print(json.dumps([matplotlib.get_backend(), sorted(k for k in before if before[k] != after[k]),\n"
        "                  inside, restored]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    backend, changed, inside, restored = __import__("json").loads(proc.stdout.splitlines()[-1])
    assert backend == "svg", "importing ml4a_figs.style switched the notebook's backend"
    assert changed == [], f"importing ml4a_figs.style changed rcParams {changed}"
    assert inside == [11, "none", style.DARK_PAPER, "phone"]
    assert restored


def test_a_theme_is_a_frozen_value():
    import dataclasses

    look = style.Theme("dark", "phone", "ko")
    with pytest.raises(dataclasses.FrozenInstanceError):
        look.palette = "light"
    assert look.color("RMSprop") == style.PALETTES["dark"]["RMSprop"]
    assert look.rc()["savefig.facecolor"] == style.DARK_PAPER
    with pytest.raises(ValueError, match="unknown theme"):
        style.Theme("sepia")
