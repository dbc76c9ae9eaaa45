"""Language codes and names of the site's languages (extra.alternate in mkdocs.yml).

A code names folders (docs/<lang>/, site/<lang>/), cache files and the printed PDF, so it
is validated before anything uses it: a well-formed BCP 47 tag (RFC 5646, the `langtag`
production; no grandfathered or private-use-only tags), checked by the regex below. A
regex rather than a registry library (langcodes): the site layer also requires a code
Material has a translation for, a far smaller set than the IANA registry, so the
registry would refuse nothing more, while the syntax alone already keeps out every
character a path or a glob could use. A name is shown in every page's language menu: plain
text, short, no markup.
"""

from __future__ import annotations

import re
import unicodedata

from . import sanitize

_ALNUM = "[a-z0-9]"
BCP47 = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[a-wyz0-9](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?",  # private use
    re.IGNORECASE | re.ASCII)
MAX_NAME_CHARS = 40


def code_problem(code) -> str | None:
    """Why `code` is not a language code this site can use, or None."""
    if not isinstance(code, str) or not BCP47.fullmatch(code):
        return (f"lang {code!r} is not a language code: write a BCP 47 tag such as ko, ja, "
                f"pt-BR or zh-Hant (letters, digits and hyphens)")
    return None


def is_code(code) -> bool:
    return code_problem(code) is None


def name_problem(name) -> str | None:
    """Why `name` cannot be shown in the language menu, or None."""
    if not isinstance(name, str) or not name.strip():
        return "name is missing: write the language's name in that language, e.g. 日本語"
    if why := sanitize.plain_text_refusal(name):
        return f"name: {why}"
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\u200c\u200d" for c in name):
        return "name holds a control or invisible character; remove it"
    if len(name) > MAX_NAME_CHARS:
        return f"name is {len(name)} characters long; at most {MAX_NAME_CHARS}"
    return None
