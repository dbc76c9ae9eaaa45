"""A reader runs the notebooks at home, from nothing but what the site serves.

The built site is served on 127.0.0.1; the notebooks and the wheel are downloaded by
following the links of the notebook pages, as a reader clicks them; the wheel goes
into a fresh virtual environment with a Jupyter kernel; every notebook then runs there
with nbclient, in an empty folder, away from this repository. The package's command
line runs there too and writes into the reader's folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from weight import serve

pytestmark = pytest.mark.slow

NOTEBOOK_PAGE = re.compile(r"(?:^|/)notebooks/([a-z_]+)/$")
KERNEL_PACKAGES = ("ipykernel", "nbclient")

# Runs inside the reader's environment: executes each notebook given, in the current
# folder, then one more cell that says which ml4a_figs and which Python it ran.
RUNNER = r"""
import json, os, sys, time
import nbformat
from nbclient import NotebookClient

report = {}
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.append(nbformat.v4.new_code_cell(
        "import ml4a_figs, sys\nprint(ml4a_figs.__file__)\nprint(sys.prefix)"))
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=False,
                   resources={"metadata": {"path": os.getcwd()}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    report[os.path.basename(path)] = {
        "seconds": round(time.perf_counter() - start, 1),
        "code_cells": len(code),
        "executed": sum(c.execution_count is not None for c in code),
        "errors": [o.get("ename") for c in code for o in c.outputs
                   if o.get("output_type") == "error"],
        "images": sum("image/png" in o.get("data", {}) for c in code for o in c.outputs),
        "where": code[-1].outputs[0]["text"].split(),
    }
print(json.dumps(report))
"""


class _Anchors(HTMLParser):
    """Every <a>: its href, whether it has `download`, and the box it sits in."""

    def __init__(self):
        super().__init__()
        self.anchors: list[dict] = []
        self._boxes = 0
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div":
            self._depth += 1
            if "notebook-download" in (attrs.get("class") or "").split() and not self._boxes:
                self._boxes = self._depth
        if tag == "a" and attrs.get("href"):
            self.anchors.append({"href": attrs["href"], "download": "download" in attrs,
                                 "in_box": bool(self._boxes)})

    def handle_endtag(self, tag):
        if tag == "div":
            if self._boxes == self._depth:
                self._boxes = 0
            self._depth -= 1


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read()


def _anchors(url: str) -> list[dict]:
    parser = _Anchors()
    parser.feed(_get(url).decode("utf-8"))
    return parser.anchors


def _notebook_pages(home: str) -> dict[str, str]:
    """name -> URL of each notebook page the home page links (the nav)."""
    pages = {}
    for a in _anchors(home):
        url = urljoin(home, a["href"])
        match = NOTEBOOK_PAGE.search(urlsplit(url).path)
        if match and url.startswith(home):
            pages[match.group(1)] = url.split("#")[0]
    return pages


def _downloads(page: str) -> dict[str, str]:
    """The box's download links on a notebook page: {'ipynb': url, 'whl': url}."""
    links = [a for a in _anchors(page) if a["in_box"] and a["download"]]
    found = {a["href"].rsplit(".", 1)[-1]: urljoin(page, a["href"]) for a in links}
    assert set(found) == {"ipynb", "whl"}, f"{page}: download links {links}"
    return found


def _reader_env(venv: Path) -> dict[str, str]:
    """The reader's shell: their venv first on PATH, nothing of this project's."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               VIRTUAL_ENV=str(venv), PYTHONNOUSERSITE="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(cmd, cwd: Path, env: dict, timeout: int) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc


def _run_parallel(cmds, cwd: Path, env: dict, timeout: int) -> list[subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=len(cmds)) as pool:
        return list(pool.map(lambda cmd: _run(cmd, cwd, env, timeout), cmds))


# a fresh venv, pip install from PyPI's cache and four notebooks: longer than the default
@pytest.mark.timeout(3600)
def test_a_reader_runs_every_notebook_from_what_the_site_serves(built_site, tmp_path):
    downloads, work, venv = tmp_path / "downloads", tmp_path / "work", tmp_path / "venv"
    downloads.mkdir()
    work.mkdir()
    timings = {}
    with serve(built_site) as base:
        # 1-2. the links on every language's notebook pages; English's files downloaded
        pages = {}
        for lang_home in (base, urljoin(base, "ko/")):
            pages[lang_home] = _notebook_pages(lang_home)
            assert set(pages[lang_home]) >= {"linear_regression", "update_methods",
                                             "backpropagation", "overfitting"}, pages
        wheels = set()
        for lang_home, by_name in pages.items():
            for name, page in by_name.items():
                links = _downloads(page)
                assert links["ipynb"].endswith(f"/{name}.ipynb"), links
                data = _get(links["whl"])
                wheels.add(data)
                if lang_home == base:
                    json.loads(_get(links["ipynb"]))  # a notebook, not an error page
                    (downloads / f"{name}.ipynb").write_bytes(_get(links["ipynb"]))
                    (downloads / Path(urlsplit(links["whl"]).path).name).write_bytes(data)
        assert len(wheels) == 1, "every page of every language serves the same wheel"
    wheel = next(downloads.glob("*.whl"))
    notebooks = sorted(downloads.glob("*.ipynb"))
    assert len(notebooks) == len(pages[base])

    # 3. a fresh environment holding the wheel and a kernel, nothing else of ours
    start = time.perf_counter()
    _run([sys.executable, "-m", "venv", venv], cwd=work, env=dict(os.environ), timeout=300)
    env = _reader_env(venv)
    python = venv / "bin" / "python"
    # --no-compile: a reader's pip byte-compiles too, which this test need not wait for
    _run([python, "-m", "pip", "install", "--quiet", "--no-compile", wheel, *KERNEL_PACKAGES],
         cwd=work, env=env, timeout=900)
    timings["venv + pip install"] = round(time.perf_counter() - start, 1)
    installed = _run([python, "-m", "pip", "list", "--format=json"], cwd=work, env=env,
                     timeout=120)
    names = {p["name"].lower() for p in json.loads(installed.stdout)}
    assert "ml4a_figs" in names and not names & {"mkdocs", "mkdocs-material", "jupytext"}

    # 4. every notebook, in the empty folder; two kernels at a time (CI has two cores)
    start = time.perf_counter()
    report = {}
    for proc in _run_parallel([[python, "-c", RUNNER, *notebooks[i::2]] for i in (0, 1)],
                              cwd=work, env=env, timeout=1800):
        report.update(json.loads(proc.stdout.strip().splitlines()[-1]))
    timings["notebooks"] = round(time.perf_counter() - start, 1)
    assert sorted(report) == [p.name for p in notebooks]
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    for name, result in report.items():
        assert result["errors"] == [], (name, result)
        assert result["executed"] == result["code_cells"] > 1, (name, result)
        assert result["images"] > 0, (name, result)
        module, prefix = result["where"]
        assert Path(module).is_relative_to(site_packages), (name, module)
        assert Path(prefix) == venv, (name, prefix)

    # the package's command line, installed: lists the figures, draws one into the
    # reader's folder, not into the environment
    listed = _run([python, "-m", "ml4a_figs", "list"], cwd=work, env=env, timeout=300)
    assert "lin_reg_mse" in listed.stdout
    _run([python, "-m", "ml4a_figs", "build", "lin_reg_mse"], cwd=work, env=env, timeout=600)
    drawn = sorted(p.name for p in (work / "figures").glob("lin_reg_mse.*"))
    assert any(not n.endswith(".json") for n in drawn), sorted(work.rglob("*"))
    assert not (venv / "lib" / site_packages.parent.name / "figures").exists()
    print(f"\nreader test: {timings}, per notebook "
          f"{ {n: r['seconds'] for n, r in report.items()} }")
