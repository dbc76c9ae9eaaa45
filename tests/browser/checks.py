"""The checks of the browser tests, as plain functions.

Each check takes a loaded Playwright page (or what was recorded while it loaded) and
returns a list of problems, empty when all is well. Every problem names the page and
the element, so a failure reads like a bug report. The same functions run against the
built site (test_site.py, test_chapter.py, test_phone.py) and against the broken
fixture page (test_fixture.py), which shows that each can fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.weight import ROOT

ARTIFACTS = ROOT / "test-artifacts"


# --- the pages of the built site -------------------------------------------------

@dataclass(frozen=True)
class SitePage:
    lang: str  # "en", "ko", ...
    path: str  # URL path from the site root: "/", "/ko/", "/404.html"
    file: Path  # the HTML file in site/
    source: Path | None  # the Markdown it was built from, when known
    is_chapter: bool = False  # the language's home page: the chapter

    @property
    def label(self) -> str:
        return f"{self.path} [{self.lang}]"

    @property
    def is_404(self) -> bool:
        return self.file.name == "404.html"


_HTML_LANG = re.compile(r"<html[^>]*\blang=\"([^\"]+)\"", re.I)


def html_lang(file: Path) -> str:
    match = _HTML_LANG.search(file.read_text(encoding="utf-8", errors="replace")[:2000])
    return match.group(1).split("-")[0].lower() if match else "?"


def languages(site: Path) -> dict[str, Path]:
    """{lang: folder}: the site root's language, then every top-level folder with its
    own index.html and search index (site/ko/ -> "ko")."""
    found = {html_lang(site / "index.html"): site}
    for child in sorted(site.iterdir()):
        if (child.is_dir() and (child / "index.html").is_file()
                and (child / "search" / "search_index.json").is_file()):
            found[child.name] = child
    return found


def discover_pages(site: Path) -> list[SitePage]:
    """Every index.html of every language, and each language's 404 page."""
    langs = languages(site)
    others = {folder for folder in langs.values() if folder != site}
    pages = []
    for lang, folder in langs.items():
        docs = docs_dir(lang, root_language=folder == site)
        for file in sorted(folder.rglob("index.html")):
            if folder == site and any(o in file.parents for o in others):
                continue  # belongs to another language
            rel = file.parent.relative_to(folder).as_posix()
            prefix = "" if folder == site else f"{folder.name}/"
            path = "/" + prefix + ("" if rel == "." else rel + "/")
            pages.append(SitePage(lang, path, file, _source_of(docs, rel), rel == "."))
        if (folder / "404.html").is_file():
            prefix = "" if folder == site else f"{folder.name}/"
            pages.append(SitePage(lang, f"/{prefix}404.html", folder / "404.html", None))
    return pages


_DOCS_DIR = re.compile(r"^docs_dir:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(#.*)?$", re.M)


def docs_dir(lang: str, root_language: bool) -> Path:
    """The Markdown folder of a language: docs_dir of mkdocs.<lang>.yml (or of
    mkdocs.yml for the root language) when it says so, else docs/<lang>."""
    configs = [ROOT / f"mkdocs.{lang}.yml"] + ([ROOT / "mkdocs.yml"] if root_language else [])
    for config in configs:
        if config.is_file():
            match = _DOCS_DIR.search(config.read_text(encoding="utf-8"))
            if match:
                return ROOT / match.group(1).strip()
    return ROOT / "docs" / lang


def _source_of(docs: Path, rel: str) -> Path | None:
    if rel == ".":
        candidates = [docs / "index.md", docs / "README.md"]
    else:
        candidates = [docs / f"{rel}.md", docs / rel / "index.md", docs / rel / "README.md"]
    return next((c for c in candidates if c.is_file()), None)


# --- math in the Markdown --------------------------------------------------------

_CODE_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DISPLAY_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\$)")


