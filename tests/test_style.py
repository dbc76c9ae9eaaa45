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


def test_a_theme_holds_its_palette_and_layout_and_rejects_unknown_names():
    look = style.Theme("dark", "phone")
    assert look.ink() == style.INK["dark"] and look.phone
    assert look.line("RMSprop")["color"] == style.PALETTES["dark"]["RMSprop"]
    assert style.Theme().ink() == style.INK["light"] and not style.Theme().phone
    with pytest.raises(ValueError, match="unknown theme"):
        style.Theme("sepia")


def test_phone_panels_stack():
    phone, wide = style.Theme("light", "phone"), style.Theme()
    assert phone.panels(3) == (3, 1) and wide.panels(3) == (1, 3)
    assert phone.panel_figure(3, 7.6, 3.0).get_figwidth() == style.PHONE_WIDTH_IN
    assert wide.panel_figure(3, 7.6, 3.0).get_figwidth() == 7.6


def test_no_two_concepts_collide_in_either_palette():
    for palette in style.THEMES:
        look = style.Theme(palette)
        for a, b in itertools.combinations(style.CONCEPTS, 2):
            assert look.color(a) != look.color(b), (palette, a, b)


def test_contributor_docs_list_every_concept_colour():
    readme = (SITE_CSS.parent.parent.parent / "README.md").read_text(encoding="utf-8")
    for concept, (light, dash, _) in style.CONCEPTS.items():
        row = f"| {concept} | `{light}` | `{style.PALETTES['dark'][concept]}` | `{dash}` |"
        assert row in readme, f"README.md's colour table lacks or misstates {concept}: {row}"


def test_importing_style_leaves_a_notebooks_matplotlib_settings_alone():
    """A reader's notebook imports ml4a_figs.style (and the figures): its backend and
    rcParams stay its own; the chapter's look is applied only inside a style context of
    theme.rc() (as the build does) or by style.use."""
    import subprocess
    import sys

    code = (
        "import json, matplotlib\n"
        "matplotlib.use('svg')\n"
        "matplotlib.rcParams.update({'font.size': 7.5, 'lines.linewidth': 0.3})\n"
        "before = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "import ml4a_figs.style as style, ml4a_figs.figures.gradient_descent\n"
        "after = {k: repr(v) for k, v in matplotlib.rcParams.items()}\n"
        "import matplotlib.style\n"
        "with matplotlib.style.context(style.Theme('dark', 'phone').rc()):\n"
        "    inside = (matplotlib.rcParams['font.size'], matplotlib.rcParams['svg.fonttype'],\n"
        "              matplotlib.rcParams['axes.facecolor'])\n"
        "restored = {k: repr(v) for k, v in matplotlib.rcParams.items()} == before\n"
        "print(json.dumps([matplotlib.get_backend(), sorted(k for k in before if before[k] != after[k]),\n"
        "                  inside, restored]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    backend, changed, inside, restored = __import__("json").loads(proc.stdout.splitlines()[-1])
    assert backend == "svg", "importing ml4a_figs.style switched the notebook's backend"
    assert changed == [], f"importing ml4a_figs.style changed rcParams {changed}"
    assert inside == [11, "none", style.DARK_PAPER]
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


def test_style_keeps_no_state_a_drawing_could_read():
    """The theme is a value handed to draw (issue 21): style.py rebinds no global, answers
    no attribute from a hidden current theme, and holds no Theme of its own."""
    import ast

    tree = ast.parse(Path(style.__file__).read_text(encoding="utf-8"))
    rebinding = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal))]
    assert not rebinding, f"style.py rebinds module state at lines {rebinding}"
    assert "__getattr__" not in vars(style), "style answers names from a hidden theme"
    held = [name for name, value in vars(style).items() if isinstance(value, style.Theme)]
    assert not held, f"style.py holds a theme of its own: {held}"
    for name in ("BLACK", "GREY", "DATA", "current", "layout", "OPTIMIZER_STYLE", "drawing"):
        assert not hasattr(style, name), f"style.{name} depends on a theme; read it from one"


def test_two_themes_drawn_side_by_side_keep_their_own_colours_and_layout():
    """The same figure drawn in the four themes at once, on four threads, over and over:
    each drawing has its own theme's colours and panels, whatever the others draw."""
    from concurrent.futures import ThreadPoolExecutor

    from matplotlib.colors import to_hex

    from ml4a_figs.figures import linear_regression

    arrays = linear_regression.candidate_fits()
    looks = [style.Theme(p, l) for p in style.THEMES for l in style.LAYOUTS] * 6

    def seen(look):
        fig = linear_regression.draw_candidates(look, **arrays)
        return ({to_hex(line.get_color()) for ax in fig.axes for line in ax.lines},
                {to_hex(c) for ax in fig.axes for coll in ax.collections for c in coll.get_facecolor()},
                {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes})

    with ThreadPoolExecutor(4) as pool:
        for look, (lines, points, grid) in zip(looks, pool.map(seen, looks)):
            assert lines == {to_hex(look.color("fit"))}, look
            assert points == {to_hex(look.color("data"))}, look
            assert grid == {look.panels(len(arrays["lines"]))}, look
