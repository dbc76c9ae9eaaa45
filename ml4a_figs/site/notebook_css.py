"""The one stylesheet of the notebook pages: nbconvert's JupyterLab CSS, cut to the rules
the pages can use, with the chapter's code colours.

tinycss2 (a dependency of nbconvert, pinned) parses the CSS; the cut keeps a rule when
every class its selector needs is used on some notebook page.
"""

from __future__ import annotations

import ast
import re

# Code in the notebooks coloured like the chapter's code: Material's highlight colours,
# which follow the light and dark schemes and meet 4.5:1 (axe: color-contrast), instead
# of JupyterLab's (#aa22ff operators and #080 numbers on #f5f5f5 are about 4.3:1).
CODE_COLOURS = """
.md-typeset .jupyter-wrapper {
  --jp-mirror-editor-keyword-color: var(--md-code-hl-keyword-color);
  --jp-mirror-editor-atom-color: var(--md-code-hl-constant-color);
  --jp-mirror-editor-number-color: var(--md-code-hl-number-color);
  --jp-mirror-editor-def-color: var(--md-code-hl-function-color);
  --jp-mirror-editor-variable-color: var(--md-code-fg-color);
  --jp-mirror-editor-variable-2-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-variable-3-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-punctuation-color: var(--md-code-hl-punctuation-color);
  --jp-mirror-editor-property-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-operator-color: var(--md-code-hl-operator-color);
  --jp-mirror-editor-comment-color: var(--md-code-hl-comment-color);
  --jp-mirror-editor-string-color: var(--md-code-hl-string-color);
  --jp-mirror-editor-string-2-color: var(--md-code-hl-string-color);
  --jp-mirror-editor-meta-color: var(--md-code-hl-special-color);
  --jp-mirror-editor-qualifier-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-builtin-color: var(--md-code-hl-constant-color);
  --jp-mirror-editor-bracket-color: var(--md-code-hl-punctuation-color);
  --jp-mirror-editor-tag-color: var(--md-code-hl-keyword-color);
  --jp-mirror-editor-attribute-color: var(--md-code-hl-name-color);
  --jp-mirror-editor-error-color: var(--md-code-hl-special-color);
}
"""

CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CSS_NOT = re.compile(r":not\([^()]*\)")
# `.jupyter-wrapper :root`, `.jupyter-wrapper body`: nothing inside the page's content
# is the root or the body, so these never match (80 kB of icons among them)
NEVER_MATCHES = re.compile(r"\S\s+(?::root|html|body)\b")


def notebook_stylesheet(css: str, classes: set[str]) -> str:
    """nbconvert's CSS, only the rules that can match the classes the pages use, then the
    code colours."""
    return purge_css(css, classes) + CODE_COLOURS


def _selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in prelude:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [p.strip() for p in parts + [current] if p.strip()]


def _can_match(selector: str, classes: set[str]) -> bool:
    if NEVER_MATCHES.search(selector):
        return False
    return all(c in classes for c in CSS_CLASS.findall(CSS_NOT.sub("", selector)))


def purge_css(css: str, classes: set[str]) -> str:
    """Keep the rules whose selectors can match the notebook pages: every class a selector
    needs (outside :not()) is used on some page. JupyterLab's CSS is written for the whole
    application; the pages use a small part of it (about 600 kB down to about 50 kB)."""
    import tinycss2

    def purge(rules) -> list[str]:
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                alive = [s for s in _selectors(tinycss2.serialize(rule.prelude))
                         if _can_match(s, classes)]
                if alive:
                    kept.append(", ".join(alive) + "{" + tinycss2.serialize(rule.content) + "}")
            elif rule.type == "at-rule":
                if rule.lower_at_keyword in ("media", "supports") and rule.content is not None:
                    inner = purge(tinycss2.parse_rule_list(rule.content, skip_whitespace=True,
                                                           skip_comments=True))
                    if inner:
                        kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}"
                                    "{" + "".join(inner) + "}")
                else:
                    kept.append(tinycss2.serialize([rule]))
        return kept

    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    return "\n".join(purge(rules)) + "\n"


def css_text(block: str) -> str:
    """mkdocs-jupyter appends a <style> holding the repr of a Python list of CSS strings
    ("['.highlight-ipynb ...']"); as CSS that is one broken rule that also swallows the
    next one. Turn it back into the CSS it holds."""
    if block.startswith("[") and block.endswith("]"):
        try:
            parts = ast.literal_eval(block)
        except (ValueError, SyntaxError):
            return block
        if isinstance(parts, list) and all(isinstance(x, str) for x in parts):
            return "\n".join(parts)
    return block