def count_math(markdown: str) -> int:
    """Formulas in a page's Markdown: $$...$$ blocks plus inline $...$ (as
    pymdownx.arithmatex reads them), code and HTML comments (never published) excluded."""
    text = _INLINE_CODE.sub("", _CODE_FENCE.sub("", _COMMENT.sub("", markdown)))
    display = len(_DISPLAY_MATH.findall(text))
    return display + len(_INLINE_MATH.findall(_DISPLAY_MATH.sub(" ", text)))


# --- recording what a page does --------------------------------------------------

def is_local(url: str, base_url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript", ""):
        return True
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(base_url).netloc


@dataclass
class Recorder:
    """Every request, bad response, failed request, console error and uncaught
    exception of a browser context (its pages and their workers)."""
    base_url: str
    requests: list[str] = field(default_factory=list)
    bad_responses: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context) -> "Recorder":
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("response", self._on_response)
        context.on("requestfailed", lambda request: self.failed.append(
            (request.url, request.failure or "failed")))
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        # whatever the page asks of another host is recorded above, then refused here:
        # the tests run without a network and must never wait for one
        # (a regular expression, matched by the browser, so local requests are not
        # intercepted and keep the HTTP cache)
        local = re.escape(self.base_url.rstrip("/"))
        context.route(re.compile(rf"^(?!{local}/)(https?|wss?|ftp)://"),
                      lambda route: route.abort("blockedbyclient"))
        return self

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.bad_responses.append((response.status, response.url))

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location or {}
            src = where.get("url") or "?"
            self.console_errors.append(f"{message.text} (at {src}:{where.get('lineNumber', '?')})")


def bad_responses(rec: Recorder, label: str) -> list[str]:
    problems = [f"{label}: HTTP {status} for {url}" for status, url in rec.bad_responses]
    problems += [f"{label}: request failed ({why}) for {url}" for url, why in rec.failed
                 if is_local(url, rec.base_url)]
    return problems


def console_problems(rec: Recorder, label: str) -> list[str]:
    return ([f"{label}: console error: {text}" for text in rec.console_errors]
            + [f"{label}: uncaught page error: {text}" for text in rec.page_errors])


def external_requests(rec: Recorder, label: str) -> list[str]:
    seen = []
    for url in rec.requests:
        if not is_local(url, rec.base_url) and url not in seen:
            seen.append(url)
    return [f"{label}: request to another host: {url}" for url in seen]


# --- images ----------------------------------------------------------------------

_IMAGES_JS = """
async () => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const settle = (img) => new Promise(resolve => {
    if (img.complete) return resolve();
    const done = () => resolve();
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 8000);
  });
  const out = [];
  for (const img of Array.from(document.images)) {
    if (!img.getClientRects().length) {
      // not shown now: the other palette's drawing (#only-dark under the light one), a
      // static figure an explorable stands in for, a print breakout. Never fetched by
      // the page; decoded off-screen, so a broken one is still found
      const probe = new Image();
      probe.src = img.src;
      await settle(probe);
      out.push({src: img.getAttribute('src'), current: probe.src, alt: img.getAttribute('alt'),
                natural: probe.naturalWidth, inPicture: !!img.closest('picture'),
                inFigure: !!img.closest('figure, .md-content'), decorative: false});
      continue;
    }
    img.scrollIntoView({block: 'center'});
    await frame();
    await settle(img);
    const pic = img.closest('picture');
    out.push({
      src: img.getAttribute('src'), current: img.currentSrc || img.src,
      alt: img.getAttribute('alt'), natural: img.naturalWidth,
      inPicture: !!pic, inFigure: !!img.closest('figure, .md-content'),
      decorative: img.getAttribute('aria-hidden') === 'true'
                  || ['presentation', 'none'].includes(img.getAttribute('role')),
    });
  }
  // the other candidates of each <picture> (the still poster a reader who prefers
  // reduced motion gets, say): decoded off-screen, one by one
  for (const source of Array.from(document.querySelectorAll('picture source[srcset]'))) {
    for (const candidate of source.getAttribute('srcset').split(',')) {
      const url = candidate.trim().split(/\\s+/)[0];
      if (!url) continue;
      const probe = new Image();
      probe.src = new URL(url, document.baseURI).href;
      await settle(probe);
      const img = source.closest('picture').querySelector('img');
      out.push({
        src: url, current: probe.src, alt: img ? img.getAttribute('alt') : null,
        natural: probe.naturalWidth, inPicture: true, inFigure: true, decorative: false,
        source: source.getAttribute('media') || source.getAttribute('type') || 'source',
      });
    }
  }
  window.scrollTo(0, 0);
  return out;
}
"""


