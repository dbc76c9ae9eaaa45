"""The site's languages, each one plain MkDocs configuration: `make site` builds them all.

`derive` reads mkdocs.yml once with MkDocs' own loader (its !ENV and !relative tags mean
what they mean to MkDocs) and, for each line of extra.alternate (the original first), gives
MkDocs' `load_config` the keys that differ for that language: docs/<lang> and site/<lang>,
Material's theme and search in that language, the translated site name and nav, and
extra.i18n (the language, and the way up to the site's root that the language menu takes).
The configurations are built once and handed to the build; nothing is read from the
environment. `LanguageBuild` is what the project's plugin needs for one language's pages:
the translation checked before MkDocs reads it, and each page assembled from the translated
sections and the English ones it lacks (ml4a_figs/i18n/).
"""

from __future__ import annotations

import copy
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from ..i18n import published, sanitize
from ..i18n.assembly import GUIDE, assemble
from ..i18n.sections import read, rel
from ..i18n.status import (STRINGS_FILE, PageStatus, Project, TranslationError, from_config,
                           project, section_states)

PRINT_LINK = "ml4a-print-edition"  # the plugin linking the PDF, left out where none is printed


class I18nError(PluginError):
    """Bad input in a translation: every problem as `path:line: message`. A PluginError,
    so MkDocs stops the build and prints them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad input in a translation:\n" + "\n".join(problems))


def read_config(config_file: Path | str) -> dict:
    """mkdocs.yml as MkDocs reads it (its tags and INHERIT), not yet validated."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    config_file = Path(config_file).resolve()
    loader = get_yaml_loader(config=MkDocsConfig(config_file_path=str(config_file)))
    with open(config_file, "rb") as f:
        return yaml_load(f, loader) or {}


def plain_text(text: str) -> str:
    """A translator's string shown in the page's frame (title, site name, nav): the
    checks refuse markup in it; whatever is left cannot open a tag or an attribute."""
    previous = None
    while previous != text:
        previous, text = text, html.unescape(text)
    return re.sub(r'[<>"]', "", text)


def check(proj: Project, config_file: Path) -> None:
    """Every line of extra.alternate is a language this site can build, before any is
    built: no menu links to a language that fails."""
    import material

    problems = proj.language_problems(config_file)
    partials = Path(material.__file__).parent / "templates" / "partials" / "languages"
    for lang in proj.translations:
        if not (partials / f"{lang.code}.html").is_file():
            problems.append(f"{rel(config_file, proj.root)}:{lang.line}: "
                            f"the theme has no translation for {lang.code!r} (partials/languages/"
                            f"{lang.code}.html); use one of Material's language codes")
    if problems:
        raise I18nError(problems)


@dataclass(frozen=True)
class SiteLanguage:
    """One language of the site: its validated MkDocs configuration and its pages' state."""
    code: str
    config: object  # MkDocsConfig
    build: "LanguageBuild"


def derive(config_file: Path | str, site_dir: Path | str | None = None,
           codes: list[str] | None = None, print_link: bool = True) -> list[SiteLanguage]:
    """The configuration of each language (all, or `codes`), the original first, built
    into `site_dir` (default: mkdocs.yml's). `print_link=False` leaves out the link to the
    printable edition (`make serve` prints none)."""
    from mkdocs.config import load_config

    config_file = Path(config_file).resolve()
    raw = read_config(config_file)
    proj = from_config(config_file.parent, raw, config_file)
    check(proj, config_file)
    known = [lang.code for lang in proj.languages]
    unknown = [c for c in codes or [] if c not in known]
    if unknown:
        raise I18nError([f"{rel(config_file, proj.root)}:1: {', '.join(unknown)}: not a "
                         f"language of this site; its languages are the lang of each line of "
                         f"extra.alternate: {', '.join(known)}"])
    site_dir = Path(site_dir) if site_dir else config_file.parent / str(raw.get("site_dir") or "site")
    out = []
    for lang in proj.languages:
        if codes and lang.code not in codes:
            continue
        up = "../" * (lang.link.strip("/").count("/") + 1) if lang.link.strip("/") else ""
        options = _options(raw, proj, lang.code, up, site_dir, print_link)
        config = load_config(str(config_file), **options)
        out.append(SiteLanguage(lang.code, config, LanguageBuild(proj, lang.code, up)))
    return out


