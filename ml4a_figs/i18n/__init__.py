"""Translations of the site: one MkDocs build per language, section by section.

The languages are the lines of `extra.alternate` in mkdocs.yml, the original (English)
first; site/languages.py derives each one's MkDocs configuration. A translated page
(docs/ko/index.md) holds the sections translated so far, in the English order, each
heading ending with the id of the English section it translates, followed by the hash of
that section as it was translated:

    ## 선형 회귀 { #linear-regression }
    <!-- translated-from: 1a2b3c4d -->

The build assembles the page in the English order: translated sections as translated, the
others in English under a note (docs/ko/language.yml). When the English section changes,
its hash no longer matches and the status reports the translation OUTDATED. Translations
are contributed text, so they are checked before anything is built, and every problem
names the file and line. Plain Python, never MkDocs: sections (a page into sections),
limits + sanitize + files + checks (what a translation may hold), status (the project's
languages and words; translated, OUTDATED, missing), assembly (the page a build renders),
published (nothing lost on the way), cli:

    python -m ml4a_figs.i18n status [LANG]        # what is translated, missing, OUTDATED
    python -m ml4a_figs.i18n skeleton LANG ID     # an English section, ready to translate
    python -m ml4a_figs.i18n diff LANG ID         # what changed in English since
    python -m ml4a_figs.i18n check                # validate every translation
    python -m ml4a_figs.i18n languages            # the language codes, original first
"""

from .assembly import EN_CLOSE, EN_OPEN, GUIDE, assemble, page_content
from .checks import check
from .cli import known_names
from .sections import MARKER_NAME, Doc, Section, parse, read, section_hash, slugify
from .status import (DEFAULT_STRINGS, MISSING, OUTDATED, STRINGS_FILE, TRANSLATED, Language,
                     PageStatus, Project, SectionStatus, TranslationError, from_config, project,
                     section_states)

__all__ = [
    "DEFAULT_STRINGS", "Doc", "EN_CLOSE", "EN_OPEN", "GUIDE", "Language", "MARKER_NAME",
    "MISSING", "OUTDATED", "PageStatus", "Project", "STRINGS_FILE", "Section",
    "SectionStatus", "TRANSLATED", "TranslationError", "assemble", "check",
    "from_config", "known_names", "page_content", "parse", "project", "read", "section_hash",
    "section_states", "slugify",
]
