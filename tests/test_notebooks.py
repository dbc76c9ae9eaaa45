"""The notebooks: one jupytext source each, executed strictly at build time, cached by
what they import, rendered as HTML pages with their plots in every language build."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run
from ml4a_figs.notebooks import execute, targets
from ml4a_figs.pipeline.keys import module_closure
from ml4a_figs.site import notebook_pages

SOURCES = execute.discover()
FIXTURE = ROOT / "tests" / "fixtures" / "failing_notebook.py"
NAMES = sorted(SOURCES)


def _mkdocs_config():
    from mkdocs.config import load_config

    return load_config(str(ROOT / "mkdocs.yml"))


def _nav_paths(nav) -> list[str]:
    if isinstance(nav, list):
        return [p for item in nav for p in _nav_paths(item)]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _nav_paths(value)]
    return [nav]


# --- the sources -------------------------------------------------------------------


def test_the_four_notebooks_exist():
    assert set(NAMES) >= {"linear_regression", "update_methods", "backpropagation",
                          "overfitting"}, NAMES


def test_no_notebook_json_is_kept_in_the_repository():
    ipynb = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.ipynb"))
    assert not ipynb, f"notebooks are kept as jupytext .py under docs/notebooks/: {ipynb}"


@pytest.mark.parametrize("name", NAMES)
def test_source_is_a_jupytext_percent_notebook_with_a_title(name):
    nb = execute.read(SOURCES[name])
    kinds = [cell.cell_type for cell in nb.cells]
    assert "markdown" in kinds and "code" in kinds
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{name}: the first cell is the page title, a Markdown '# ' heading")
    assert not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_every_notebook_is_in_the_nav_and_linked_from_the_chapter(name):
    dest = f"notebooks/{name}.ipynb"
    assert dest in _nav_paths(_mkdocs_config().nav), f"{dest} is not in mkdocs.yml's nav"
    chapter = (ROOT / "docs" / "en" / "index.md").read_text(encoding="utf-8")
    assert f"]({dest})" in chapter, f"docs/en/index.md does not link to {dest}"


def _dependencies(path: Path) -> list[str]:
    """The package files a notebook depends on, relative to the project."""
    files: set[Path] = set()
    for imported in execute.cell_imports(execute.read(path), path):
        module_closure(imported, files)
    return sorted(str(p.relative_to(ROOT)) for p in files)


@pytest.mark.parametrize("name", NAMES)
def test_notebooks_use_the_package_and_need_no_network(name):
    deps = _dependencies(SOURCES[name])
    assert any(d.startswith("ml4a_figs/") for d in deps), f"{name} imports nothing of ml4a_figs"
    assert "ml4a_figs/style.py" in deps, f"{name}: plots use the shared ml4a_figs.style"
    text = SOURCES[name].read_text(encoding="utf-8")
    for needle in ("urllib", "requests", "http://", "https://", "fetch_openml", "download"):
        assert needle not in text, f"{name}: {needle!r} looks like a network access"


def test_dependencies_follow_imports_transitively():
    deps = _dependencies(SOURCES["backpropagation"])
    # the notebook imports ml4a_figs.core.nn; nn imports optim
    assert {"ml4a_figs/core/nn.py", "ml4a_figs/core/optim.py", "ml4a_figs/__init__.py"} <= set(deps)
    assert "ml4a_figs/figures/races.py" not in deps
    assert "ml4a_figs/figures/races.py" in _dependencies(SOURCES["update_methods"])


def test_chapter_code_is_included_from_the_package_source():
    chapter = (ROOT / "docs" / "en" / "index.md").read_text(encoding="utf-8")
    optim = (ROOT / "ml4a_figs" / "core" / "optim.py").read_text(encoding="utf-8")
    for section in ("sgd", "descend", "momentum", "nesterov", "adam"):
        assert f'--8<-- "ml4a_figs/core/optim.py:{section}"' in chapter, section
        assert f"# --8<-- [start:{section}]" in optim and f"# --8<-- [end:{section}]" in optim


# --- execution ---------------------------------------------------------------------


def test_a_failing_cell_names_the_notebook_the_cell_and_the_error(tmp_path):
    src = tmp_path / "nb"
    src.mkdir()
    shutil.copy(FIXTURE, src / FIXTURE.name)
    (result,) = targets.run(src_dir=src, cache_dir=tmp_path / "cache")
    assert result.status == "failed"
    first_line = result.error.splitlines()[0]
    assert f"{FIXTURE.name}:12:" in first_line, first_line  # where the cell's code starts
    assert "cell 3" in first_line and "ratio = len(x) / 0" in first_line, first_line
    assert "ZeroDivisionError: division by zero" in first_line, first_line
    assert not (tmp_path / "cache" / "failing_notebook.ipynb").exists()


def test_the_pass_typesets_markdown_math_only_and_drops_the_loaders(tmp_path):
    page = ('<script src=""> </script>\n<!-- MathJax configuration -->\n'
            '<script type="text/x-mathjax-config">init_mathjax = 1;</script>\n'
            '<style type="text/css">\n.jupyter-wrapper{--a:1}\n</style>\n'
            '<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" '
            'data-mime-type="text/markdown"><p>Inline $a &lt; b$ and</p>'
            '<p>$$\nJ = \\frac{1}{n}\n$$</p><p>code <code>$HOME</code> and \\(x\\)</p></div>'
            '<div class="jp-RenderedText"><pre>costs $5 and $6</pre></div>'
            '<script type="module">import m from "https://cdn/mermaid.js";</script>'
            "<style>\n['pre { line-height: 125%; }']\n</style>")
    seen = []

    def render(tex, display):
        seen.append((tex, display))
        return f"<K{int(display)}>{tex}</K>"

    parts = notebook_pages.rewrite(page, render, tmp_path / "none.ipynb", "nb.py")
    assert seen == [("J = \\frac{1}{n}", True), ("a < b", False), ("x", False)]
    assert "<code>$HOME</code>" in parts.html and "<pre>costs $5 and $6</pre>" in parts.html
    assert "<script" not in parts.html and "<style" not in parts.html
    assert parts.html.count(notebook_pages.CSS_PLACEHOLDER) == 1
    assert parts.css == ".jupyter-wrapper{--a:1}\n"  # the list's repr left out
    # the search index reads the TeX, the reader gets KaTeX
    assert "<K0>a < b</K>" in parts.html and "a &lt; b" in parts.search_html
    assert "<K" not in parts.search_html and notebook_pages.CSS_PLACEHOLDER not in parts.search_html


def test_the_search_copy_of_a_code_cell_has_its_text_without_the_colours(tmp_path):
    """Material's search parser keeps a <pre>'s text as it is; its highlighting spans (a
    few thousand per notebook) only cost parsing, twice a language."""
    from material.plugins.search.plugin import Parser

    page = ('<div class="highlight"><pre><span></span><span class="n">x</span> '
            '<span class="o">=</span> <span class="mi">1</span>  <span class="c1"># &lt;a&gt;</span>\n'
            '<code>kept</code></pre></div><p><span class="k">w</span></p>')
    parts = notebook_pages.rewrite(page, lambda tex, display: tex, tmp_path / "nb.ipynb", "nb.py")
    assert '<span class="n">x</span>' in parts.html
    assert "<pre>x = 1  # &lt;a&gt;\n<code>kept</code></pre>" in parts.search_html
    assert '<span class="k">w</span>' in parts.search_html  # outside <pre>: as it was

    def indexed(html: str) -> list:
        parser = Parser()
        parser.feed(html)
        parser.close()
        return [("".join(s.title), "".join(s.text)) for s in parser.data]

    assert indexed(parts.search_html) == indexed(page)


def test_a_markdown_cell_holding_a_div_is_refused_naming_the_notebook(tmp_path):
    page = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput">'
            '<div>nested</div><p>$y$</p></div>')
    with pytest.raises(notebook_pages.NotebookPageError,
                       match="docs/notebooks/nb.py: a Markdown cell holds a <div>"):
        notebook_pages.rewrite(page, lambda tex, display: tex, tmp_path / "nb.ipynb",
                               "docs/notebooks/nb.py")


def _notebooks_cli(pkg_root: Path, src: Path, cache: Path, *args: str):
    proc = run([sys.executable, "-m", "ml4a_figs.notebooks", "--src", str(src),
                "--cache", str(cache), *args], cwd=pkg_root,
               env={"PYTHONPATH": str(pkg_root)}, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {m.group(2): m.group(1)
            for m in re.finditer(r"^\[\s*\d+/\d+\] (executed|cached|failed)\s+(\w+)", proc.stdout, re.M)}


@pytest.fixture(scope="module")
def warm_copy(tmp_path_factory):
    """A copy of the package and of the notebooks, and a warm cache for them: the real
    cache, brought up to date first (the keys do not depend on where the package is)."""
    tmp = tmp_path_factory.mktemp("notebooks")
    _notebooks_cli(ROOT, execute.DEFAULT_SRC, targets.DEFAULT_CACHE)
    pkg = tmp / "pkg"
    shutil.copytree(ROOT / "ml4a_figs", pkg / "ml4a_figs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(execute.DEFAULT_SRC, pkg / "docs" / "notebooks")
    shutil.copytree(targets.DEFAULT_CACHE, tmp / "cache")
    return pkg, pkg / "docs" / "notebooks", tmp / "cache"


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_executes_no_notebook(warm_copy):
    pkg, src, cache = warm_copy
    statuses = _notebooks_cli(pkg, src, cache)
    assert statuses == {name: "cached" for name in NAMES}


@pytest.mark.slow
def test_a_comment_in_the_package_executes_nothing(warm_copy):
    pkg, src, cache = warm_copy
    optim = pkg / "ml4a_figs" / "core" / "optim.py"
    original = optim.read_text(encoding="utf-8")
    optim.write_text(original + "\n# a comment changes no result\n", encoding="utf-8")
    try:
        assert set(_notebooks_cli(pkg, src, cache).values()) == {"cached"}
    finally:
        optim.write_text(original, encoding="utf-8")


@pytest.mark.slow
def test_changing_a_module_executes_exactly_the_notebooks_that_import_it(warm_copy):
    pkg, src, cache = warm_copy
    races = pkg / "ml4a_figs" / "figures" / "races.py"
    original = races.read_text(encoding="utf-8")
    importers = {n for n in NAMES if "ml4a_figs/figures/races.py" in
                 _dependencies(SOURCES[n])}
    assert importers and importers != set(NAMES)
    races.write_text(original + "\nCHANGED = True\n", encoding="utf-8")
    try:
        statuses = _notebooks_cli(pkg, src, cache)
    finally:
        races.write_text(original, encoding="utf-8")
    assert {n for n, s in statuses.items() if s == "executed"} == importers, statuses


@pytest.mark.slow
def test_changing_optim_executes_the_notebooks_that_import_it(warm_copy):
    pkg, src, cache = warm_copy
    optim = pkg / "ml4a_figs" / "core" / "optim.py"
    original = optim.read_text(encoding="utf-8")
    importers = {n for n in NAMES if "ml4a_figs/core/optim.py" in _dependencies(SOURCES[n])}
    assert importers
    optim.write_text(original + "\nCHANGED = True\n", encoding="utf-8")
    try:
        statuses = _notebooks_cli(pkg, src, cache)
    finally:
        optim.write_text(original, encoding="utf-8")
    assert {n for n, s in statuses.items() if s == "executed"} == importers, statuses
    # and once they have run, nothing is stale any more
    optim.write_text(original + "\nCHANGED = True\n", encoding="utf-8")
    try:
        assert set(_notebooks_cli(pkg, src, cache).values()) == {"cached"}
    finally:
        optim.write_text(original, encoding="utf-8")


# --- the build -------------------------------------------------------------------


@pytest.mark.slow
def test_a_failing_notebook_fails_the_build_naming_the_cell(tmp_path):
    """A real `mkdocs build` with the project's plugins and a notebook that raises."""
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(FIXTURE, nb_dir / FIXTURE.name)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# A page\n\nText.\n", encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")  # KaTeX
    (tmp_path / "mkdocs.yml").write_text(f"""\
site_name: failing notebook fixture
docs_dir: docs
site_dir: site
strict: true
theme:
  name: material
  font: false
plugins:
  - ml4a-figures:
      figures_dir: {ROOT / 'figures'}
      assets_dir: {ROOT / 'docs' / 'assets'}
      notebooks_dir: {nb_dir}
  - mkdocs-jupyter:
      include: ["notebooks/*.ipynb"]
      execute: false
      allow_errors: false
nav:
  - Home: index.md
  - Failing: notebooks/failing_notebook.ipynb
""", encoding="utf-8")
    proc = run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                str(tmp_path / "mkdocs.yml")], cwd=tmp_path, timeout=900)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "failing_notebook.py:12: cell 3" in output, output
    assert "ZeroDivisionError: division by zero" in output, output
    assert not (tmp_path / "site" / "notebooks").exists()


