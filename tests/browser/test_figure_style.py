"""Figures as a reader sees them, on the English and the Korean chapter:

- on a 390 px phone, every figure's smallest text is at least 9 CSS px (SVG: the
  font sizes in the file shown scaled to the picture's rendered width; WebP: the
  font size the build recorded for that drawing, scaled the same way);
- under the palette toggle's dark scheme each figure shows its dark drawing, whose
  mean luminance over the page is low (no white card); printing shows the light one;
- every display formula fits the phone's column (none is wider than 1.3 screens);
- the data table stands beside its scatterplot on the desktop, above it on a phone.
Screenshots to look at are `make screenshots` (tests/browser/screenshots.py)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest

from . import checks
from .checks import ROOT

pytestmark = pytest.mark.browser

PHONE = (390, 844)
DESKTOP = (1280, 900)
MIN_TEXT_PX = 9.0
MAX_DARK_LUMINANCE = 0.30
MAX_FORMULA_SCREENS = 1.3
FIGURES = ROOT / "figures"

# every visible figure <img>: which file it shows and how wide it is drawn
_SHOWN_JS = """
() => Array.from(document.querySelectorAll('img[src*="figures/"]'))
  .filter(img => getComputedStyle(img).display !== 'none' && img.getClientRects().length)
  .map(img => ({src: img.getAttribute('src'), current: img.currentSrc,
                width: img.getBoundingClientRect().width, loaded: img.naturalWidth > 0}))
"""

# mean WCAG luminance of each visible figure, drawn over the page's background colour
_LUMINANCE_JS = """
async () => {
  const bg = getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number);
  const lin = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const out = [];
  for (const img of Array.from(document.querySelectorAll('img[src*="figures/"]'))) {
    if (getComputedStyle(img).display === 'none' || !img.getClientRects().length) continue;
    if (!img.complete || !img.naturalWidth) await img.decode().catch(() => null);
    const w = 200, h = Math.max(1, Math.round(200 * img.naturalHeight / img.naturalWidth));
    const canvas = Object.assign(document.createElement('canvas'), {width: w, height: h});
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = `rgb(${bg[0]}, ${bg[1]}, ${bg[2]})`;
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(img, 0, 0, w, h);
    const px = ctx.getImageData(0, 0, w, h).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4)
      sum += 0.2126 * lin(px[i]) + 0.7152 * lin(px[i + 1]) + 0.0722 * lin(px[i + 2]);
    out.push({src: img.getAttribute('src'), current: img.currentSrc, luminance: sum / (w * h)});
  }
  return out;
}
"""

_FORMULAS_JS = """
() => Array.from(document.querySelectorAll('.katex-display')).map(el => ({
  tex: (el.querySelector('annotation') || {}).textContent || '',
  width: el.scrollWidth, box: el.clientWidth}))
