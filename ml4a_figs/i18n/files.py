"""Which files a translation may hold, and where an include may reach.

MkDocs publishes every file of a docs folder, so a translation's folder (docs/<lang>/)
holds only Markdown pages and its language.yml, as regular files: an `.html` page with a
script, an `.svg` with `onload` or a symbolic link to `.git/config` would be published as
is. Includes (pymdownx.snippets' `--8<-- "path"`) run only on the project's own pages; each
must resolve, symbolic links followed, to a file of the project outside .git/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .sections import rel

STRINGS_NAME = "language.yml"
# pymdownx.snippets: `--8<-- "file"` (or 'file') on its own line, and the file lines of a
# `--8<--` … `--8<--` block; the escape `;--8<--` is not an include
PACKAGE = Path(__file__).resolve().parents[1]  # ml4a_figs/: the project's own code
SNIPPET_LINE = re.compile(r"^[ \t]*(-+8<-+)(?:[ \t]+(\"[^\"]*\"|'[^']*'))?[ \t]*$")


def foreign_files(docs: Path, root: Path) -> list[str]:
    """A problem for each file of a translation's folder that is not a regular Markdown
    page or its language.yml, and for each symbolic link."""
    problems = []
    if docs.is_symlink():
        return [f"{rel(docs, root)}:1: the translation's folder is a symbolic link; make it "
                f"a folder"]
    if not docs.is_dir():
        return []
    for dirpath, dirnames, filenames in os.walk(docs):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            where = f"{rel(Path(dirpath), root)}/{name}"  # the link itself, not its target
            if path.is_symlink():
                problems.append(f"{where}:1: a symbolic link; a translation holds only "
                                f"Markdown pages (.md) and {STRINGS_NAME}, as plain files")
            elif path.is_file() and path.suffix.lower() != ".md" \
                    and not (name == STRINGS_NAME and Path(dirpath) == docs):
                problems.append(f"{where}:1: only Markdown pages (.md) and {STRINGS_NAME} may "
                                f"be in a translation's folder (this would be published as "
                                f"is); figures, styles and scripts are shared by every "
                                f"language")
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]
    return sorted(problems)


def includes(text: str):
    """(line number, stripped line) of each pymdownx.snippets include: every line that
    starts with the marker, and the file lines of a `--8<--` … `--8<--` block."""
    block = False
    for number, line in enumerate(text.split("\n"), start=1):
        if re.match(r"\s*-+8<-+", line):
            block ^= re.fullmatch(r"-+8<-+", line.strip()) is not None
            yield number, line.strip()
        elif block and line.strip():
            yield number, line.strip()


def include_problems(path: str, text: str, root: Path) -> list[str]:
    """Each include of a project page, resolved with its symbolic links: a file inside
    the project and outside .git/, or a problem at its line."""
    problems, root = [], Path(root).resolve()
    for number, line in includes(text):
        match = SNIPPET_LINE.match(line)
        target = (match.group(2) or "")[1:-1].strip() if match else \
            None if re.match(r"-+8<-+", line) else line
        # without its :section or :line range
        target = re.sub(r":(?:[A-Za-z0-9_-]+|\d*(?::\d*)?(?:,\d*(?::\d*)?)*)$", "", target or "")
        if not target:
            continue
        if re.match(r"[a-z][a-z0-9+.-]*://", target, re.I):
            problems.append(f"{path}:{number}: include {target!r}: only files of the project "
                            f"can be included, never a URL")
            continue
        resolved = (root / target).resolve()
        # the project, or its package where a working copy links it from elsewhere
        inside = (resolved.is_relative_to(root) or resolved.is_relative_to(PACKAGE)) \
            and not resolved.is_relative_to(root / ".git")
        if not inside or not resolved.is_file():
            problems.append(f"{path}:{number}: include {target!r} resolves to "
                            f"{'a file outside the project' if not inside else 'no file'}; "
                            f"an include names a file of the project")
    return problems


def escape_includes(lines: list[str], keep: set[str] = frozenset()) -> list[str]:
    """Lines of translated text with every include marker escaped (pymdownx.snippets'
    own `;--8<--`, shown as the text `--8<--`), but the include lines in `keep` (the
    English page's own, copied unchanged)."""
    return [line[:m.start(1)] + ";" + line[m.start(1):]
            if (m := SNIPPET_LINE.match(line)) and line.strip() not in keep else line
            for line in lines]