def image_facts(page) -> list[dict]:
    return page.evaluate(_IMAGES_JS)


def check_images(page, label: str, facts: list[dict] | None = None) -> list[str]:
    """Every <img> (and so every <picture>) shows a decoded image once scrolled into view."""
    facts = image_facts(page) if facts is None else facts
    problems = []
    for f in facts:
        if f["natural"]:
            continue
        if f.get("source"):
            problems.append(f"{label}: image did not load (naturalWidth 0): <source "
                            f"srcset={f['src']!r}> ({f['source']}) of the <picture> of "
                            f"alt={_short(f['alt'])!r}")
        else:
            problems.append(f"{label}: image did not load (naturalWidth 0): "
                            f"<img src={f['src']!r} alt={_short(f['alt'])!r}>"
                            + (f" (currentSrc {f['current']})" if f["current"] != f["src"]
                               else "")
                            + (" inside <picture>" if f["inPicture"] else ""))
    return problems


def check_alt(page, label: str, facts: list[dict] | None = None) -> list[str]:
    """Figure images (in the article or a <figure>) need a non-empty alt; any other
    image needs an alt unless it is marked decorative."""
    facts = image_facts(page) if facts is None else facts
    problems = []
    for f in facts:
        if f.get("source"):
            continue  # a <picture>'s alternatives share the alt of its <img>
        alt = (f["alt"] or "").strip()
        if f["inFigure"] and not alt:
            problems.append(f"{label}: figure image without alt text: <img src={f['src']!r}>")
        elif f["alt"] is None and not f["decorative"]:
            problems.append(f"{label}: image without an alt attribute: <img src={f['src']!r}>")
    return problems


def _short(text, n=60):
    if text is None:
        return None
    return text if len(text) <= n else text[: n - 1] + "…"


# --- text, math and leftovers ----------------------------------------------------

_VISIBLE_TEXT_JS = """
() => {
  const SKIP = 'pre, code, kbd, samp, script, style, template, noscript, textarea, svg, math,'
             + ' .katex, .md-search, .md-search-result';
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) s += '#' + e.id;
      else if (e.classList.length) s += '.' + Array.from(e.classList).slice(0, 2).join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(SKIP) || !n.nodeValue.trim()) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    out.push([n.nodeValue, describe(el)]);
  }
  return out;
}
"""

# raw TeX that KaTeX should have turned into typeset math
RAW_TEX = [
    ("a dollar sign (math delimiter)", re.compile(r"\$")),
    ("a TeX command", re.compile(r"\\[A-Za-z]+")),
    ("a TeX delimiter", re.compile(r"\\[()\[\]{}]")),
    ("a TeX sub/superscript group", re.compile(r"[\^_]\{")),
]
# syntax of the Jekyll/kramdown original that must not survive the port
LEFTOVERS = ["{%", "%}", "{::", "{:", "{{", "$$", 'type="math/tex"', "\\(", "\\["]


def visible_text(page) -> list[tuple[str, str]]:
    """(text, where) of every visible text node outside code, math and the search UI."""
    return [tuple(pair) for pair in page.evaluate(_VISIBLE_TEXT_JS)]


def _context(text: str, start: int, end: int) -> str:
    snippet = text[max(0, start - 30): end + 30]
    return " ".join(snippet.split())


