"""Where a figure's annotations collide: matplotlib knows every text's box and every
line's path in display coordinates once the figure is drawn, so a collision is a
fact to read off, not a judgement of the eye.

An annotation is a text placed by hand: `ax.text`, `ax.annotate`, `fig.text`. Each
must stay clear of the lines drawn in any axes (its own arrow aside), of every other
text (titles, tick labels, legend entries, other annotations) and of the other panels.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.transforms import Bbox

PAD_PX = 1.0  # a text box may touch, not cross


def _label(text: Text) -> str:
    return repr(text.get_text().replace("\n", " "))


def annotations(fig) -> list[Text]:
    """The texts placed by hand in the figure (empty ones aside)."""
    found = [t for t in fig.texts if t.get_text().strip() and t.get_visible()]
    for ax in fig.axes:
        found += [t for t in ax.texts if t.get_text().strip() and t.get_visible()]
    return found


def _other_texts(fig) -> list[Text]:
    """Titles, axis and tick labels, legend entries: the texts layout placed."""
    out = []
    for ax in fig.axes:
        out += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        if ax.axison:  # an axes drawn with axis("off") shows no tick labels
            for axis in (ax.xaxis, ax.yaxis):
                out += [t for t in axis.get_ticklabels() if t.get_visible()]
        if ax.get_legend():
            out += ax.get_legend().get_texts()
    for legend in fig.legends:
        out += legend.get_texts()
    for attr in ("_suptitle", "_supxlabel", "_supylabel"):
        if getattr(fig, attr, None) is not None:
            out.append(getattr(fig, attr))
    return [t for t in out if t.get_visible() and t.get_text().strip()]


def _box(text: Text, renderer) -> Bbox:
    # the words alone: an Annotation's own extent includes its arrow, which points at
    # what it names and so touches it by design
    box = Text.get_window_extent(text, renderer)
    return Bbox.from_extents(box.x0 + PAD_PX, box.y0 + PAD_PX, box.x1 - PAD_PX, box.y1 - PAD_PX)


def _crosses(line: Line2D, box: Bbox) -> bool:
    """Whether the drawn line (its segments, or its markers) passes through the box."""
    path = line.get_transform().transform_path(line.get_path())
    if line.get_linestyle() not in ("None", "none", "", " ") and len(path.vertices) > 1:
        clip = line.axes.bbox if line.axes is not None and line.get_clip_on() else None
        target = box if clip is None else Bbox.intersection(box, clip)
        if target is not None and path.intersects_bbox(target, filled=False):
            return True
    if line.get_marker() not in (None, "None", "none", ""):
        r = line.get_markersize() / 2 * line.figure.dpi / 72
        grown = Bbox.from_extents(box.x0 - r, box.y0 - r, box.x1 + r, box.y1 + r)
        return bool(grown.count_contains(path.vertices))
    return False


def _masks(text: Text, line: Line2D) -> bool:
    """A text on an opaque box of the paper's colour, drawn above the line, hides the
    line where they meet: the line passes behind the words, never through them."""
    patch = text.get_bbox_patch()
    if patch is None or text.get_zorder() <= line.get_zorder():
        return False
    return patch.get_facecolor()[3] >= 0.85  # the box's alpha is in its face colour


def collisions(fig) -> list[str]:
    """Every collision of an annotation, described in words; empty when all is clear."""
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(): give it Agg's canvas
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    notes = annotations(fig)
    others = _other_texts(fig)
    problems = []
    for i, text in enumerate(notes):
        box = _box(text, renderer)
        if box.width <= 0 or box.height <= 0:
            continue
        own = text.axes
        for ax in fig.axes:
            for line in ax.lines:
                if line.get_visible() and not _masks(text, line) and _crosses(line, box):
                    what = line.get_label() if not line.get_label().startswith("_") else "a line"
                    problems.append(f"text {_label(text)} is crossed by {what} "
                                    f"(colour {line.get_color()})")
            if ax is not own and ax.get_visible() and own is not None \
                    and box.overlaps(ax.get_window_extent(renderer)):
                problems.append(f"text {_label(text)} runs into another panel")
        for other in notes[i + 1:] + others:
            if other is text:
                continue
            if box.overlaps(_box(other, renderer)):
                problems.append(f"text {_label(text)} overlaps text {_label(other)}")
    return problems
