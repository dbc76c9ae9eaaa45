"""What every language's pages are built from, computed once per build: the figures and
their facts, the executed notebooks, the wheel; and what the languages' builds share
(Material's templates compiled once, each notebook page's pass made once).

`make site` (site/build.py) computes it before the first language and hands the same value
to each language's plugin; a plain `mkdocs build` or `mkdocs serve` computes it in the
plugin. Each step is a no-op when nothing is stale (the build engine, ml4a_figs.pipeline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError

from ..notebooks import targets as notebook_targets
from ..pipeline import figures as figure_targets
from ..pipeline.engine import Result, progress_line, summary
from . import wheel as reader_wheel


def _templates_cache():
    """Material's templates compiled once per process, not once per language (jinja2's
    bytecode cache interface, kept in memory: nothing compiled is read back from disk)."""
    from jinja2 import BytecodeCache

    class InMemory(BytecodeCache):
        def __init__(self):
            self.store: dict[str, bytes] = {}

        def load_bytecode(self, bucket):
            if bucket.key in self.store:
                bucket.bytecode_from_string(self.store[bucket.key])

        def dump_bytecode(self, bucket):
            self.store[bucket.key] = bucket.bytecode_to_string()

    return InMemory()


@dataclass
class Computed:
    registry: dict  # figure name -> Figure
    facts: dict  # fact name -> its value as the prose shows it
    notebooks: dict  # "notebooks/NAME.ipynb" -> the executed notebook's Result
    notebooks_cache: Path  # where the executed notebooks are
    wheel: Path
    templates: object = field(default_factory=_templates_cache)
    # every language renders the same notebook to the same page: its pass is made once
    notebook_pages: dict = field(default_factory=dict)


def compute(root: Path, figures_dir: Path, notebooks_dir: Path, cache_dir: Path,
            jobs: int = 2, progress: Callable[[Result, int, int], None] | None = None,
            log: Callable[[str], None] = print) -> Computed:
    """Bring the figures, facts, notebooks and wheel up to date; a PluginError names
    what failed."""
    from ..i18n import project

    registry = figure_targets.scan()
    try:  # drawn in every language whose docs/<lang>/language.yml has figure strings
        figures = figure_targets.build(out_dir=figures_dir, jobs=jobs, registry=registry,
                                       progress=progress,
                                       docs=project(root).english_docs.parent)
    except figure_targets.TranslationError as exc:
        raise PluginError(str(exc)) from None
    notebooks_cache = cache_dir / "notebooks"
    # after the figures: a notebook may import the same code
    notebooks = notebook_targets.run(src_dir=notebooks_dir, cache_dir=notebooks_cache,
                                     jobs=min(jobs, 2), progress=progress)
    failed = []
    for kind, word, results in (("figure", "built", figures), ("notebook", "executed", notebooks)):
        failed += [f"{kind} {r.name!r} failed:\n{r.error}" for r in results if r.status == "failed"]
        if any(r.status != "cached" for r in results):
            log(f"{kind}s: {summary(results, word)}")
        elif results:
            log(f"{len(results)} {kind}s cached")
    if failed:
        raise PluginError("\n\n".join(failed))
    facts = json.loads((figures_dir / "facts.json").read_text(encoding="utf-8"))
    try:
        wheel, built = reader_wheel.cached(reader_wheel.PROJECT_ROOT, cache_dir / "wheel")
    except reader_wheel.WheelError as exc:
        raise PluginError(str(exc)) from None
    if built:
        log(f"wheel {wheel.name} built")
    return Computed(registry, facts, {f"notebooks/{r.name}.ipynb": r for r in notebooks},
                    notebooks_cache, wheel)


def show_progress(result: Result, done: int, total: int) -> None:
    if result.status != "cached":
        print(progress_line(result, done, total), flush=True)