def check_leftover_syntax(page, label: str, texts=None) -> list[str]:
    texts = visible_text(page) if texts is None else texts
    problems = []
    for text, where in texts:
        for token in LEFTOVERS:
            i = text.find(token)
            if i >= 0:
                problems.append(f"{label}: leftover {token!r} in the text of {where}: "
                                f"“{_context(text, i, i + len(token))}”")
    scripts = page.locator('script[type^="math/tex"]').count()
    if scripts:
        problems.append(f"{label}: {scripts} <script type=\"math/tex\"> element(s) left in the page")
    return problems


_MATH_FACTS_JS = """
() => ({
  katex: document.querySelectorAll('.katex').length,
  display: document.querySelectorAll('.katex-display').length,
  errors: Array.from(document.querySelectorAll('.katex-error')).map(e =>
    [e.textContent.slice(0, 80), e.getAttribute('title') || '']),
  arithmatex: Array.from(document.querySelectorAll('.arithmatex')).map(e =>
    e.textContent.slice(0, 80)),
})
"""


def math_facts(page) -> dict:
    return page.evaluate(_MATH_FACTS_JS)


def check_math(page, label: str, expected: int | None = None, texts=None) -> list[str]:
    """Every formula typeset: no raw TeX in the visible text, no KaTeX error marks,
    no formula left for client-side rendering, and at least `expected` .katex."""
    texts = visible_text(page) if texts is None else texts
    problems = []
    for text, where in texts:
        for what, pattern in RAW_TEX:
            for match in pattern.finditer(text):
                problems.append(f"{label}: raw TeX ({what}) visible in {where}: "
                                f"“{_context(text, match.start(), match.end())}”")
                break
    facts = math_facts(page)
    for tex, why in facts["errors"]:
        problems.append(f"{label}: KaTeX error mark (.katex-error) on “{tex}”: {why}")
    for tex in facts["arithmatex"]:
        problems.append(f"{label}: formula left untypeset (.arithmatex): “{tex}”")
    if expected is not None and facts["katex"] < expected:
        problems.append(f"{label}: only {facts['katex']} typeset formulas (.katex), "
                        f"but the Markdown has {expected}")
    return problems


# --- the chapter's structure -----------------------------------------------------

_HEADINGS_JS = """
() => Array.from(document.querySelectorAll('article h2, article h3')).map(h => {
  const c = h.cloneNode(true);
  c.querySelectorAll('.headerlink').forEach(a => a.remove());
  return [h.tagName.toLowerCase(), h.id, c.textContent.replace(/\\s+/g, ' ').trim()];
})
"""


def headings(page) -> list[tuple[str, str, str]]:
    """(tag, id, text) of the article's h2 and h3, permalink signs removed."""
    return [tuple(h) for h in page.evaluate(_HEADINGS_JS)]


def original_sections(all_headings, appendix_titles=None) -> list[str]:
    """The titles of the original chapter's sections: without the appendix (the
    h2 sections named in `appendix_titles`, or, when None, the last two h2
    sections: corrections and credits) and their subsections."""
    kept, in_appendix = [], False
    h2s = [i for i, (tag, _, _) in enumerate(all_headings) if tag == "h2"]
    appendix_start = {i for i in h2s[-2:]} if appendix_titles is None else set()
    for i, (tag, _, text) in enumerate(all_headings):
        if tag == "h2":
            in_appendix = (text in appendix_titles) if appendix_titles is not None \
                else i in appendix_start
        if not in_appendix:
            kept.append(text)
    return kept


def check_headings(page, label: str, expected: list[str] | None = None, count: int = 22,
                   appendix_titles=None) -> list[str]:
    found = original_sections(headings(page), appendix_titles)
    problems = []
    if len(found) != count:
        problems.append(f"{label}: {len(found)} section headings (h2/h3 of the article, "
                        f"appendix excluded), expected {count}: {found}")
    if expected is not None and found != expected:
        missing = [t for t in expected if t not in found]
        extra = [t for t in found if t not in expected]
        order = "" if (missing or extra) else " (same titles, different order)"
        problems.append(f"{label}: section headings differ from the original{order}; "
                        f"missing {missing}, unexpected {extra}")
    return problems


