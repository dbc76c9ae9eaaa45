"""Shared fixtures: the project root, the built site, a browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
FIGURES = ROOT / "figures"


# `python -m` run in a throw-away copy of the project, which links the package: import it
# from where it is installed, as `make` in the checkout does (not the copy's link)
INSTALLED = {"PYTHONSAFEPATH": "1"}


def run(cmd, cwd=ROOT, env=None, check=False, timeout=600):
    """Run a command, capture its output as text; the environment is the test's own."""
    full_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    full_env.update(env or {})
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def package_copy(tmp_path_factory) -> Path:
    """A throw-away copy of the package, for tests that edit or break its code."""
    dest = tmp_path_factory.mktemp("pkg")
    shutil.copytree(ROOT / "ml4a_figs", dest / "ml4a_figs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run_cli(pkg_root: Path, *args: str, out: Path):
    env = {"PYTHONPATH": str(pkg_root)}
    return run([sys.executable, "-m", "ml4a_figs", "--out", str(out), *args], cwd=pkg_root, env=env)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The site as `make site` leaves it; build it if a test run starts without one."""
    if not (SITE / "index.html").is_file():
        run(["make", "site"], check=True, timeout=900)
    return SITE


# One Playwright session for the whole run: its sync API runs an event loop, and a second
# sync_playwright() started while the first is open fails ("inside the asyncio loop").
@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_session):
    from weight import launch_chromium

    # a missing chromium raises here with a clear message: an error, never a skip
    chromium = launch_chromium(playwright_session)
    yield chromium
    chromium.close()
