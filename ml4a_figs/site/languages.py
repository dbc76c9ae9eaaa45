"""The site's languages, each one plain MkDocs configuration: `make site` builds them all.

`derive` gives MkDocs' `load_config`, for each language (the original first), the keys of
mkdocs.yml that differ: docs/<lang> and site/<lang>, Material's theme and search in that
language, the translated site name and nav, and extra.i18n.up (the language menu's way up
to the site's root). `LanguageBuild` is what the plugin needs for that language's pages.
"""

from __future__ import annotations

import copy
import functools
import html
import posixpath
import re
from pathlib import Path

from ..i18n import published, sanitize
from ..i18n.assembly import GUIDE, assemble
from ..i18n.sections import rel
from ..i18n.status import PageStatus, Project, TranslationError, from_config


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

    problems = proj.language_problems()
    partials = Path(material.__file__).parent / "templates" / "partials" / "languages"
    for lang in proj.translations:
        if not (partials / f"{lang.code}.html").is_file():
            problems.append(f"{rel(config_file, proj.root)}:{lang.line}: the theme has no "
                            f"translation for {lang.code!r} (partials/languages/{lang.code}"
                            f".html); use one of Material's language codes")
    if problems:
        raise TranslationError(problems)


def derive(config_file: Path | str, site_dir: Path | str | None = None,
           codes: list[str] | None = None, print_link: bool = True) -> list[LanguageBuild]:
    """The configuration of each language (all, or `codes`), the original first, built
    into `site_dir` (default: mkdocs.yml's). `print_link=False` leaves out the link to the
    printable edition (`make serve` prints none)."""
    config_file = Path(config_file).resolve()
    raw = read_config(config_file)
    proj = from_config(config_file.parent, raw, config_file)
    check(proj, config_file)
    known = [lang.code for lang in proj.languages]
    if unknown := [c for c in codes or [] if c not in known]:
        raise TranslationError([f"{rel(config_file, proj.root)}:1: {', '.join(unknown)}: not "
                                f"a language of this site; its languages are the lang of "
                                f"each line of extra.alternate: {', '.join(known)}"])
    site_dir = Path(site_dir or config_file.parent / str(raw.get("site_dir") or "site"))
    out = []
    for code in known:
        if not codes or code in codes:
            lang = LanguageBuild(proj, code, print_link)
            # a copy each time: MkDocs' validation consumes the plugin entries it is given
            lang.options = _options(copy.deepcopy(raw), lang, site_dir)
            out.append(lang)
    return out


def _options(raw: dict, build: LanguageBuild, site_dir: Path) -> dict:
    """The keys of mkdocs.yml that differ for the language of `build`."""
    options = {"site_dir": str(site_dir),
               "extra": dict(raw.get("extra") or {}, i18n={"up": build.up})}
    if build.is_original:
        return options
    code, proj, strings = build.code, build.project, build.strings
    theme = raw.get("theme") or {}
    theme = {"name": theme} if isinstance(theme, str) else theme
    plugins = raw.get("plugins") or []
    if isinstance(plugins, dict):  # MkDocs also takes plugins as a mapping
        plugins = [{name: value} for name, value in plugins.items()]
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


def _search_in(entry, code: str, original: str):
    """The search plugin's entry, tokenising for the language and for the original (the
    sections that fall back), unless mkdocs.yml sets its languages itself. MkDocs' own
    option drops a language lunr has no tokeniser for."""
    name = entry if isinstance(entry, str) else next(iter(entry), "")
    options = dict(entry[name] or {}) if isinstance(entry, dict) else {}
    if name not in ("search", "material/search") or options.get("lang"):
        return entry
    options["lang"] = list(dict.fromkeys([code.split("-")[0], original]))
    options.setdefault("pipeline", ["stopWordFilter"])  # as the original's (Material's "en")
    return {name: options}