def check_cards(page, label: str, expected: int = 13) -> list[str]:
    n = page.locator(".grid.cards.further-reading li").count()
    if n != expected:
        return [f"{label}: {n} further-reading cards (.grid.cards.further-reading li), "
                f"expected {expected}"]
    return []


# --- theme, search, language switcher --------------------------------------------

def color_scheme(page) -> str | None:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


PALETTE_TOGGLE = 'form[data-md-component="palette"] label.md-header__button'


def toggle_scheme(page, label: str) -> tuple[list[str], str | None]:
    """Click the visible palette toggle; (problems, the scheme after the click)."""
    before = color_scheme(page)
    toggle = page.locator(PALETTE_TOGGLE).filter(visible=True)
    if toggle.count() != 1:
        return [f"{label}: expected one visible palette toggle ({PALETTE_TOGGLE}), "
                f"found {toggle.count()}"], before
    title = toggle.first.get_attribute("title")
    toggle.first.click()
    try:
        page.wait_for_function(
            "(b) => document.body.getAttribute('data-md-color-scheme') !== b", arg=before,
            timeout=5000)
    except Exception:
        return [f"{label}: clicking the palette toggle “{title}” left "
                f"body[data-md-color-scheme] at {before!r}"], before
    return [], color_scheme(page)


def check_search(page, label: str, word: str) -> list[str]:
    box = page.locator("input.md-search__input")
    if box.count() == 0:
        return [f"{label}: no search box (input.md-search__input)"]
    box.click()
    box.press_sequentially(word, delay=40)
    box.press("End")  # a key press after typing, as a reader's last keystroke
    try:
        page.locator(".md-search-result__item").first.wait_for(state="attached", timeout=10000)
    except Exception:
        meta = page.locator(".md-search-result__meta")
        said = meta.first.inner_text() if meta.count() else "no result list at all"
        return [f"{label}: searching for {word!r} shows no result (.md-search-result__item); "
                f"the search says: {said!r}"]
    return []


_SWITCHER_JS = """
() => Array.from(document.querySelectorAll(
        '.md-header a[hreflang], .md-select a[hreflang], a.md-select__link'))
  .map(a => [a.getAttribute('hreflang') || '', a.href, a.textContent.trim()])
"""


def switcher_links(page) -> list[tuple[str, str, str]]:
    """(hreflang, absolute href, text) of the language switcher's links."""
    seen, out = set(), []
    for link in page.evaluate(_SWITCHER_JS):
        if tuple(link) not in seen:
            seen.add(tuple(link))
            out.append(tuple(link))
    return out


def check_switcher(context, page, label: str, want: dict[str, str]) -> list[str]:
    """Every switcher link opens a page in the language it names; `want` maps each
    other language to the URL the switcher must offer for it."""
    problems = []
    links = switcher_links(page)
    offered = {lang: href for lang, href, _ in links}
    for lang, url in want.items():
        if lang not in offered:
            problems.append(f"{label}: the language switcher offers no link to {lang!r} "
                            f"({url}); it has {[(l, h) for l, h, _ in links]}")
        elif offered[lang].split("#")[0] != url:
            problems.append(f"{label}: the switcher's {lang!r} link goes to {offered[lang]}, "
                            f"expected {url}")
    for lang, href, text in links:
        # fetched, not opened: the status and the <html lang> are what matter here
        response = context.request.get(href, max_redirects=5)
        if response.status != 200:
            problems.append(f"{label}: the switcher's link “{text}” ({lang}) to {href} "
                            f"answers HTTP {response.status}")
            continue
        match = _HTML_LANG.search(response.text()[:2000])
        got = match.group(1).split("-")[0].lower() if match else None
        if lang and got != lang.split("-")[0].lower():
            problems.append(f"{label}: the switcher's link “{text}” ({lang}) leads to "
                            f"{href}, a page in {got!r}")
    return problems


