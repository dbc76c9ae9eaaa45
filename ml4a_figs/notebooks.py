"""Execute the chapter's notebooks at build time, cached like the figures.

The notebooks live in ONE place, `docs/notebooks/NAME.py`, as jupytext "percent"
scripts (diff-friendly text, no outputs in git). `run()` brings
`.cache/notebooks/NAME.ipynb` up to date: a notebook is executed again only when
its cache key changes, and its key is a hash of

- the notebook's text,
- every ml4a_figs module its code cells import, followed transitively
  (the same whole-file digests the figure registry uses: comments do not count),
- the versions of the libraries that compute and draw, and of the kernel stack,
- the execution settings below (kernel, environment, figure format).

Execution is strict: the first cell that raises stops the run, and the error
names the source file, the line where the cell starts, the cell's number and
first line, and the exception. Nothing is ever rendered from a notebook that
did not run to the end.

The MkDocs plugin calls `run()` before every build, publishes the executed
notebooks into every language build, and typesets the notebooks' math with the
same KaTeX renderer as the chapter (`typeset_notebook_html`).

    python -m ml4a_figs.notebooks [NAMES...] [--force] [--jobs N]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import html
import importlib.metadata
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .registry import (PACKAGE_DIR, _file_digest, _library_versions, _module_closure,
                       _module_file, _reachable_code)

ROOT = PACKAGE_DIR.parent
DEFAULT_SRC = ROOT / "docs" / "notebooks"
DEFAULT_CACHE = ROOT / ".cache" / "notebooks"

# Bump when the way notebooks are executed or written changes: every one re-runs.
CACHE_FORMAT = 1

KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # seconds; a notebook is meant to run in a few
# The kernel stack: a new version may change what a notebook shows.
KERNEL_LIBRARIES = ("ipykernel", "ipython", "matplotlib-inline", "nbclient", "nbformat", "jupytext")
# Inline figures as PNG at the figure's own dpi (style.py sizes figures for the column),
# each with a text description for its alt text (install_alt_text, below).
KERNEL_ARGUMENTS = (
    "--InlineBackend.figure_formats=png",
    "--IPKernelApp.exec_lines=__import__('ml4a_figs.notebooks').notebooks.install_alt_text()",
)
# A fixed environment, so outputs do not depend on who builds: same hash seed,
# one BLAS thread (sums in the same order; two kernels do not fight over 2 cores),
# UTC, UTF-8, and the package imported from this checkout.
FIXED_ENV = {
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TZ": "UTC",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on stderr
    "JUPYTER_PLATFORM_DIRS": "1",
}
# Taken from the caller, never part of the key: where programs and caches are.
PASSED_ENV = ("PATH", "HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME", "VIRTUAL_ENV")


class NotebookError(RuntimeError):
    """A notebook that cannot be read or did not run to the end."""


@dataclass
class Result:
    name: str
    status: str  # "executed", "cached" or "failed"
    seconds: float = 0.0
    error: str = ""
    output: Path | None = None


# --- finding and reading notebooks ---------------------------------------------


def discover(src_dir: Path = DEFAULT_SRC) -> dict[str, Path]:
    """Every notebook source under src_dir, by name (files starting with _ are helpers)."""
    return {p.stem: p for p in sorted(Path(src_dir).glob("[!_]*.py"))}


def read(path: Path):
    import jupytext

    try:
        return jupytext.read(path, fmt="py:percent")
    except Exception as exc:  # jupytext raises many kinds
        raise NotebookError(f"{_rel(path)}: not a readable jupytext percent notebook: {exc}") from None


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _python_source(cell_source: str) -> str:
    """A code cell as plain Python: IPython magics become function calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell_source)


