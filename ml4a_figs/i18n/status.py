"""Where a translation stands, and the project it belongs to: per English section,
translated, OUTDATED (the English changed since) or missing; the languages of the site
(the lines of extra.alternate in mkdocs.yml, the original first) and the words each one
adds around a page (docs/<lang>/language.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import langtags
from .checks import check, check_strings
from .files import foreign_files, include_problems
from .limits import MAX_STRINGS_BYTES, size_problem
from .render import Renderer
from ..figures.references import closest
from .problems import TranslationError, rel
from .sections import MARKER_NAME, Doc, Section, read

STRINGS_FILE = "language.yml"  # in each docs/<lang>/: the words the site adds

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


# --- status ---------------------------------------------------------------------

TRANSLATED, OUTDATED, MISSING = "translated", "OUTDATED", "missing"


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
    translated = {s.id: s for s in (doc.sections if doc else []) if s.id}
    if doc and english.sections and english.sections[0].level == 1:
        for s in doc.sections:
            if s.level == 1 and s.id is None:
                translated[english.sections[0].id] = s
    out = []
    for e in english.sections:
        t = translated.get(e.id)
        if t is None:
            out.append(SectionStatus(e, MISSING))
        elif t.marker != e.hash:
            out.append(SectionStatus(e, OUTDATED, t))
        else:
            out.append(SectionStatus(e, TRANSLATED, t))
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
        n = len(self.sections)
        return (f"{self.page}: {self.count(TRANSLATED)} of {n} sections translated, "
                f"{self.count(OUTDATED)} OUTDATED, {self.count(MISSING)} missing "
                f"(shown in English)")


# --- the project: languages, strings, pages ---------------------------------------

@dataclass
class Language:
    code: str
    name: str
    link: str


@dataclass
class Project:
    root: Path
    original: str  # the original's language code (theme.language of mkdocs.yml)
    english_docs: Path  # docs_dir of mkdocs.yml
    languages: list[Language]  # the original first
    markdown_extensions: list | None = None  # markdown_extensions of mkdocs.yml
    alternate: list = field(default_factory=list)  # extra.alternate as written

    @property
    def render(self) -> Renderer:
        if getattr(self, "_render", None) is None:
            self._render = Renderer(self.markdown_extensions)
        return self._render

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

    def status(self, codes=None) -> list[PageStatus]:
        out = []
        for lang in self.translations:
            if codes and lang.code not in codes:
                continue
            for page in self.english_pages():
                out.append(self.page_status(lang.code, page))
        return out

    def orphans(self, code: str) -> list[str]:
        """A problem for each translated page with no English original."""
        docs = self.docs(code)
        if not docs.is_dir():
            return []
        english = set(self.english_pages())
        out = []
        for p in sorted(docs.rglob("*.md")):
            page = p.relative_to(docs).as_posix()
            if page not in english:
                out.append(f"{rel(p, self.root)}:1: no English original "
                           f"{rel(self.english_docs / page, self.root)}; a translated page "
                           f"has the path of the English page it translates")
        return out

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
        problems = []
        for page in self.english_pages():
            path = self.english_docs / page
            problems += include_problems(rel(path, self.root),
                                         path.read_text(encoding="utf-8"), self.root)
        return problems

    def language_problems(self, config_file: Path | None = None) -> list[str]:
        """Each line of extra.alternate must be a language this site can build: a lang
        code, the link /<lang>/ (the original: /), and docs/<lang>/index.md. Checked by
        every build, the original's first, so no menu links to a language that fails."""
        config_file = config_file or self.root / "mkdocs.yml"
        where = rel(config_file, self.root)
        text = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
        problems, seen = [], set()
        for entry in self.alternate:
            line = _line_of_entry(text, entry)
            if not isinstance(entry, dict) or not str(entry.get("lang") or "").strip():
                problems.append(f"{where}:{line}: extra.alternate line {entry!r} has no lang: "
                                f"write {{ name: …, link: /xx/, lang: xx }}")
                continue
            code = str(entry["lang"]).strip()
            link = str(entry.get("link") or "")
            bad = [why for why in (langtags.code_problem(code),
                                   langtags.name_problem(entry.get("name"))) if why]
            problems += [f"{where}:{line}: extra.alternate: {why}" for why in bad]
            if langtags.code_problem(code):
                continue
            wanted = "/" if code == self.original else f"/{code}/"
            if code in seen:
                problems.append(f"{where}:{line}: language {code!r} is listed twice")
            seen.add(code)
            if link != wanted:
                problems.append(f"{where}:{line}: the link of {code!r} is {link!r}; it must be "
                                f"{wanted!r} (where its build is published)")
            index = self.docs(code) / "index.md"
            if code != self.original and not index.is_file():
                problems.append(f"{where}:{line}: language {code!r} has no "
                                f"{rel(index, self.root)}: add the translated page or remove "
                                f"the line")
        return problems

    def strings(self, code: str) -> dict:
        """The words the site adds around a page, in that language: the original's
        language.yml overlaid with docs/<code>/language.yml, key by key (and part by part
        of `explore`), so a missing word is said in the original's."""
        merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_STRINGS.items()}
        english = _load_strings(self.docs(self.original) / STRINGS_FILE, self.root)
        for c in dict.fromkeys([self.original, code]):
            data = english if c == self.original else \
                _load_strings(self.docs(c) / STRINGS_FILE, self.root, english)
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
        return bool(_load_strings(self.docs(code) / STRINGS_FILE, self.root).get(key))

    def missing_figure_words(self, code: str, used: set[str]) -> list[str]:
        """The English texts of the figures (`used`, as the figure build recorded them)
        that docs/<code>/language.yml does not translate: drawn in English."""
        table = _load_strings(self.docs(code) / STRINGS_FILE, self.root).get("figures") or {}
        have = {" ".join(str(k).split()) for k, v in table.items() if isinstance(v, str) and v}
        return sorted(set(used) - have)