# --- accessibility ---------------------------------------------------------------

# axe-core findings on Material for MkDocs' own markup (not our content) that we accept.
# Each entry: (rule id, CSS selector the flagged element must match or sit inside,
# reason). A serious or critical finding not matched here fails the tests.
AXE_KNOWN: list[tuple[str, str, str]] = [
    ("aria-dialog-name", ".md-search",
     "Material's search overlay is a <div role=dialog> without an accessible name, in the "
     "theme's header template (mkdocs-material 9.8.1), not in our content; the search "
     "field inside it is labelled (aria-label=Search). Fixing it needs a template override."),
]


# the rules that depend on colours, for a second pass in the dark theme
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _axe_options(rules: list[str] | None) -> dict:
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return options


def start_axe(page, rules: list[str] | None = None) -> None:
    """Inject axe-core (bundled with axe-playwright-python) and start it without
    waiting: pages of different contexts run it in parallel renderer processes."""
    from axe_playwright_python.sync_playwright import Axe

    page.evaluate(Axe().axe_script)
    page.evaluate("(options) => { window.__axeRun = axe.run(document, options); }",
                  _axe_options(rules))


def axe_problems(page, label: str, known: list[tuple[str, str, str]],
                 impacts=("serious", "critical"), rules: list[str] | None = None,
                 started: bool = False) -> tuple[list[str], list[dict]]:
    """(problems, every finding). A serious or critical violation is a problem unless
    its element matches a (rule id, CSS selector, reason) entry of `known`."""
    if not started:
        start_axe(page, rules)
    response = page.evaluate("() => window.__axeRun")
    problems, findings = [], []
    for violation in response["violations"]:
        failing = []
        for node in violation["nodes"]:
            target = node["target"][0] if node["target"] else ""
            target = target if isinstance(target, str) else " ".join(target)
            reason = _known_reason(page, violation["id"], target, known)
            findings.append({"page": label, "rule": violation["id"],
                             "impact": violation["impact"], "help": violation["help"],
                             "target": target, "html": node.get("html", "")[:300],
                             "summary": node.get("failureSummary", ""),
                             "excluded_because": reason})
            if violation["impact"] in impacts and reason is None:
                failing.append(node)
        if failing:
            first = " ".join(failing[0].get("failureSummary", "").split())
            examples = "; ".join(f"{' '.join(map(str, n['target']))} "
                                 f"{' '.join(n.get('html', '').split())[:100]}"
                                 for n in failing[:6])
            more = f" (and {len(failing) - 6} more)" if len(failing) > 6 else ""
            problems.append(f"{label}: axe {violation['impact']} {violation['id']} "
                            f"({violation['help']}) on {len(failing)} element(s): "
                            f"{examples}{more}. First: {first}")
    return problems, findings


def _known_reason(page, rule: str, target: str, known) -> str | None:
    for known_rule, selector, reason in known:
        if known_rule != rule:
            continue
        matches = page.evaluate(
            "([t, s]) => { try { const e = document.querySelector(t);"
            " return !!e && !!e.closest(s); } catch (err) { return false; } }",
            [target, selector])
        if matches:
            return reason
    return None


# --- phone layout ----------------------------------------------------------------

