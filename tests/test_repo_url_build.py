"""With repo_url set (here through ML4A_REPO_URL, as a fork's CI would), the header
links the repository without asking its host for anything, and every notebook page
links its source file there."""

from __future__ import annotations

import re
import sys

import pytest

from conftest import run
from ml4a_figs.notebooks import execute

REPO = "https://github.com/example/ml4a-figs-fork"


@pytest.mark.slow
def test_a_site_built_with_repo_url_links_the_repository_and_each_notebook_source(tmp_path):
    site = tmp_path / "site"
    run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        env={"ML4A_REPO_URL": REPO, "ML4A_REPO_BRANCH": "main"}, check=True, timeout=900)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<a href="{re.escape(REPO)}"[^>]*class="md-source"', home), (
        "Material's header link to repo_url is missing")
    # Material's script fetches stars from the host's API for this component
    assert 'data-md-component="source"' not in home
    for name in execute.discover():
        page = (site / "notebooks" / name / "index.html").read_text(encoding="utf-8")
        box = page.split('notebook-download', 1)[1].split("</div>", 1)[0]
        assert f'href="{REPO}/blob/main/docs/notebooks/{name}.py"' in box, name
