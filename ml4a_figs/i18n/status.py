"""The project's languages and where each translation stands: the one reader of a site's
languages (extra.alternate in mkdocs.yml, the original first) and of the words each one
adds around a page (docs/<lang>/language.yml); per English section, translated, OUTDATED
(the English changed since) or missing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .checks import check, check_strings, key_line
from .files import foreign_files, include_problems
from .sanitize import Renderer, mkdocs_config, plain_text_refusal
from .sections import MARKER_NAME, Doc, Section, read, rel
from ..figures.references import closest
from ..pipeline.translations import STRINGS_FILE, TranslationError, read_yaml

# Every key a language.yml may hold; the English words are docs/en/language.yml, the
# fallback of every other language (a key missing in both is said as nothing).
DEFAULT_STRINGS = {
    "site_name": None, "site_description": None, "copyright": None,
    "untranslated_title": "", "untranslated": "",
    "untranslated_page_title": "", "untranslated_page": "",
    "outdated_title": "", "outdated": "",
    "nav": {},
    "explore": {},  # the explorables' controls and readouts: common, then per figure
    "download": {},  # the "run it yourself" box of a notebook page
    "print": {},  # the printable edition's cover and link
    "figures": {},  # the texts inside the figures: English: translation
    "figure_fonts": [],  # the fonts of the figures' text (pipeline/translations.py)
}
TABLES = ("nav", "download", "print", "figures")  # text: text
SECTIONS = ("explore",)  # part: {text: text}

TRANSLATED, OUTDATED, MISSING = "translated", "OUTDATED", "missing"

# A language code names folders (docs/<lang>/, site/<lang>/), cache files and the printed
# PDF: a well-formed BCP 47 tag (RFC 5646's `langtag`; no grandfathered or private-use-only
# tags), which keeps out every character a path or a glob could use. A regex, not the
# IANA registry (langcodes): the site also requires a code Material has a translation for.
_ALNUM = "[a-z0-9]"
BCP47 = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[a-wyz0-9](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?",  # private use
    re.IGNORECASE | re.ASCII)
MAX_NAME_CHARS = 40  # a language's name in the menu of every page


def code_problem(code) -> str | None:
    """Why `code` is not a language code this site can use, or None."""
    if not isinstance(code, str) or not BCP47.fullmatch(code):
        return (f"lang {code!r} is not a language code: write a BCP 47 tag such as ko, ja, "
                f"pt-BR or zh-Hant (letters, digits and hyphens)")
    return None


def name_problem(name) -> str | None:
    """Why `name` cannot be shown in the language menu (plain text, short), or None."""
    if not isinstance(name, str) or not name.strip():
        return "name is missing: write the language's name in that language, e.g. 日本語"
    if why := plain_text_refusal(name):
        return f"name: {why}"
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200c\u200d" for c in name):
        return "name holds a control or invisible character; remove it"
    if len(name) > MAX_NAME_CHARS:
        return f"name is {len(name)} characters long; at most {MAX_NAME_CHARS}"
    return None


@dataclass
class SectionStatus:
    english: Section
    state: str
    translation: Section | None = None

    @property
    def marker_line(self) -> str:
        return f"<!-- {MARKER_NAME}: {self.english.hash} -->"


def section_states(doc: Doc | None, english: Doc) -> list[SectionStatus]:
    """Each English section: translated, OUTDATED (hash differs or no marker) or missing."""
    translated = doc.translating(english) if doc else {}
    out = []
    for e in english.sections:
        t = translated.get(e.id)
        state = MISSING if t is None else OUTDATED if t.marker != e.hash else TRANSLATED
        out.append(SectionStatus(e, state, t))
    return out


@dataclass
class PageStatus:
    lang: str
    page: str  # the page's path inside docs/<lang>/
    english: Doc
    translation: Doc | None
    sections: list[SectionStatus]
    problems: list[str]

    def count(self, state: str) -> int:
        return sum(1 for s in self.sections if s.state == state)

    def summary(self) -> str:
        if self.translation is None:
            return f"{self.page}: not translated (shown in English)"
        return (f"{self.page}: {self.count(TRANSLATED)} of {len(self.sections)} sections "
                f"translated, {self.count(OUTDATED)} OUTDATED, {self.count(MISSING)} missing "
                f"(shown in English)")


@dataclass
class Language:
    code: str
    name: str
    line: int = 1  # its line of mkdocs.yml


@dataclass
class Project:
    root: Path
    original: str  # the original's language code (theme.language of mkdocs.yml)
    english_docs: Path  # docs_dir of mkdocs.yml
    config_file: Path
    alternate: list  # extra.alternate as written
    markdown_extensions: list | None = None  # markdown_extensions of mkdocs.yml

    @cached_property
    def render(self) -> Renderer:
        return Renderer(self.markdown_extensions)

    @cached_property
    def entry_lines(self) -> list[int]:
        """The line of mkdocs.yml where each extra.alternate entry starts, by YAML's marks
        (1 where the file cannot say, e.g. an entry from an INHERIT file)."""
        try:
            node = yaml.compose(self.config_file.read_text(encoding="utf-8"))
            for key in ("extra", "alternate"):
                node = next(v for k, v in node.value if k.value == key)
            lines = [item.start_mark.line + 1 for item in node.value]
        except (OSError, UnicodeDecodeError, yaml.YAMLError, StopIteration, AttributeError):
            lines = []
        return lines if len(lines) == len(self.alternate) else [1] * len(self.alternate)

    @cached_property
    def languages(self) -> list[Language]:
        """The languages of extra.alternate with a valid code (language_problems reports
        the others), the original first."""
        langs = [Language(code, str(alt.get("name", code)), line)
                 for alt, line in zip(self.alternate, self.entry_lines) if isinstance(alt, dict)
                 if not code_problem(code := str(alt.get("lang", "")).strip())]
        if not any(lang.code == self.original for lang in langs):
            langs.insert(0, Language(self.original, self.original))
        return sorted(langs, key=lambda lang: lang.code != self.original)

    @property
    def translations(self) -> list[Language]:
        return [lang for lang in self.languages if lang.code != self.original]

    def docs(self, code: str) -> Path:
        return self.english_docs if code == self.original else self.english_docs.parent / code

    def english_pages(self) -> list[str]:
        return sorted(p.relative_to(self.english_docs).as_posix()
                      for p in self.english_docs.rglob("*.md"))

    def page_status(self, code: str, page: str, figures=None, facts=None) -> PageStatus:
        english = read(self.english_docs / page, self.root)
        path = self.docs(code) / page
        # a symbolic link is never read (files.foreign_files refuses it)
        doc = read(path, self.root, derive_ids=False) \
            if path.is_file() and not path.is_symlink() else None
        problems = check(doc, english, figures, facts, self.render) if doc else []
        return PageStatus(code, page, english, doc, section_states(doc, english), problems)

    def orphans(self, code: str) -> list[str]:
        """A problem for each translated page with no English original."""
        docs, english = self.docs(code), set(self.english_pages())
        return [f"{rel(p, self.root)}:1: no English original "
                f"{rel(self.english_docs / p.relative_to(docs), self.root)}; a translated page "
                f"has the path of the English page it translates"
                for p in sorted(docs.rglob("*.md")) if p.relative_to(docs).as_posix() not in english]

    def check_language(self, code: str, figures=None, facts=None,
                       statuses: dict | None = None) -> list[str]:
        """Every problem of a translation: its strings, its pages, pages with no original.
        `statuses`, if given, receives each page's PageStatus (a build reuses them)."""
        problems = self.orphans(code) + foreign_files(self.docs(code), self.root)
        try:
            self.strings(code)
        except TranslationError as exc:
            problems += exc.problems
        for page in self.english_pages():
            status = self.page_status(code, page, figures, facts)
            if statuses is not None:
                statuses[page] = status
            problems += status.problems
        return problems

    def include_problems(self) -> list[str]:
        """The includes of the English pages (the only text snippets runs on), each
        resolved inside the project (files.include_problems)."""
        return [problem for page in self.english_pages() for problem in include_problems(
            rel(self.english_docs / page, self.root),
            (self.english_docs / page).read_text(encoding="utf-8"), self.root)]

    def language_problems(self) -> list[str]:
        """Each line of extra.alternate must be a language this site can build: a lang
        code, the link /<lang>/ (the original: /), and docs/<lang>/index.md. Checked by
        every build, the original's first, so no menu links to a language that fails."""
        problems, seen = [], set()
        for entry, line in zip(self.alternate, self.entry_lines):
            at = f"{rel(self.config_file, self.root)}:{line}"
            if not isinstance(entry, dict) or not str(entry.get("lang") or "").strip():
                problems.append(f"{at}: extra.alternate line {entry!r} has no lang: "
                                f"write {{ name: …, link: /xx/, lang: xx }}")
                continue
            code = str(entry["lang"]).strip()
            problems += [f"{at}: extra.alternate: {why}"
                         for why in (code_problem(code), name_problem(entry.get("name"))) if why]
            if code_problem(code):
                continue
            wanted = "/" if code == self.original else f"/{code}/"
            if code in seen:
                problems.append(f"{at}: language {code!r} is listed twice")
            seen.add(code)
            if str(entry.get("link") or "") != wanted:
                problems.append(f"{at}: the link of {code!r} is {entry.get('link')!r}; it must "
                                f"be {wanted!r} (where its build is published)")
            index = self.docs(code) / "index.md"
            if code != self.original and not index.is_file():
                problems.append(f"{at}: language {code!r} has no {rel(index, self.root)}: add "
                                f"the translated page or remove the line")
        return problems

    def strings(self, code: str) -> dict:
        """The words the site adds around a page, in that language: the original's
        language.yml overlaid with docs/<code>/language.yml, key by key (and part by part
        of `explore`), so a missing word is said in the original's."""
        merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_STRINGS.items()}
        english = self._load(self.original)
        for data in [english] + ([self._load(code, english)] if code != self.original else []):
            for key, value in data.items():
                if key in SECTIONS:
                    for part, words in value.items():
                        merged[key][part] = {**merged[key].get(part, {}), **words}
                elif key in TABLES:
                    merged[key].update(value)
                elif value is not None:
                    merged[key] = value
        return merged

    def defines(self, code: str, key: str) -> bool:
        """Whether docs/<code>/language.yml itself says `key`."""
        return bool(self._load(code).get(key))

    def missing_figure_words(self, code: str, used: set[str]) -> list[str]:
        """The English texts of the figures (`used`, as the figure build recorded them)
        that docs/<code>/language.yml does not translate: drawn in English."""
        table = self._load(code).get("figures") or {}
        have = {" ".join(str(k).split()) for k, v in table.items() if isinstance(v, str) and v}
        return sorted(set(used) - have)

    def _load(self, code: str, english: dict | None = None) -> dict:
        """docs/<code>/language.yml, checked; `english`: the original's, whose strings
        name the format fields a translation of each may name."""
        path = self.docs(code) / STRINGS_FILE
        if not path.is_file() and not path.is_symlink():
            return {}
        data, where = read_yaml(path, self.root), rel(path, self.root)
        text = path.read_text(encoding="utf-8", errors="replace")
        problems = [f"{where}:1: unknown key {k!r}{closest(str(k), DEFAULT_STRINGS)}"
                    for k in data if k not in DEFAULT_STRINGS]
        problems = problems or [f"{where}:{key_line(text, key)}: {why}"
                                for key, value in data.items() if (why := _shape(key, value))]
        problems = problems or check_strings(data, where, text, self.render, english)
        if problems:
            raise TranslationError(problems)
        return data


