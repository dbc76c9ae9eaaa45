"""Markdown rendered the way the site renders it, for judging what a translator wrote.

The extensions are those of mkdocs.yml (`markdown_extensions`, passed in by whoever read
the file); pymdownx.snippets is left out: includes are checked by name (checks.py), and
what they include is the project's own code.
"""

from __future__ import annotations


import markdown

from ..figures.references import ANY_FIGURE_REF, FACT

# mkdocs.yml's list, for callers that have not read it (tests, the checks alone)
DEFAULT_EXTENSIONS = [
    {"toc": {"permalink": True}}, "tables", "attr_list", "md_in_html", "admonition",
    "footnotes", {"pymdownx.arithmatex": {"generic": True}}, "pymdownx.blocks.caption",
    "pymdownx.details", "pymdownx.highlight", "pymdownx.superfences",
]
LEFT_OUT = {"pymdownx.snippets"}


def split_extensions(entries) -> tuple[list[str], dict]:
    """mkdocs.yml's `markdown_extensions` (names, or one-key mappings of name: settings)
    as Python-Markdown wants them."""
    names, configs = [], {}
    for entry in entries or []:
        if isinstance(entry, dict):
            for name, settings in entry.items():
                if name in LEFT_OUT:
                    continue
                names.append(name)
                if isinstance(settings, dict):
                    configs[name] = settings
        elif entry not in LEFT_OUT:
            names.append(str(entry))
    return names, configs


class Renderer:
    """Markdown -> HTML, facts as numbers and figure references as images of the figure's
    file: the HTML a translator's text turns into, without the build's own markup."""

    def __init__(self, extensions=None):
        names, configs = split_extensions(extensions if extensions is not None
                                          else DEFAULT_EXTENSIONS)
        self._md = markdown.Markdown(extensions=names, extension_configs=configs)

    def __call__(self, text: str) -> str:
        text = FACT.sub("1.0", text)
        text = ANY_FIGURE_REF.sub(lambda m: f"![{m.group(1)}](figures/{m.group(2)}.svg)", text)
        return self._md.reset().convert(text)
