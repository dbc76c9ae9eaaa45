"""A page as a language's build renders it: the sections in the English order, the
translated ones as translated, the others in English under a note."""

from __future__ import annotations

from .files import SNIPPET_LINE, escape_includes
from .limits import fill
from .sections import ATTR_LIST, Doc, Section
from .status import MISSING, OUTDATED, section_states

GUIDE = "translating.md"  # the translator's guide, linked from every note


def _admonition(title: str, text: str) -> list[str]:
    # a note is translated text: pymdownx.snippets never runs on it
    body = [f"    {line}" if line.strip() else ""
            for line in escape_includes(text.strip().split("\n"))]
    title = title.replace('"', "“")
    return [f'!!! info i18n-note "{title}"', "", *body, ""]


def _heading_with(section: Section, attribute: str, first: bool = False) -> str:
    """The section's heading with `attribute` added to its { } list: lang="en" on an
    English heading, the English #id on a translated one (the same anchors everywhere)."""
    line = section.heading.rstrip()
    if not (attrs := ATTR_LIST.search(line)):
        return f"{line} {{ {attribute} }}"
    both = [attribute, attrs.group(1)] if first else [attrs.group(1), attribute]
    return f"{line[:attrs.start()]} {{ {' '.join(both)} }}"


# An English section inside a translated page is marked lang="en" (screen readers read it
# as English, the CSS gives it the English fonts). Comments around its Markdown, turned
# into <div lang="en"> in the HTML (page_content): the English Markdown stays at the top
# level and renders exactly as on the English page (a <div markdown> wrapper would hand it
# to md_in_html's HTML parser, which reads tags even inside `code`).
EN_OPEN, EN_CLOSE = "<!-- i18n:lang=en -->", "<!-- /i18n:lang -->"


def _wrap_english(body: list[str]) -> list[str]:
    content = _lstrip(body)
    return ["", EN_OPEN, "", *content, "", EN_CLOSE, ""] if content else []


def _lstrip(lines: list[str]) -> list[str]:
    """The lines without the blank ones they start with."""
    return lines[next((i for i, line in enumerate(lines) if line.strip()), len(lines)):]


def page_content(html: str) -> str:
    """The HTML of an assembled page: the lang="en" markers become <div lang="en">."""
    return html.replace(EN_OPEN, '<div lang="en">').replace(EN_CLOSE, "</div>")


def assemble(doc: Doc | None, english: Doc, strings: dict, *, guide: str,
             english_url: str) -> str:
    """The page in the English order: translated sections as translated, OUTDATED ones
    under a note, missing ones in English under a note that they await translation (a
    page not translated at all: one note, under its title)."""
    out, missing_run = [], False
    # the include lines of the English page, the only ones snippets may run in a translation
    english_includes = {line.strip() for line in english.text.split("\n")
                        if SNIPPET_LINE.match(line)}
    for i, st in enumerate(section_states(doc, english)):
        e, t = st.english, st.translation
        if st.state == MISSING:
            out += [_heading_with(e, 'lang="en"'), ""]
            if doc is None and i == 0:
                out += _admonition(strings["untranslated_page_title"],
                                   fill(strings["untranslated_page"], guide=guide))
            elif doc is not None and (not missing_run or e.level <= 2):
                out += _admonition(strings["untranslated_title"],
                                   fill(strings["untranslated"], guide=guide))
            out += _wrap_english(e.body)
        else:
            heading = t.heading.rstrip() if t.explicit_id else _heading_with(t, f"#{e.id}", True)
            out += [heading, ""]
            if st.state == OUTDATED:
                out += _admonition(strings["outdated_title"], fill(
                    strings["outdated"], guide=guide, english=f"{english_url}#{e.id}"))
            out += _lstrip(escape_includes(t.body, english_includes))
        missing_run = st.state == MISSING
        out.append("")
    return "\n".join(out).rstrip() + "\n"
