"""Internal links and anchors of the built site.

Every HTML file in site/ is parsed (stdlib html.parser); every internal href, src and
srcset, relative or root-relative, must reach a file of the site, and its #fragment an
id (or <a name>) of the target page. External URLs are collected and printed, never
fetched (there is no network).
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"

URL_ATTRS = {"href", "src", "poster", "data", "action"}
SKIP_SCHEMES = {"mailto", "tel", "javascript", "data", "blob", "about"}
_FAKE_HOST = "http://site.invalid"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, str, str]] = []  # (line, tag, attr, url)

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name in URL_ATTRS and not (tag == "form" and name == "action"):
                self.links.append((line, tag, name, value.strip()))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.links.append((line, tag, name, url))

    handle_startendtag = handle_starttag


def parse(file: Path) -> _Page:
    page = _Page()
    page.feed(file.read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def check_links(site: Path) -> tuple[list[str], dict[str, list[str]]]:
    """(broken internal links, {external URL: [files linking to it]})."""
    site = Path(site)
    files = sorted(site.rglob("*.html"))
    parsed = {f: parse(f) for f in files}
    broken: list[str] = []
    external: dict[str, list[str]] = defaultdict(list)
    for file, page in parsed.items():
        rel = file.relative_to(site).as_posix()
        here = f"{_FAKE_HOST}/{rel}"
        for line, tag, attr, url in page.links:
            where = f"site/{rel}:{line}: <{tag} {attr}=\"{url}\">"
            if not url:
                continue
            parts = urlsplit(url)
            if parts.scheme in SKIP_SCHEMES:
                continue
            if parts.scheme or url.startswith("//"):
                external[url].append(rel)
                continue
            target_url = urlsplit(urljoin(here, url))
            path = unquote(target_url.path)
            target = site / path.lstrip("/")
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{where}: no file {target.relative_to(site).as_posix()} in site/")
                continue
            fragment = unquote(target_url.fragment)
            if fragment and target.suffix == ".html":
                target_page = parsed.get(target) or parse(target)
                if fragment not in target_page.ids:
                    broken.append(f"{where}: no id {fragment!r} in "
                                  f"{target.relative_to(site).as_posix()}")
    return broken, dict(external)


@pytest.mark.slow
def test_internal_links_and_anchors(built_site):
    broken, external = check_links(built_site)
    n_html = len(list(Path(built_site).rglob("*.html")))
    lines = [f"{len(external)} external URLs in {n_html} HTML files (listed, not fetched):"]
    lines += [f"  {url}  ({', '.join(sorted(set(pages)))})" for url, pages in sorted(external.items())]
    print("\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "external-links.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert n_html > 0, f"no HTML file in {built_site}"
    assert not broken, f"{len(broken)} broken internal links:\n  " + "\n  ".join(broken)


def test_check_links_reports_what_is_broken(tmp_path):
    """The checker itself can fail: a small site with one broken link of each kind."""
    site = tmp_path / "site"
    (site / "ko").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("")
    (site / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="assets/site.css"></head><body>'
        '<h2 id="intro">Intro</h2><a name="old-anchor"></a>'
        '<a href="#intro">ok</a> <a href="#old-anchor">ok</a> <a href="ko/">ok</a>'
        '<a href="/ko/#%ED%95%9C">ok, encoded</a> <a href="mailto:a@b.c">skipped</a>'
        '<a href="#nowhere">bad fragment</a>'
        '<img src="figures/missing.svg" alt="">'
        '<img srcset="figures/a.webp 1x, assets/site.css 2x" alt="">'
        '<a href="ko/#missing">bad fragment elsewhere</a>'
        '<script src="/assets/gone.js"></script>'
        '<a href="https://example.org/page">external</a> <a href="//cdn.example.org/x.js">x</a>'
        "</body></html>")
    (site / "ko" / "index.html").write_text(
        '<html><body><h2 id="한">한</h2><a href="../index.html#intro">ok</a>'
        '<a href="../nope/">bad dir</a></body></html>')
    broken, external = check_links(site)
    text = "\n".join(broken)
    assert len(broken) == 6, text
    for needle in ("site/index.html:1: <a href=\"#nowhere\">: no id 'nowhere' in index.html",
                   "figures/missing.svg", "figures/a.webp", "no id 'missing' in ko/index.html",
                   "no file assets/gone.js", "site/ko/index.html:1: <a href=\"../nope/\">"):
        assert needle in text, f"{needle!r} not reported:\n{text}"
    assert set(external) == {"https://example.org/page", "//cdn.example.org/x.js"}
