"""Translations of the site: one MkDocs build per language, section by section.

The languages are the lines of `extra.alternate` in mkdocs.yml, the original (English)
first. A translated page (docs/ko/index.md) holds the sections translated so far, in the
English order, each heading ending with the id of the English section it translates and
followed by the hash of that section as it was translated:

    ## 선형 회귀 { #linear-regression }
    <!-- translated-from: 1a2b3c4d -->

The build shows the others in English under a note (docs/ko/language.yml); when an
English section changes, its hash no longer matches and the status says OUTDATED.
Translations are contributed text, so they are checked before anything is built, every
problem naming file and line. Plain Python, never MkDocs: sections (a page into sections),
limits + sanitize + files + checks (what a translation may hold), status (the project's
languages and words), assembly (the page a build renders), published (nothing lost on the
way), cli (`python -m ml4a_figs.i18n --help`).
"""

from .assembly import EN_CLOSE, EN_OPEN, GUIDE, assemble, page_content
from .checks import check
from .cli import known_names
from .sections import Doc, parse, read, section_hash
from .status import (DEFAULT_STRINGS, MISSING, OUTDATED, TRANSLATED, TranslationError, project,
                     section_states)

__all__ = ["DEFAULT_STRINGS", "Doc", "EN_CLOSE", "EN_OPEN", "GUIDE", "MISSING", "OUTDATED",
           "TRANSLATED", "TranslationError", "assemble", "check", "known_names", "page_content",
           "parse", "project", "read", "section_hash", "section_states"]