_OVERFLOW_JS = """
() => {
  // the layout viewport: on a phone, window.innerWidth grows when the browser zooms out
  // to fit a page that is too wide, which would hide the very problem looked for here
  const vw = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const out = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.classList.length) s += '.' + Array.from(el.classList).slice(0, 3).join('.');
    const text = (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 50);
    return text ? `${s} (“${text}”)` : s;
  };
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > vw) {
    // the elements that stick out of the viewport with nothing clipping them
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        if (clips(a)) { clipped = true; break; }
      }
      if (!clipped) culprits.push(el);
    }
    const leaves = culprits.filter(el => !culprits.some(o => o !== el && el.contains(o)));
    out.push(`the page scrolls sideways: document width ${pageWidth}px > viewport ${vw}px; `
             + `sticking out: ${leaves.slice(0, 5).map(e => describe(e) + ' right edge at '
             + Math.round(e.getBoundingClientRect().right) + 'px').join('; ') || 'unknown'}`);
  }
  for (const el of document.querySelectorAll('.katex-display')) {
    if (!el.checkVisibility()) continue;
    const wide = el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > vw + 1;
    if (wide && !scrolls(el)) {
      out.push(`wide equation ${describe(el)} (${el.scrollWidth}px) does not scroll in its own `
               + `box: overflow-x is ${getComputedStyle(el).overflowX}`);
    }
  }
  for (const el of document.querySelectorAll('table')) {
    if (!el.checkVisibility()) continue;
    const wide = el.scrollWidth > vw || el.getBoundingClientRect().right > vw + 1;
    if (!wide && el.scrollWidth <= el.clientWidth + 1) continue;
    let box = el;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    if (!box || box === document.body) {
      out.push(`wide table ${describe(el)} (${el.scrollWidth}px) has no scrolling box `
               + `(overflow-x auto/scroll on it or an ancestor)`);
    } else if (box.getBoundingClientRect().right > vw + 1) {
      out.push(`the scrolling box of table ${describe(el)} is itself wider than the viewport`);
    }
  }
  return out;
}
"""


def check_overflow(page, label: str) -> list[str]:
    """No sideways scrolling of the page; wide equations and tables scroll in their box."""
    return [f"{label}: {problem}" for problem in page.evaluate(_OVERFLOW_JS)]


# --- loading ---------------------------------------------------------------------

@dataclass
class Visit:
    """A page loaded in its own browser context, with everything it did recorded.
    Its lazy figures load when a check scrolls them into view (check_images)."""
    label: str
    url: str
    page: object
    context: object
    recorder: Recorder
    status: int | None
    _images: list | None = None
    _texts: list | None = None

    @property
    def images(self) -> list[dict]:
        """Facts of every image, each scrolled into view first (computed once)."""
        if self._images is None:
            self._images = image_facts(self.page)
        return self._images

    @property
    def texts(self) -> list[tuple[str, str]]:
        if self._texts is None:
            self._texts = visible_text(self.page)
        return self._texts

    def settled(self) -> "Visit":
        """Every image requested (scrolled into view) and the network quiet, so the
        recorder holds all that the page will ever ask for."""
        self.images
        try:
            self.page.wait_for_load_state("networkidle", timeout=10000)
        except Exception:
            pass  # a page that keeps the network busy: the checks show what it asked
        return self


def load_all_images(page, timeout_ms: int = 15000) -> None:
    """Make lazy images eager and wait until every image is done, without scrolling
    (for layout checks and screenshots, where the page must be complete)."""
    page.evaluate(
        """async (timeout) => {
             const imgs = Array.from(document.images);
             imgs.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
             await Promise.race([
               Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
                 img.addEventListener('load', r, {once: true});
                 img.addEventListener('error', r, {once: true});
               }))),
               new Promise(r => setTimeout(r, timeout)),
             ]);
           }""", timeout_ms)


def open_visit(browser, url: str, label: str, base_url: str, *, viewport=(1280, 800),
               color_scheme_pref="light", mobile=False, reduced_motion="no-preference",
               all_images=False) -> Visit:
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        color_scheme=color_scheme_pref, is_mobile=mobile, has_touch=mobile,
        service_workers="block", reduced_motion=reduced_motion)
    context.set_default_timeout(15000)
    recorder = Recorder(base_url).attach(context)
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    if all_images:
        load_all_images(page)
    return Visit(label, url, page, context, recorder, response.status if response else None)


def page_url(base_url: str, path: str) -> str:
    return urljoin(base_url, path.lstrip("/"))
