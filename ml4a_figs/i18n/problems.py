"""How a problem in a translation is said: `path:line: message` (with the closest known
names when a name is unknown: figures.references.closest)."""

from __future__ import annotations

import re
from pathlib import Path


class TranslationError(ValueError):
    """Bad input in a translation: every problem as `path:line: message`. The site layer
    turns it into an error that stops the build."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad input in a translation:\n" + "\n".join(problems))


def rel(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the project root."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return str(path)


def problem_order(problem: str):
    match = re.match(r"^(.*?):(\d+):", problem)
    return (match.group(1), int(match.group(2))) if match else (problem, 0)