"""


def _file_of(url: str) -> str:
    return urlparse(url).path.rsplit("/", 1)[-1]


def _name_and_layout(file: str) -> tuple[str, str]:
    stem = file.split(".")[0]
    return stem, ("phone" if ".phone." in file else "wide")


def _svg_smallest_text(file: str) -> tuple[float, float]:
    """(smallest font size, width of the drawing), both in the SVG's own units."""
    svg = (FIGURES / file).read_text(encoding="utf-8")
    sizes = [float(s) for s in re.findall(r"font(?:-size)?:\s*(?:[a-z]+\s+)*([0-9.]+)px", svg)]
    width = float(re.search(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+) ', svg).group(1))
    return (min(sizes) if sizes else 0.0), width


def _stamp_text(name: str, layout: str) -> tuple[float, float]:
    stamp = json.loads((FIGURES / ".stamps" / f"{name}.json").read_text(encoding="utf-8"))
    text = stamp["text"][layout]
    return text["smallest_pt"], text["width_pt"]


def _open(browser, base_url, p, viewport, scheme="light", mobile=False):
    return checks.open_visit(browser, checks.page_url(base_url, p.path), p.label, base_url,
                             viewport=viewport, color_scheme_pref=scheme, mobile=mobile,
                             all_images=True)


def _fail(problems, what):
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


def test_smallest_figure_text_on_a_phone(chapters, browser, base_url):
    problems, report = [], []
    for p in chapters:
        v = _open(browser, base_url, p, PHONE, mobile=True)
        try:
            shown = v.page.evaluate(_SHOWN_JS)
            assert len(shown) >= 15, f"{p.label}: only {len(shown)} figures shown"
            for img in shown:
                file = _file_of(img["current"])
                name, layout = _name_and_layout(file)
                if file.endswith(".svg"):
                    smallest, width = _svg_smallest_text(file)
                else:
                    smallest, width = _stamp_text(name, layout)
                if not smallest:
                    continue  # a picture without text (the header's map)
                px = smallest * img["width"] / width
                report.append((px, f"{p.lang} {file}"))
                if px < MIN_TEXT_PX:
                    problems.append(f"{p.label}: {file} shown {img['width']:.0f} px wide: its "
                                    f"smallest text ({smallest:g} of {width:g} units) is "
                                    f"{px:.1f} CSS px, under {MIN_TEXT_PX:g}")
        finally:
            v.context.close()
    print("\nsmallest figure text at 390 px:",
          ", ".join(f"{label} {px:.1f}" for px, label in sorted(report)[:6]), "...")
    _fail(problems, "figures with text too small on a phone")


def test_dark_palette_shows_dark_figures_and_print_the_light_ones(chapters, browser, base_url,
                                                                   artifacts):
    problems, worst = [], []
    for p in chapters:
        v = _open(browser, base_url, p, DESKTOP)
        try:
            light = {x["src"]: x["luminance"] for x in v.page.evaluate(_LUMINANCE_JS)}
            found, scheme = checks.toggle_scheme(v.page, p.label)
            problems += found
            if scheme != "slate":
                continue
            checks.load_all_images(v.page)
            dark = v.page.evaluate(_LUMINANCE_JS)
            if len(dark) != len(light):
                problems.append(f"{p.label}: {len(light)} figures shown in light, "
                                f"{len(dark)} in dark")
            for x in dark:
                file = _file_of(x["current"])
                worst.append((x["luminance"], f"{p.lang} {file}"))
                if ".dark." not in file or not x["src"].endswith("#only-dark"):
                    problems.append(f"{p.label}: under the dark palette {file} is shown")
                elif x["luminance"] > MAX_DARK_LUMINANCE:
                    problems.append(f"{p.label}: {file} has a mean luminance of "
                                    f"{x['luminance']:.2f} on the dark page "
                                    f"(> {MAX_DARK_LUMINANCE})")
            v.page.emulate_media(media="print")
            printed = [_file_of(x["current"]) for x in v.page.evaluate(_SHOWN_JS)]
            dark_in_print = [f for f in printed if ".dark." in f]
            # paper shows every light picture but the screen-only ones (an explorable's
            # live widget and, where it has a print breakout, its static picture)
            for_print = v.page.evaluate(
                """() => Array.from(document.querySelectorAll('img[src$="#only-light"]'))
                         .filter(img => !img.closest('.screen-only')).length""")
            if dark_in_print or len(printed) != for_print:
                problems.append(f"{p.label}: printing under the dark palette shows "
                                f"{len(printed)} figures, {len(dark_in_print)} of them dark: "
                                f"{dark_in_print[:3]}")
        finally:
            v.context.close()
    worst.sort(reverse=True)
    print("\nbrightest dark-mode figures (mean luminance):",
          ", ".join(f"{label} {lum:.2f}" for lum, label in worst[:5]))
    _fail(problems, "dark-mode figure problems")


def test_display_formulas_fit_a_phone(chapters, browser, base_url):
    problems, widest = [], []
    for p in chapters:
        v = _open(browser, base_url, p, PHONE, mobile=True)
        try:
            formulas = v.page.evaluate(_FORMULAS_JS)
            assert formulas, f"{p.label}: no display formula found"
            for f in formulas:
                screens = f["width"] / PHONE[0]
                widest.append((screens, f"{p.lang} {f['tex'][:40]!r}"))
                if screens > MAX_FORMULA_SCREENS:
                    problems.append(f"{p.label}: formula {f['tex'][:60]!r} is {f['width']} px "
                                    f"wide, {screens:.2f} screens of {PHONE[0]} px")
                elif f["width"] > f["box"] + 1:
                    # within the limit, but scrolling: break it into aligned lines
                    problems.append(f"{p.label}: formula {f['tex'][:60]!r} is {f['width']} px "
                                    f"wide in a {f['box']} px column")
        finally:
            v.context.close()
    widest.sort(reverse=True)
    print("\nwidest display formulas (screens of 390 px):",
          ", ".join(f"{label} {s:.2f}" for s, label in widest[:4]))
    _fail(problems, "display formulas too wide for a phone")


def test_data_table_beside_its_scatterplot_on_desktop_above_it_on_a_phone(chapters, browser,
                                                                          base_url):
    problems = []
    js = """() => { const box = document.querySelector('.table-beside-figure');
        if (!box) return null;
        const t = box.querySelector('table').getBoundingClientRect();
        const f = box.querySelector('figure').getBoundingClientRect();
        return {t: [t.left, t.right, t.top, t.bottom], f: [f.left, f.right, f.top, f.bottom]}; }"""
    for p in chapters:
        for viewport, mobile in ((DESKTOP, False), (PHONE, True)):
            v = _open(browser, base_url, p, viewport, mobile=mobile)
            try:
                box = v.page.evaluate(js)
                if box is None:
                    problems.append(f"{p.label}: no .table-beside-figure")
                    continue
                (tl, tr, tt, tb), (fl, fr, ft, fb) = box["t"], box["f"]
                beside = tr <= fl and tt < fb and ft < tb
                above = tb <= ft
                if mobile and not above:
                    problems.append(f"{p.label} at {viewport[0]} px: table not above the figure")
                if not mobile and not beside:
                    problems.append(f"{p.label} at {viewport[0]} px: table not beside the figure")
            finally:
                v.context.close()
    _fail(problems, "table layout problems")


def test_language_menu_lands_on_the_section_being_read(chapters, browser, base_url):
    problems = []
    by_lang = {p.lang: p for p in chapters}
    for here, there in (("en", "ko"), ("ko", "en")):
        if here not in by_lang or there not in by_lang:
            continue
        p = by_lang[here]
        v = checks.open_visit(browser, checks.page_url(base_url, p.path), p.label, base_url,
                              viewport=DESKTOP)
        try:
            for section in ("n-dimensional-space-is-a-lonely-place", "overfitting"):
                v.page.goto(checks.page_url(base_url, p.path), wait_until="load")
                v.page.evaluate(f"window.scrollTo(0, document.getElementById('{section}')"
                                ".getBoundingClientRect().top + window.scrollY - 10)")
                with v.page.expect_navigation():
                    v.page.evaluate(f"document.querySelector('a.md-select__link[hreflang="
                                    f"\"{there}\"]').click()")
                url = urlparse(v.page.url)
                lang = v.page.evaluate("document.documentElement.lang")
                top = v.page.evaluate(f"(document.getElementById('{section}') || "
                                      "{getBoundingClientRect: () => ({top: 1e9})})"
                                      ".getBoundingClientRect().top")
                if url.fragment != section or lang != there or not -5 <= top <= 120:
                    problems.append(f"{p.label}: reading #{section}, the {there} link led to "
                                    f"{v.page.url} (lang {lang!r}, heading at {top:.0f} px)")
        finally:
            v.context.close()
    _fail(problems, "language-menu problems")