def _shape(key: str, value) -> str | None:
    """Why a language.yml value has the wrong shape for its key, or None."""
    def texts(mapping) -> bool:
        return isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values())

    if value is None:
        return None
    if key in TABLES and not texts(value):
        return f"{key} must map each English text to its translation (text: text)"
    if key in SECTIONS and not (isinstance(value, dict) and all(texts(v) for v in value.values())):
        return f"{key} must hold parts (common, a figure's name), each of text: text"
    if key == "figure_fonts" and not (isinstance(value, list)
                                      and all(isinstance(v, str) for v in value)):
        return "figure_fonts must be a list of font names"
    if key not in TABLES + SECTIONS + ("figure_fonts",) and not isinstance(value, str):
        return f"{key} must be text"
    return None


def project(path: Path | str) -> Project:
    """The project of a mkdocs.yml (or of the folder holding it): its languages, docs and
    words, read as plain YAML (sanitize.mkdocs_config)."""
    config_file = Path(path).resolve()
    config_file = config_file / "mkdocs.yml" if config_file.is_dir() else config_file
    try:
        config = mkdocs_config(config_file)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TranslationError([f"{config_file}:{mark.line + 1 if mark else 1}: cannot be "
                                f"read: {getattr(exc, 'problem', None) or exc}"]) from None
    return from_config(config_file.parent, config, config_file)


def from_config(root: Path | str, config: dict, config_file: Path | None = None) -> Project:
    """The project described by mkdocs.yml's data (theme.language, docs_dir,
    extra.alternate, markdown_extensions)."""
    root = Path(root).resolve()
    theme = config.get("theme") or {}
    original = (theme.get("language") if isinstance(theme, dict) else None) or "en"
    return Project(root, original, root / str(config.get("docs_dir") or "docs"),
                   config_file or root / "mkdocs.yml",
                   list((config.get("extra") or {}).get("alternate") or []),
                   config.get("markdown_extensions"))


def find_root() -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit("no mkdocs.yml in this folder or above it")