def _translate_nav(nav, words: dict):
    if isinstance(nav, list):
        return [_translate_nav(item, words) for item in nav]
    if isinstance(nav, dict):
        return {words.get(k, k): _translate_nav(v, words) for k, v in nav.items()}
    return nav


class LanguageBuild:
    """One language of the site: its MkDocs configuration (derive's) and what the plugin
    needs for its pages."""

    def __init__(self, proj: Project, code: str, print_link: bool = True):
        self.project = proj
        self.code = code
        self.is_original = code == proj.original
        self.up = "" if self.is_original else "../"  # from this build's root to the site's
        self.print_link = print_link  # the link to the printable edition
        self.options: dict = {}  # the keys of mkdocs.yml that differ for it (derive's)
        self.strings = proj.strings(code)
        # each English page's translation, checked before MkDocs reads any page
        self.statuses: dict[str, PageStatus] = {}

    @functools.cached_property
    def config(self):
        """The validated MkDocsConfig, loaded on first use: load each language's right
        before its build, since MkDocs shares a plugin with on_startup (Material's
        search) between every configuration loaded in one process, and the last load
        sets that plugin's options."""
        from mkdocs.config import load_config

        return load_config(str(self.project.config_file), **self.options)

    def copyright_html(self) -> str | None:
        """language.yml's licence line (Markdown, links allowed) as the footer's HTML,
        cleaned by the translations' allowlist."""
        if not self.strings.get("copyright"):
            return None
        rendered = self.project.render(self.strings["copyright"]).strip()
        if rendered.startswith("<p>") and rendered.endswith("</p>"):
            rendered = rendered[3:-4]
        return sanitize.clean(rendered, build=True)

    def files(self, files, config, figures: set, facts: set):
        """Check the translation (its figure and fact names among the build's); add the
        English pages it has not translated."""
        from mkdocs.structure.files import File

        # pymdownx.snippets runs on the English pages only: each include inside the project
        problems = self.project.include_problems()
        # every page of a translation checked before MkDocs reads any of them (a file
        # that is not UTF-8 is a problem at its line, not MkDocs' decoding error)
        if not self.is_original:
            problems += self.project.check_language(self.code, figures, facts,
                                                    statuses=self.statuses)
        if problems:
            raise TranslationError(problems)
        if self.is_original:
            return files
        for page in self.project.english_pages():
            if files.get_file_from_path(page) is None:
                files.append(File(page, str(self.project.english_docs), config.site_dir,
                                  config.use_directory_urls))
        return files

    def page_markdown(self, markdown: str, page) -> str:
        """A page of a translation as MkDocs renders it: its translated sections, and
        the English ones it lacks under a note (i18n.assembly)."""
        src = page.file.src_uri
        status = self.statuses.get(src)  # None: the original, or not an English page
        if status is None:
            return markdown
        english_url = "../" * page.url.count("/") + self.up + page.url
        return assemble(status.translation, status.english, self.strings, english_url=english_url,
                        guide=posixpath.relpath(GUIDE, posixpath.dirname(src) or "."))

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
            raise TranslationError(problems)
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
        body = self.strings["untranslated_page"].format(guide="../../translating/")
        note = sanitize.clean(
            '<div class="admonition info i18n-note"><p class="admonition-title">'
            f'{html.escape(plain_text(self.strings["untranslated_page_title"]))}</p>'
            f'{self.project.render(body)}</div>', build=True)
        return under_title(content, note)

    def summary(self) -> str:
        if self.is_original or not self.statuses:
            return ""
        name = next(lang.name for lang in self.project.languages if lang.code == self.code)
        lines = [f"translation {self.code} ({name}):"]
        lines += [f"  {s.summary()}" for _, s in sorted(self.statuses.items())]
        return "\n".join(lines + ["  details: make i18n-status"])


def under_title(content: str, markup: str) -> str:
    """`markup` right under the page's <h1> (at the top if it has none)."""
    end = content.find("</h1>")
    if end < 0:
        return markup + content
    end += len("</h1>")
    return content[:end] + "\n" + markup + content[end:]

