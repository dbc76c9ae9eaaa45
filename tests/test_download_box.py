"""The box on every notebook page: the .ipynb, the wheel, the install command and the
source link, in the page's language."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conftest import ROOT
from ml4a_figs import download_box

WHEEL = "ml4a_figs-0.1.0-py3-none-any.whl"


def _words(lang: str) -> dict:
    from ml4a_figs.i18n import project

    return project(ROOT).strings(lang)["download"]


def _box(**changes) -> download_box.Box:
    fields = dict(notebook="overfitting.ipynb", source="docs/notebooks/overfitting.py",
                  wheel=WHEEL, wheel_bytes=61_234, words=_words("en"), lang=None,
                  up="../../")
    fields.update(changes)
    return download_box.Box(**fields)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_the_languages_have_every_string():
    """English and Korean write every word of the box in docs/<lang>/language.yml; a
    language added later without them gets the English ones (below)."""
    from ml4a_figs.i18n import project

    proj = project(ROOT)
    for lang in ("en", "ko"):
        assert proj.defines(lang, "download"), lang
        assert set(_words(lang)) == set(download_box.KEYS), lang


def test_the_box_offers_the_notebook_the_wheel_and_the_command():
    html = download_box.render(_box())
    parsed = _parse(html)
    hrefs = [a["href"] for a in parsed.links]
    assert hrefs == ["overfitting.ipynb", f"../../downloads/{WHEEL}"]
    assert all("download" in a for a in parsed.links)
    assert f"pip install {WHEEL} jupyterlab\njupyter lab overfitting.ipynb" in html
    assert "61 kB" in html
    assert "<code>docs/notebooks/overfitting.py</code> in the project" in html


def test_the_korean_box_is_in_korean():
    korean = _words("ko")
    html = download_box.render(_box(words=korean))
    assert korean["heading"] in html and korean["package"] in html
    assert "Download" not in html and 'lang="en"' not in html
    assert f"pip install {WHEEL} jupyterlab" in html


def test_a_language_without_strings_gets_the_english_box_marked_english():
    html = download_box.render(_box(lang="en"))
    assert html.startswith('<div class="admonition tip notebook-download" lang="en">')
    assert "Download the notebook" in html


def test_with_repo_url_the_box_links_the_notebook_source():
    html = download_box.render(_box(repo_url="https://example.org/me/ml4a-fork/",
                                    repo_branch="draft"))
    hrefs = [a["href"] for a in _parse(html).links]
    assert ("https://example.org/me/ml4a-fork/blob/draft/docs/notebooks/overfitting.py"
            in hrefs)
    assert "in the project" not in html


def test_the_box_goes_under_the_title():
    page = '<h1 id="t">Title</h1><p>first</p>'
    out = download_box.add_to_page(page, _box())
    assert out.startswith('<h1 id="t">Title</h1><div class="admonition tip notebook-download"')
    assert out.endswith("<p>first</p>")


def test_strings_are_escaped():
    html = download_box.render(_box(words={k: "<b>x</b>" for k in download_box.KEYS}))
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_words_table_missing_a_key_is_an_error_naming_the_file():
    with pytest.raises(ValueError, match=r"language.yml: download: lacks notebook"):
        download_box.render(_box(words={"heading": "Run"}))


def test_mkdocs_takes_repo_url_from_the_environment(monkeypatch):
    from mkdocs.config import load_config

    monkeypatch.setenv("ML4A_REPO_URL", "https://example.org/me/ml4a-fork")
    config = load_config(str(ROOT / "mkdocs.yml"))
    assert config.repo_url == "https://example.org/me/ml4a-fork"
    assert config.extra["repo_branch"] == "main"
    monkeypatch.delenv("ML4A_REPO_URL")
    assert load_config(str(ROOT / "mkdocs.yml")).repo_url is None