def imported_files(nb, path: Path | None = None) -> set[Path]:
    """Every ml4a_figs source file the notebook's code cells import, transitively."""
    files: set[Path] = set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python_source(cell.source))
        except SyntaxError as exc:
            where = f"{_rel(path)}: " if path else ""
            raise NotebookError(f"{where}cell {index + 1} is not valid Python: {exc}") from None
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [_module_file(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [_module_file(f"{node.module}.{alias.name}") or _module_file(node.module)
                           for alias in node.names]
            else:
                continue
            for target in targets:
                if target:
                    _module_closure(target, files)
    if files:
        # importing any submodule runs the package's __init__ first
        _module_closure(PACKAGE_DIR / "__init__.py", files)
    return files


def _versions() -> dict[str, str]:
    versions = _library_versions()
    for lib in KERNEL_LIBRARIES:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "absent"
    return versions


def cache_key(path: Path, nb=None) -> str:
    nb = read(path) if nb is None else nb
    files = imported_files(nb, path)
    payload = {
        "format": CACHE_FORMAT,
        "text": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        "files": {str(p.relative_to(PACKAGE_DIR)): _file_digest(p) for p in sorted(files)},
        "libraries": _versions(),
        "kernel": [KERNEL_NAME, *KERNEL_ARGUMENTS],
        # the code the kernel runs at start-up (alt text for every figure)
        "startup": _reachable_code(Path(__file__), "install_alt_text")[0],
        "env": FIXED_ENV,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def dependencies(path: Path) -> list[str]:
    """The package files a notebook depends on, relative to the project (for reports)."""
    return sorted(str(p.relative_to(ROOT)) for p in imported_files(read(path), path))


# --- the cache ------------------------------------------------------------------


def _stamp_path(cache_dir: Path, name: str) -> Path:
    return Path(cache_dir) / f"{name}.json"


def output_path(cache_dir: Path, name: str) -> Path:
    return Path(cache_dir) / f"{name}.ipynb"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_fresh(name: str, key: str, cache_dir: Path) -> bool:
    out = output_path(cache_dir, name)
    try:
        stamp = json.loads(_stamp_path(cache_dir, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("key") == key and out.is_file() and stamp.get("sha256") == _sha256(out)


# --- execution --------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_MARKER = re.compile(r"^# %%")


def _cell_lines(path: Path, n_cells: int) -> list[int | None]:
    """The line of the source file where each cell's content starts (after its `# %%`)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    markers = [i + 2 for i, line in enumerate(lines) if CELL_MARKER.match(line)]
    if len(markers) == n_cells:
        return markers
    if len(markers) == n_cells - 1:  # a first cell without a marker, after the header
        first = 1
        if lines and lines[0].startswith("# ---"):
            first = next((i + 2 for i, line in enumerate(lines[1:], 1) if line.startswith("# ---")), 1)
        return [first, *markers]
    return [None] * n_cells


def _kernel_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update(FIXED_ENV)
    # the kernel imports the same ml4a_figs as the code that computed the key
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return "(empty)"


def execute(path: Path, out: Path) -> float:
    """Run every cell of the notebook at `path` in a fresh kernel; write it to `out`.

    Returns the seconds it took. Raises NotebookError naming the cell that failed.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    class Client(NotebookClient):
        current = -1

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            self.current = cell_index
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    start = time.perf_counter()
    nb = read(path)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index + 1}"  # stable ids: same notebook, same bytes
    client = Client(nb, kernel_name=KERNEL_NAME, timeout=CELL_TIMEOUT, allow_errors=False,
                    record_timing=False, coalesce_streams=True,
                    extra_arguments=list(KERNEL_ARGUMENTS),
                    resources={"metadata": {"path": str(ROOT)}})
    # the kernel's own log (warnings about its transport, a crash report) goes to a
    # file, and into the error message if the kernel dies
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as kernel_log:
        try:
            client.execute(env=_kernel_env(), stderr=kernel_log)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
            kernel_log.seek(0)
            _raise_cell_error(path, nb, client.current, exc, kernel_log.read())
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, out)
    return time.perf_counter() - start


def _raise_cell_error(path: Path, nb, index: int, exc: Exception, kernel_log: str) -> None:
    """NotebookError naming the source file, the line its failing cell starts at, the
    cell's number and first line, and what it raised."""
    from nbclient.exceptions import CellExecutionError

    cell = nb.cells[index] if 0 <= index < len(nb.cells) else None
    line = _cell_lines(path, len(nb.cells))[index] if cell is not None else None
    where = f"{_rel(path)}:{line}" if line else _rel(path)
    if isinstance(exc, CellExecutionError):
        what = f"{exc.ename}: {exc.evalue}"
        # nbclient's report: the cell's code, its printed output, then the traceback
        detail = ANSI.sub("", exc.traceback).split("------------------", 2)[-1].strip()
    else:  # a timeout or a dead kernel: what the kernel said is the best clue
        lines = ANSI.sub("", str(exc)).strip().splitlines() or [""]
        what = f"{type(exc).__name__}: {lines[0]}"
        detail = kernel_log.strip()[-2000:]
    if cell is not None:
        n_code = sum(c.cell_type == "code" for c in nb.cells[: index + 1])
        cell_desc = f"cell {index + 1} (code cell {n_code}, In[{n_code}]: {_first_line(cell.source)!r})"
    else:
        cell_desc = "a cell"
    message = f"{where}: {cell_desc} raised {what}"
    raise NotebookError(message + (f"\n{detail}" if detail else "")) from None


def _run_one(name: str, path: Path, key: str, cache_dir: Path) -> Result:
    out = output_path(cache_dir, name)
    start = time.perf_counter()
    try:
        seconds = execute(path, out)
    except NotebookError as exc:
        return Result(name, "failed", time.perf_counter() - start, str(exc))
    except Exception as exc:  # the kernel would not start, the file cannot be written...
        return Result(name, "failed", time.perf_counter() - start,
                      f"{_rel(path)}: {type(exc).__name__}: {exc}")
    stamp = {"key": key, "sha256": _sha256(out), "source": _rel(path),
             "seconds": round(seconds, 2)}
    _stamp_path(cache_dir, name).write_text(json.dumps(stamp, indent=1, sort_keys=True) + "\n",
                                            encoding="utf-8")
    return Result(name, "executed", seconds, output=out)


def run(names: Iterable[str] | None = None, src_dir: Path = DEFAULT_SRC,
        cache_dir: Path = DEFAULT_CACHE, force: bool = False, jobs: int = 1,
        progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Execute the stale notebooks (all, or those named), `jobs` kernels at a time.

    Never raises for a failing notebook: its Result has status "failed" and the error.
    """
    sources = discover(src_dir)
    if names:
        unknown = [n for n in names if n not in sources]
        if unknown:
            raise KeyError(f"unknown notebook(s): {', '.join(unknown)}; "
                           f"known: {', '.join(sources) or 'none'}")
        sources = {n: sources[n] for n in names}
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)

    results: dict[str, Result] = {}
    todo: list[tuple[str, Path, str]] = []
    for name, path in sources.items():
        try:
            key = cache_key(path)
        except NotebookError as exc:
            results[name] = Result(name, "failed", error=str(exc))
            continue
        if not force and is_fresh(name, key, cache_dir):
            results[name] = Result(name, "cached", output=output_path(cache_dir, name))
        else:
            todo.append((name, path, key))
    for r in results.values():
        if progress:
            progress(r)

    def work(item):
        result = _run_one(*item, cache_dir)
        if progress:
            progress(result)
        return result

    if jobs > 1 and len(todo) > 1:
        with ThreadPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
            for result in pool.map(work, todo):
                results[result.name] = result
    else:
        for item in todo:
            results[item[0]] = work(item)
    return [results[n] for n in sources]


# --- alt text for the figures ------------------------------------------------------
# Runs inside the kernel: every matplotlib figure shown as a PNG carries a description
# built from its titles, axis labels and legend, as output metadata; the plugin makes
# it the image's alt text.


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
    suptitle = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    text = "Plot" + (f": {clean(suptitle)}" if suptitle else "")
    if panels:
        text += ". " + ". ".join(panels)
    return text[:500] + "."


def install_alt_text() -> None:
    """In the kernel: before each cell, make the PNG formatter of matplotlib figures
    return (png, {"alt": description}). `%matplotlib inline` registers its own
    formatter, so it is wrapped again whenever that happens."""
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = get_ipython()
    if shell is None:
        return
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


IMG_TAG = re.compile(r"<img\b[^>]*>")
PNG_SRC = re.compile(r'\ssrc="data:image/png;base64,([^"]+)"')
ALT_ATTR = re.compile(r'\salt="[^"]*"')


def add_alt_text(content: str, notebook: Path) -> str:
    """Give every output image of the rendered notebook the alt text recorded when it
    was drawn (matched by its data), instead of nbconvert's "No description has been
    provided for this image"."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        nb = {"cells": []}
    alts = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if data and alt:
                alts["".join(data).replace("\n", "")] = alt

    def add(match: re.Match) -> str:
        tag = match.group(0)
        src = PNG_SRC.search(tag)
        if src is None:
            return tag
        alt = html.escape(alts.get(src.group(1), "A plot drawn by the code above."))
        tag = ALT_ATTR.sub("", tag)
        return tag.replace("<img", f'<img alt="{alt}"', 1)

    return IMG_TAG.sub(add, content)


# --- math in the rendered pages -------------------------------------------------

# The parts of a notebook page that hold Markdown: markdown cells, and
# text/markdown or text/latex outputs. Code cells and other outputs are left alone.
MARKDOWN_BLOCK = re.compile(
    r'<div class="(?:[^"]*\s)?jp-Rendered(?:Markdown|Latex)(?:\s[^"]*)?"[^>]*>')
DIV_TAG = re.compile(r"<(/?)div\b[^>]*>", re.I)
# Code inside Markdown (`inline` or fenced) keeps its dollars.
PROTECTED = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
DISPLAY_DOLLARS = re.compile(r"\$\$(.+?)\$\$", re.S)
DISPLAY_BRACKETS = re.compile(r"\\\[(.+?)\\\]", re.S)
INLINE_DOLLARS = re.compile(r"(?<![\\$])\$(?!\s)((?:\\\$|[^$])+?)(?<!\s)(?<!\\)\$(?!\$)", re.S)
INLINE_PARENS = re.compile(r"\\\((.+?)\\\)", re.S)
# What nbconvert puts in for MathJax (here every formula is already HTML) and
# for mermaid (these notebooks have no diagrams): both would name a CDN.
MATHJAX_SCRIPTS = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID_SCRIPT = re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.S)


def _block_end(content: str, start: int) -> int:
    """Index just past the </div> closing the <div> that opens at `start`."""
    depth = 0
    for tag in DIV_TAG.finditer(content, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(content)


def _typeset_text(text: str, render: Callable[[str, bool], str]) -> str:
    def sub(pattern, display):
        return lambda s: pattern.sub(lambda m: render(html.unescape(m.group(1)).strip(), display), s)

    for step in (sub(DISPLAY_DOLLARS, True), sub(DISPLAY_BRACKETS, True),
                 sub(INLINE_DOLLARS, False), sub(INLINE_PARENS, False)):
        text = step(text)
    return text


def _typeset_block(block: str, render: Callable[[str, bool], str]) -> str:
    out, last = [], 0
    for m in PROTECTED.finditer(block):
        out.append(_typeset_text(block[last:m.start()], render))
        out.append(m.group(0))
        last = m.end()
    out.append(_typeset_text(block[last:], render))
    return "".join(out)


def typeset_notebook_html(content: str, render: Callable[[str, bool], str]) -> str:
    """Replace $…$, $$…$$, \\(…\\) and \\[…\\] in the Markdown parts of a rendered
    notebook with `render(tex, display)`; drop the MathJax and mermaid loaders."""
    content = MATHJAX_SCRIPTS.sub("", content)
    content = MERMAID_SCRIPT.sub("", content)
    out, pos = [], 0
    for m in MARKDOWN_BLOCK.finditer(content):
        if m.start() < pos:
            continue  # nested inside a block already typeset
        end = _block_end(content, m.start())
        out.append(content[pos:m.end()])
        out.append(_typeset_block(content[m.end():end], render))
        pos = end
    out.append(content[pos:])
    return "".join(out)


STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)

# Code in the notebooks coloured like the chapter's code: Material's highlight colours,
# which follow the light and dark schemes and meet 4.5:1 (axe: color-contrast), instead
# of JupyterLab's (#aa22ff operators and #080 numbers on #f5f5f5 are about 4.3:1).
CODE_COLOURS = """
.md-typeset .jupyter-wrapper {
  --jp-mirror-editor-keyword-color: var(--md-code-hl-keyword-color);
  --jp-mirror-editor-atom-color: var(--md-code-hl-constant-color);
  --jp-mirror-editor-number-color: var(--md-code-hl-number-color);
  --jp-mirror-editor-def-color: var(--md-code-hl-function-color);
  --jp-mirror-editor-variable-color: var(--md-code-fg-color);
  --jp-mirror-editor-variable-2-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-variable-3-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-punctuation-color: var(--md-code-hl-punctuation-color);
  --jp-mirror-editor-property-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-operator-color: var(--md-code-hl-operator-color);
  --jp-mirror-editor-comment-color: var(--md-code-hl-comment-color);
  --jp-mirror-editor-string-color: var(--md-code-hl-string-color);
  --jp-mirror-editor-string-2-color: var(--md-code-hl-string-color);
  --jp-mirror-editor-meta-color: var(--md-code-hl-special-color);
  --jp-mirror-editor-qualifier-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-builtin-color: var(--md-code-hl-constant-color);
  --jp-mirror-editor-bracket-color: var(--md-code-hl-punctuation-color);
  --jp-mirror-editor-tag-color: var(--md-code-hl-keyword-color);
  --jp-mirror-editor-attribute-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-error-color: var(--md-code-hl-special-color);
}
"""


def extract_styles(content: str) -> tuple[str, str]:
    """Take out the <style> blocks nbconvert inlines into every notebook page (about
    0.6 MB of JupyterLab CSS, the same on every page). Returns the page without them,
    with `@@NOTEBOOK_CSS@@` where the first one was, and the CSS, in page order."""
    blocks = [_css_text(m.group(1).strip()) for m in STYLE_BLOCK.finditer(content)]
    if not blocks:
        return content, ""
    first = True

    def drop(match: re.Match) -> str:
        nonlocal first
        placeholder = "@@NOTEBOOK_CSS@@" if first else ""
        first = False
        return placeholder

    return STYLE_BLOCK.sub(drop, content), "\n".join(blocks) + "\n"


def notebook_stylesheet(css: str, classes: set[str]) -> str:
    """The one stylesheet of the notebook pages: nbconvert's CSS, only the rules that can
    match the classes the pages use, then the code colours."""
    return purge_css(css, classes) + CODE_COLOURS


CLASS_ATTR = re.compile(r'class="([^"]*)"')
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CSS_NOT = re.compile(r":not\([^()]*\)")
# `.jupyter-wrapper :root`, `.jupyter-wrapper body`: nothing inside the page's content
# is the root or the body, so these never match (80 kB of icons among them)
NEVER_MATCHES = re.compile(r"\S\s+(?::root|html|body)\b")


def used_classes(content: str) -> set[str]:
    return {name for m in CLASS_ATTR.finditer(content) for name in m.group(1).split()}


def purge_css(css: str, classes: set[str]) -> str:
    """Keep the rules whose selectors can match the notebook pages: every class a selector
    needs (outside :not()) is used on some page. JupyterLab's CSS is written for the whole
    application; the pages use a small part of it (about 600 kB down to about 50 kB).
    Without tinycss2 (installed with nbconvert) the CSS is returned whole."""
    try:
        import tinycss2
    except ImportError:
        return css

    def selectors(prelude: str) -> list[str]:
        parts, depth, current = [], 0, ""
        for ch in prelude:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(current)
                current = ""
            else:
                current += ch
        return [p.strip() for p in parts + [current] if p.strip()]

    def can_match(selector: str) -> bool:
        if NEVER_MATCHES.search(selector):
            return False
        return all(c in classes for c in CSS_CLASS.findall(CSS_NOT.sub("", selector)))

    def purge(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                alive = [s for s in selectors(tinycss2.serialize(rule.prelude)) if can_match(s)]
                if alive:
                    kept.append(", ".join(alive) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule":
                if rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                    inner = purge(tinycss2.parse_rule_list(rule.content, skip_whitespace=True,
                                                           skip_comments=True))
                    if inner:
                        kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
                                    "{" + "".join(inner) + "}")
                else:
                    kept.append(tinycss2.serialize([rule]))
        return kept

    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    return "\n".join(purge(rules)) + "\n"


def _css_text(block: str) -> str:
    """mkdocs-jupyter appends a <style> holding the repr of a Python list of CSS strings
    ("['.highlight-ipynb ...']"); as CSS that is one broken rule that also swallows the
    next one. Turn it back into the CSS it holds."""
    if block.startswith("[") and block.endswith("]"):
        try:
            parts = ast.literal_eval(block)
        except (ValueError, SyntaxError):
            return block
        if isinstance(parts, list) and all(isinstance(x, str) for x in parts):
            return "\n".join(parts)
    return block


# --- command line ---------------------------------------------------------------------


def _print_progress(r: Result) -> None:
    line = f"notebook {r.name}: {r.status}"
    if r.status != "cached":
        line += f" ({r.seconds:.2f} s)"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.notebooks",
                                     description="Execute the stale notebooks of docs/notebooks/.")
    parser.add_argument("names", nargs="*")
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--force", action="store_true", help="execute even when fresh")
    parser.add_argument("--jobs", "-j", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        results = run(args.names, args.src, args.cache, force=args.force, jobs=args.jobs,
                      progress=_print_progress)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    for r in results:
        if r.status == "failed":
            print(f"\n{r.error}", file=sys.stderr)
    counts = {s: sum(r.status == s for r in results) for s in ("executed", "cached", "failed")}
    print(", ".join(f"{n} {s}" for s, n in counts.items())
          + f" notebooks in {time.perf_counter() - start:.2f} s")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
