"""Run inside the notebooks' kernel at start-up: every inline plot carries a description
of what it shows (titles, axis labels, legend) as output metadata, the site's alt text.
Imports nothing from ml4a_figs, so the kernel starts as fast as it would without it."""

from __future__ import annotations


def describe_figure(fig) -> str:
    """'Plot: <title>. <panel>: <y> against <x>; lines: <legend>.' from what is drawn."""
    def clean(text: str) -> str:
        return " ".join(text.replace("$", "").replace("\\", "").split())

    panels = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        title = clean(ax.get_title() or ax.get_title("left") or ax.get_title("right"))
        if ax.images and not (ax.get_xlabel() or ax.get_ylabel()):
            panels.append(f"image {title}".strip())
            continue
        desc = title
        x, y = clean(ax.get_xlabel()), clean(ax.get_ylabel())
        axes_text = f"{y} against {x}" if x and y else f"over {x}" if x else y
        if axes_text:
            desc += (": " if desc else "") + axes_text
        legend = ax.get_legend()
        if legend is not None:
            names = [clean(t.get_text()) for t in legend.get_texts()]
            desc += f"; {', '.join(n for n in names if n)}"
        if desc:
            panels.append(desc)
    # many small image panels (a row of digits) read better counted than listed
    images = [p for p in panels if p.startswith("image")]
    if len(images) > 3:
        labels = ", ".join(p[len("image "):] for p in images)
        panels = [p for p in panels if not p.startswith("image")]
        panels.append(f"{len(images)} images labelled {labels}")
    text = "Plot" + (f": {clean(fig.get_suptitle())}" if fig.get_suptitle() else "")
    return (text + "".join(f". {p}" for p in panels))[:500] + "."


def install_alt_text() -> None:
    """In the kernel: before each cell, make the PNG formatter of matplotlib figures
    return (png, {"alt": description}). `%matplotlib inline` registers its own
    formatter, so it is wrapped again whenever that happens."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    formatter = shell.display_formatter.formatters["image/png"]

    def wrap(*_):
        try:
            printer = formatter.lookup_by_type(Figure)
        except KeyError:
            return
        if getattr(printer, "with_alt", False):
            return

        def png_with_alt(fig):
            data = printer(fig)
            return None if data is None else (data, {"alt": describe_figure(fig)})

        png_with_alt.with_alt = True
        formatter.for_type(Figure, png_with_alt)

    shell.events.register("pre_run_cell", wrap)
    shell.events.register("post_run_cell", wrap)