def _options(raw: dict, proj: Project, code: str, up: str, site_dir: Path,
             print_link: bool) -> dict:
    """The keys of mkdocs.yml that differ for the language `code` (copies: MkDocs'
    validation consumes the plugin entries it is given)."""
    raw = copy.deepcopy(raw)
    plugins = raw.get("plugins") or []
    if isinstance(plugins, dict):  # MkDocs also takes plugins as a mapping
        plugins = [{name: value} for name, value in plugins.items()]
    if not print_link:
        plugins = [p for p in plugins if _plugin_name(p) != PRINT_LINK]
    try:
        strings = proj.strings(code)
    except TranslationError as exc:
        raise I18nError(exc.problems) from None
    # extra.i18n: the language, the way up to the site's root, the PDF's words
    options = {"site_dir": str(site_dir),
               "extra": dict(raw.get("extra") or {}, i18n={
                   "lang": code, "up": up, "print": strings.get("print") or {}}),
               "plugins": plugins}
    if strings.get("copyright"):  # the footer's licence line, in the language's words
        options["copyright"] = copyright_html(proj, strings["copyright"])
    if code == proj.original:
        return options
    theme = raw.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else dict(theme)
    options.update(docs_dir=str(proj.docs(code)), site_dir=str(site_dir / code),
                   theme=dict(theme, language=code),
                   plugins=[_search_in(p, code, proj.original) for p in plugins])
    for key in ("site_name", "site_description"):
        if strings.get(key):
            options[key] = plain_text(strings[key])
    if strings.get("nav") and raw.get("nav"):
        words = {k: plain_text(v) for k, v in strings["nav"].items() if isinstance(v, str)}
        options["nav"] = _translate_nav(raw["nav"], words)
    return options


def copyright_html(proj: Project, markdown: str) -> str:
    """language.yml's licence line (Markdown, links allowed) as the footer's HTML, cleaned
    by the translations' allowlist."""
    rendered = proj.render(markdown).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered[3:-4]
    return sanitize.clean(rendered, build=True)


def _plugin_name(entry) -> str:
    return entry if isinstance(entry, str) else next(iter(entry), "")


def _search_in(entry, code: str, original: str):
    """The search plugin's entry, tokenising for the language and for English (the
    sections that fall back), unless mkdocs.yml sets its languages itself."""
    if _plugin_name(entry) not in ("search", "material/search"):
        return entry
    name = _plugin_name(entry)
    options = dict(entry[name] or {}) if isinstance(entry, dict) else {}
    if options.get("lang"):
        return entry
    import material

    lunr = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr" / "min"
    base = code.split("-")[0]
    langs = [base] if (lunr / f"lunr.{base}.min.js").is_file() else []
    options["lang"] = langs + [original] if original not in langs else langs
    options.setdefault("pipeline", ["stopWordFilter"])  # as the English site's (Material's "en")
    return {name: options}


def _translate_nav(nav, words: dict):
    if isinstance(nav, list):
        return [_translate_nav(item, words) for item in nav]
    if isinstance(nav, dict):
        return {words.get(k, k): _translate_nav(v, words) for k, v in nav.items()}
    return nav


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

    def fallback_lang(self, key: str) -> str | None:
        """The original's code when this language's language.yml lacks `key` (its words
        are then the original's, marked lang= on the page), else None."""
        if self.is_original or self.project.defines(self.code, key):
            return None
        return self.project.original

    def notebook_note(self, content: str) -> str:
        """A notebook page of a translation is the original's notebook: say so under its
        title, in the reader's language, as an untranslated page says it."""
        if self.is_original:
            return content
        guide = "../../translating/"  # from notebooks/NAME/ to the guide of this language
        body = self.strings["untranslated_page"].format(guide=guide)
        note = sanitize.clean(
            '<div class="admonition info i18n-note"><p class="admonition-title">'
            f'{html.escape(plain_text(self.strings["untranslated_page_title"]))}</p>'
            f'{self.project.render(body)}</div>', build=True)
        end = content.find("</h1>")
        if end < 0:
            return note + content
        end += len("</h1>")
        return content[:end] + note + content[end:]

    def summary(self) -> str:
        if self.is_original or not self.statuses:
            return ""
        name = next((l.name for l in self.project.languages if l.code == self.code), self.code)
        lines = [f"translation {self.code} ({name}):"]
        lines += [f"  {s.summary()}" for _, s in sorted(self.statuses.items())]
        lines.append("  details: make i18n-status")
        return "\n".join(lines)


def original(config_file: Path | str) -> LanguageBuild:
    """The original language's pages, for a plain `mkdocs build` of mkdocs.yml."""
    config_file = Path(config_file).resolve()
    proj = project(config_file)
    check(proj, config_file)
    return LanguageBuild(proj, proj.original, "")
