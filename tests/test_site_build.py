"""`make site` publishes every language and every PDF together or not at all, and one
build runs at a time in a checkout (ml4a_figs/site/build.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import INSTALLED, ROOT, run
from test_i18n import build_project  # noqa: F401 - the fixture


def make_site(root: Path):
    """What `make site` runs, in the project at `root`."""
    return run([sys.executable, "-m", "ml4a_figs.site", "-f", str(root / "mkdocs.yml")],
               cwd=root, env=INSTALLED, timeout=900)


def test_a_second_build_is_told_another_is_running(tmp_path):
    from ml4a_figs.site.build import LOCK

    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    lock = tmp_path / LOCK
    lock.parent.mkdir(parents=True)
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running build holds it
        held.write("4242")
        held.flush()
        proc = make_site(tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "another build is running in this checkout (pid 4242)" in proc.stderr, out[-2000:]
    assert "Traceback" not in out
    assert not (tmp_path / "site").exists()


def test_publish_puts_the_new_site_in_place_and_recover_restores_the_old(tmp_path):
    from ml4a_figs.site import build

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    staging = build.staging_of(site)
    staging.mkdir()
    (staging / "index.html").write_text("new", encoding="utf-8")
    build.publish(staging, site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    # a build killed between publish's two renames: the last good site is put back
    os.rename(site, tmp_path / ".site.old")
    build.recover(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "new"


@pytest.mark.slow
def test_a_failed_language_leaves_the_last_good_site_untouched(build_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(build_project, root, symlinks=True)
    site = root / "site"
    for page in (site / "index.html", site / "ko" / "index.html"):
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text("the last good site", encoding="utf-8")
    korean = root / "docs" / "ko" / "index.md"
    text = korean.read_text(encoding="utf-8").rstrip("\n") + "\n\n{{ facts.no_such_fact }}\n"
    korean.write_text(text, encoding="utf-8")
    proc = make_site(root)  # English builds; Korean fails at its unknown fact
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "mkdocs build (en)" in out and "docs/ko/index.md" in out, out[-2000:]
    assert "Traceback" not in out, out[-3000:]
    for page in (site / "index.html", site / "ko" / "index.html"):
        assert page.read_text(encoding="utf-8") == "the last good site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "ko"]
    assert not [p for p in root.iterdir() if p.name.startswith(".site")]  # no staging left


def test_a_warm_build_does_not_import_what_only_a_cold_one_uses():
    """mkdocs-jupyter's plugin imports jupytext and nbconvert (about 0.5 s of a warm build
    that never calls them): deferred until used, and then the real modules."""
    code = (
        "import sys\n"
        "from ml4a_figs.site.build import DEFERRED_IMPORTS, defer_imports\n"
        "defer_imports()\n"
        "import mkdocs_jupyter.plugin as plugin\n"
        "loaded = [m for m in ('jupytext.formats', 'nbconvert', 'nbformat') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
        "assert callable(plugin.jupytext.read) and callable(plugin.convert.nb2html)\n"
        "assert all(type(sys.modules[m]).__name__ == 'module' for m in DEFERRED_IMPORTS)\n"
        "import jupytext.formats\n"
    )
    proc = run([sys.executable, "-c", code], cwd=ROOT, env=INSTALLED, timeout=120)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
