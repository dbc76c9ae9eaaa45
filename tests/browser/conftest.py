"""Fixtures of the browser tests: one chromium per session, the built site served on
127.0.0.1, every page of every language loaded once and shared by the checks."""

from __future__ import annotations

import shutil

import pytest

from tests.weight import serve

from . import checks
from .checks import ARTIFACTS, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "browser"


@pytest.fixture(scope="session")
def base_url(built_site):
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def site_pages(built_site):
    pages = checks.discover_pages(built_site)
    assert any(p.path == "/" for p in pages), f"no site/index.html in {built_site}"
    return pages


@pytest.fixture(scope="session")
def content_pages(site_pages):
    """Every page a reader reaches by a link: all but the 404 pages."""
    return [p for p in site_pages if not p.is_404]


@pytest.fixture(scope="session")
def chapters(site_pages):
    """The chapter page of each language (its home page), English first."""
    return [p for p in site_pages if p.is_chapter]


@pytest.fixture(scope="session")
def visits(browser, base_url):
    """visits(site_page) -> checks.Visit, loaded once per session (desktop, light)."""
    opened: dict[str, checks.Visit] = {}

    def visit(page: checks.SitePage) -> checks.Visit:
        if page.path not in opened:
            opened[page.path] = checks.open_visit(
                browser, checks.page_url(base_url, page.path), page.label, base_url)
        return opened[page.path]

    yield visit
    for v in opened.values():
        v.context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory):
    """The broken fixture pages, copied to a temporary folder and served from there
    (never from site/)."""
    folder = tmp_path_factory.mktemp("broken-site")
    shutil.copytree(FIXTURES, folder, dirs_exist_ok=True)
    with serve(folder) as url:
        yield url