def _load_strings(path: Path, root: Path, english: dict | None = None) -> dict:
    """A language.yml, checked; `english`: the original's, whose strings name the format
    fields a translation of each may name."""
    if not path.is_file():
        return {}
    where = rel(path, root)
    if path.is_symlink():
        raise TranslationError([f"{where}:1: a symbolic link; {STRINGS_FILE} is a plain file"])
    raw = path.read_bytes()
    if problem := size_problem(where, len(raw), MAX_STRINGS_BYTES):
        raise TranslationError([problem])
    raw = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise TranslationError([f"{where}:{line}: this line is not valid UTF-8 text; save "
                                f"the file as UTF-8"]) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise TranslationError([f"{where}:{line}: not valid YAML: "
                         f"{getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(data, dict):
        raise TranslationError([f"{where}:1: must be YAML keys and values (untranslated: ...)"])
    unknown = [k for k in data if k not in DEFAULT_STRINGS]
    if unknown:
        raise TranslationError([f"{where}:1: unknown key {k!r}{closest(str(k), DEFAULT_STRINGS)}"
                         for k in unknown])
    problems = [f"{where}:{_line_of_key(text, key)}: {why}" for key, value in data.items()
                if (why := _shape_problem(key, value))]
    if problems:
        raise TranslationError(problems)
    problems = check_strings(data, where, text, english=english)
    if problems:
        raise TranslationError(problems)
    return data


def _shape_problem(key: str, value) -> str | None:
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


def _line_of_key(text: str, key: str) -> int:
    return next((n for n, line in enumerate(text.split("\n"), start=1)
                 if line.startswith(f"{key}:")), 1)


def _line_of_entry(text: str, entry) -> int:
    """The line of mkdocs.yml that holds an extra.alternate entry."""
    wanted = [str(v) for v in (entry.values() if isinstance(entry, dict) else [entry]) if v]
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.strip().startswith("alternate:")), 0)
    for number in range(start, len(lines)):
        if lines[number].lstrip().startswith("-") and all(w in lines[number] for w in wanted):
            return number + 1
    return start + 1


def from_config(root: Path | str, config: dict) -> Project:
    """The project described by mkdocs.yml, read as plain data (theme.language, docs_dir,
    extra.alternate); the site layer reads the file with MkDocs' own YAML loader."""
    root = Path(root).resolve()
    theme = config.get("theme") or {}
    original = (theme.get("language") if isinstance(theme, dict) else None) or "en"
    docs = root / str(config.get("docs_dir") or "docs")
    extra = config.get("extra") or {}
    return Project(root, original, docs, languages(extra, original),
                   config.get("markdown_extensions"), list(extra.get("alternate") or []))


def languages(extra: dict, original: str) -> list[Language]:
    langs = []
    for alt in extra.get("alternate") or []:
        if not isinstance(alt, dict):
            continue  # reported by Project.language_problems
        code = str(alt.get("lang", "")).strip()
        if langtags.is_code(code):  # others are reported by Project.language_problems
            langs.append(Language(code, str(alt.get("name", code)), str(alt.get("link", ""))))
    if not any(lang.code == original for lang in langs):
        langs.insert(0, Language(original, original, "/"))
    langs.sort(key=lambda lang: lang.code != original)
    return langs


def find_root() -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit("no mkdocs.yml in this folder or above it")
