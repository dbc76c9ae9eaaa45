"""One MkDocs build per language: the site layer of the translations (ml4a_figs/i18n/).

`ML4A_LANG=ko mkdocs build` builds Korean: `configure` points docs_dir at docs/ko,
site_dir at site/ko, the theme and search at Korean, translates the site name and the
nav; `LanguageBuild` checks the language's files before MkDocs reads them and assembles
each page (translated sections, the others in English under a note). mkdocs.yml is read
with MkDocs' own loader (`project`), so its !ENV and !relative tags mean what they mean to
MkDocs; our former hand-written YAML loader read them as nothing.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..i18n import published, sanitize
from ..i18n.assembly import GUIDE, assemble
from ..i18n.problems import TranslationError, rel
from ..i18n.sections import read
from ..i18n.status import (STRINGS_FILE, PageStatus, Project, from_config, languages,
                           section_states)

ENV = "ML4A_LANG"  # the language a build is for; unset = the original
THEME_DIR = Path(__file__).resolve().parent / "i18n_theme"


class I18nError(PluginError):
    """Bad input in a translation: every problem as `path:line: message`. A PluginError,
    so MkDocs stops the build and prints them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad input in a translation:\n" + "\n".join(problems))


def project(root: Path | str) -> Project:
    """The project of the mkdocs.yml in `root`, read by MkDocs' own YAML loader (with
    its tags and INHERIT), without validating or loading any plugin."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    config_file = Path(root).resolve() / "mkdocs.yml"
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file)))
    with open(config_file, "rb") as f:
        return from_config(config_file.parent, yaml_load(f, loader))


def plain_text(text: str) -> str:
    """A translator's string shown in the page's frame (title, site name, nav): the
    checks refuse markup in it; whatever is left cannot open a tag or an attribute."""
    previous = None
    while previous != text:
        previous, text = text, html.unescape(text)
    return re.sub(r'[<>"]', "", text)


def _line_of_lang(config_file: Path, code: str) -> int:
    lines = config_file.read_text(encoding="utf-8").split("\n")
    return next((n for n, l in enumerate(lines, start=1)
                 if re.search(rf"lang:\s*{re.escape(code)}\b", l)), 1)


class LanguageBuild:
    """What the plugin needs for the build of one language (see configure)."""

    def __init__(self, proj: Project, code: str, site_root_up: str):
        self.project = proj
        self.code = code
        self.up = site_root_up  # from this build's root to the site's root
        self.strings = proj.strings(code)
        self.statuses: dict[str, PageStatus] = {}
        self.fallback_pages: set[str] = set()
        self.names = (None, None)  # figure and fact names, set by the plugin
        self._checked: dict[str, PageStatus] = {}  # checked before MkDocs reads a page

    @property
    def is_original(self) -> bool:
        return self.code == self.project.original

    def files(self, files, config):
        """Drop language.yml; add the English pages this language has not translated."""
        from mkdocs.structure.files import File

        for f in list(files):
            if f.src_uri == STRINGS_FILE:
                files.remove(f)
        # pymdownx.snippets runs on the English pages only: each include inside the project
        if problems := self.project.include_problems():
            raise I18nError(problems)
        if self.is_original:
            return files
        # every page of the language checked before MkDocs reads any of them (a file
        # that is not UTF-8 is a problem at its line, not MkDocs' decoding error)
        problems = self.project.check_language(self.code, *self.names, statuses=self._checked)
        if problems:
            raise I18nError(problems)
        for page in self.project.english_pages():
            if files.get_file_from_path(page) is None:
                files.append(File(page, str(self.project.english_docs), config.site_dir,
                                  config.use_directory_urls))
                self.fallback_pages.add(page)
        return files

    def page_markdown(self, markdown: str, page, figures=None, facts=None) -> str:
        src = page.file.src_uri
        if self.is_original or not src.endswith(".md"):
            return markdown
        english_path = self.project.english_docs / src
        if not english_path.is_file():
            return markdown
        english = read(english_path, self.project.root)
        guide = posixpath.relpath(GUIDE, posixpath.dirname(src) or ".")
        depth = page.url.count("/") if page.url else 0
        english_url = "../" * depth + self.up + page.url
        if src in self.fallback_pages:
            self.statuses[src] = PageStatus(self.code, src, english, None,
                                            section_states(None, english), [])
            return assemble(None, english, self.strings, guide=guide, english_url=english_url,
                            original=self.project.original)
        status = self._checked.get(src) or self.project.page_status(self.code, src, figures,
                                                                    facts)
        if status.problems:
            raise I18nError(status.problems)
        self.statuses[src] = status
        return assemble(status.translation, english, self.strings, guide=guide,
                        english_url=english_url, original=self.project.original)

    def publish(self, content: str, page) -> str:
        """A translated build's page HTML, after Markdown and before KaTeX: cleaned by the
        allowlist the checks judged it by (plus the build's figure markup), its title
        made plain text. The checks have refused what this removes; this is the second
        line of defence. The original's pages are the project's own and pass untouched."""
        if self.is_original:
            return content
        page.meta["title"] = plain_text(page.title or "")
        for key, value in page.meta.items():
            if isinstance(value, str):
                page.meta[key] = plain_text(value)
        content = sanitize.clean(content, build=True)
        # judged on what is published: no section and no translated text lost
        status = self.statuses.get(page.file.src_uri)
        if status is not None and (problems := published.lost(
                status.translation, status.english, content, self.project.render)):
            raise I18nError(problems)
        return content

    def summary(self) -> str:
        if self.is_original or not self.statuses:
            return ""
        name = next((l.name for l in self.project.languages if l.code == self.code), self.code)
        lines = [f"translation {self.code} ({name}):"]
        lines += [f"  {s.summary()}" for _, s in sorted(self.statuses.items())]
        lines.append("  details: make i18n-status")
        return "\n".join(lines)


def configure(config, root: Path | str) -> LanguageBuild:
    """Set up the build for the language in $ML4A_LANG (the original when unset):
    docs_dir docs/<lang>, site_dir site/<lang>, theme and search language, translated
    site name and nav; and the switcher that opens the same page in another language."""
    root = Path(root)
    original = config.theme["language"] if "language" in config.theme else "en"
    english_docs = Path(config.docs_dir)
    extra = config.extra or {}
    langs = languages(extra, original)
    extensions = [{name: dict(config.mdx_configs.get(name, {}))}
                  for name in config.markdown_extensions if isinstance(name, str)]
    proj = Project(root, original, english_docs, langs, extensions,
                   list(extra.get("alternate") or []))
    code = os.environ.get(ENV, "").strip() or original
    if code not in [lang.code for lang in langs]:
        raise PluginError(f"{ENV}={code}: not a language of this site; the languages are the "
                          f"lang of each line of extra.alternate in mkdocs.yml: "
                          f"{', '.join(l.code for l in langs)}")
    if THEME_DIR not in map(Path, config.theme.dirs):
        config.theme.dirs.insert(0, str(THEME_DIR))
    # every language line is checked by every build, the original's first: the English
    # site never publishes a menu link to a language that cannot be built
    problems = proj.language_problems(Path(config.config_file_path))
    for lang in proj.translations:
        if not any((Path(d) / "partials" / "languages" / f"{lang.code}.html").is_file()
                   for d in config.theme.dirs):
            line = _line_of_lang(Path(config.config_file_path), lang.code)
            problems.append(f"{rel(Path(config.config_file_path), root)}:{line}: the theme has "
                            f"no translation for {lang.code!r} (partials/languages/"
                            f"{lang.code}.html); use one of Material's language codes")
    if problems:
        raise I18nError(problems)
    up = ""
    if code != original:
        docs = proj.docs(code)
        config.docs_dir = str(docs)
        config.site_dir = str(Path(config.site_dir) / code)
        config.theme["language"] = code
        link = next(l.link for l in langs if l.code == code).strip("/")
        up = "../" * (link.count("/") + 1) if link else ""
        _configure_search(config, code, original)
        try:
            strings = proj.strings(code)
        except TranslationError as exc:
            raise I18nError(exc.problems) from None
        for key in ("site_name", "site_description"):
            if strings.get(key):
                config[key] = plain_text(strings[key])
        if strings.get("nav") and config.nav:
            words = {k: plain_text(v) for k, v in strings["nav"].items() if isinstance(v, str)}
            config.nav = _translate_nav(config.nav, words)
    config.extra["i18n"] = {"lang": code, "up": up}
    return LanguageBuild(proj, code, up)


def _configure_search(config, code: str, original: str) -> None:
    """Search tokenised for the language and for English (the sections that fall back)."""
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    if plugin is None or getattr(plugin.config, "lang", None):
        return
    import material

    lunr = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr" / "min"
    base = code.split("-")[0]
    langs = [base] if (lunr / f"lunr.{base}.min.js").is_file() else []
    plugin.config.lang = langs + [original] if original not in langs else langs
    if plugin.config.pipeline is None:  # as the English site's (Material's "en" default)
        plugin.config.pipeline = ["stopWordFilter"]


def _translate_nav(nav, words: dict):
    if isinstance(nav, list):
        return [_translate_nav(item, words) for item in nav]
    if isinstance(nav, dict):
        return {words.get(k, k): _translate_nav(v, words) for k, v in nav.items()}
    return nav