def _language_sites(site: Path) -> list[Path]:
    """The root of every language build: site/ and site/<lang>/ for each alternate."""
    roots = [site]
    for alt in (_mkdocs_config().extra or {}).get("alternate", []):
        link = str(alt.get("link", "/")).strip("/")
        if link:
            roots.append(site / link)
    return roots


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_pages_are_html_with_plots_in_every_language(built_site, name):
    for root in _language_sites(built_site):
        page = root / "notebooks" / name / "index.html"
        assert page.is_file(), f"{page} missing: every language build publishes the notebooks"
        html = page.read_text(encoding="utf-8")
        assert html.lstrip().lower().startswith("<!doctype html"), page
        assert '"cell_type"' not in html and '"nbformat"' not in html, (
            f"{page} holds notebook JSON, not a rendered page")
        images = re.findall(r'<img alt="([^"]*)"[^>]* src="data:image/png;base64,', html)
        assert images, f"{page}: no plots"
        assert all(alt.startswith("Plot") for alt in images), images
        assert 'class="katex"' in html, f"{page}: math not typeset"
        assert "notebook-download" in html and f'href="{name}.ipynb"' in html
        css = re.search(r'<link rel="stylesheet" href="((?:\.\./)*assets/notebooks/[^"]+)"', html)
        assert css and (page.parent / css.group(1)).resolve().is_file(), page
        # JupyterLab's CSS as mkdocs-jupyter emits it, once for every page, then the site's
        stylesheet = (page.parent / css.group(1)).resolve().read_text(encoding="utf-8")
        assert ".jupyter-wrapper" in stylesheet and "['" not in stylesheet
        assert re.search(r'<link rel="stylesheet" href="(?:\.\./)*assets/notebooks\.css">', html)
        assert "<style" not in html.split('<article', 1)[-1], f"{page}: inline CSS left"
        downloaded = json.loads((page.parent / f"{name}.ipynb").read_text(encoding="utf-8"))
        outputs = [o for c in downloaded["cells"] for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs)
        assert not any(o.get("output_type") == "error" for o in outputs)
