"""MkDocs plugin: the bridge between what the build engine computed and the pages.

- before a build, brings the figures, facts and notebooks up to date (build engine,
  ml4a_figs.pipeline; a no-op when nothing is stale), once for all languages when
  ml4a_figs.site.build builds them in one process;
- publishes figures/, the shared assets and the executed notebooks without copying them
  into docs/;
- rewrites each page (site/pages.py): facts, figure references, math typeset by KaTeX;
- passes over the notebook pages mkdocs-jupyter rendered (site/notebook_pages.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import cache_check, download_box, i18n, package_wheel
from ..i18n.limits import MAX_PAGE_HTML_BYTES
from ..i18n.problems import rel
from ..mathrender import KatexRenderer, MathError, katex_dir
from ..notebooks import targets as notebook_targets
from ..pipeline import figures as figure_targets
from ..figures.references import outside_code
from . import explore_page, languages, notebook_css, notebook_pages, pages
from .unrendered import source_needle, unrendered

log = get_plugin_logger(__name__)

# Set by site/build.py while it builds every language in one process: what the first
# language's build computed (figures, facts, notebooks), reused by the others.
SHARED: dict | None = None


class _TemplatesInMemory:
    """Material's templates compiled once per process, not once per language (jinja2's
    bytecode cache interface, kept in memory: nothing compiled is read back from disk)."""

    def __init__(self):
        from jinja2 import BytecodeCache

        class Cache(BytecodeCache):
            store: dict = {}

            def load_bytecode(self, bucket):
                if bucket.key in self.store:
                    bucket.bytecode_from_string(self.store[bucket.key])

            def dump_bytecode(self, bucket):
                self.store[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()


_TEMPLATES: _TemplatesInMemory | None = None


def shared_key(figures_dir: Path, notebooks_dir: Path, notebooks_cache: Path) -> tuple:
    return tuple(str(Path(p).resolve()) for p in (figures_dir, notebooks_dir, notebooks_cache))


def share(key: tuple, registry: dict, facts: dict, notebooks: dict) -> None:
    """What the build engine brought up to date, for every language built after this."""
    if SHARED is not None:
        SHARED[key] = (registry, facts, notebooks)


class FiguresConfig(Config):
    figures_dir = c.Type(str, default="figures")
    assets_dir = c.Type(str, default="docs/assets")
    jobs = c.Type(int, default=2)
    cache_dir = c.Type(str, default=".cache")
    notebooks_dir = c.Type(str, default="docs/notebooks")


class FiguresPlugin(BasePlugin[FiguresConfig]):
    @event_priority(100)  # before the search plugin reads the language
    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        # ML4A_LANG=ko: docs/ko -> site/ko, Korean theme and search (ml4a_figs/site/languages.py)
        self.i18n = languages.configure(config, self.root)
        download_box.configure_theme(config)  # the header's repo_url link, offline
        self.figures_dir = self.root / self.config.figures_dir
        self.assets_dir = self.root / self.config.assets_dir
        self.math = KatexRenderer(self.root, self.root / self.config.cache_dir / "katex.json")
        self.notebooks_dir = self.root / self.config.notebooks_dir
        self.notebooks_cache = self.root / self.config.cache_dir / "notebooks"
        return config

    def on_pre_build(self, config):
        """Bring what is computed up to date; before every build and `serve` rebuild."""
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:  # its damaged cache entries, rebuilt instead of a traceback
            cache_check.prune_json_entries(self.root / jupyter.config["cache_dir"],
                                           ("content", "toc_tokens"))
        key = shared_key(self.figures_dir, self.notebooks_dir, self.notebooks_cache)
        if SHARED is not None and key in SHARED:
            self.registry, self.facts, self.notebooks = SHARED[key]
        else:
            self.registry, self.facts = self._build_figures()
            self.notebooks = self._run_notebooks()
            share(key, self.registry, self.facts, self.notebooks)
        self.i18n.names = (set(self.registry), set(self.facts))
        wheel_key = ("wheel", str(self.root))
        if SHARED is not None and wheel_key in SHARED:
            self.wheel = SHARED[wheel_key]
        else:
            self.wheel = self._build_wheel()
            if SHARED is not None:
                SHARED[wheel_key] = self.wheel
        self.notebook_css: dict[str, str] = {}
        self.notebook_classes: set[str] = set()
        self.search_html: dict[str, str] = {}

    def _build_figures(self):
        registry = figure_targets.scan()  # once per build: the engine and the pages share it
        results = figure_targets.build(out_dir=self.figures_dir, jobs=self.config.jobs,
                                       registry=registry)
        for r in results:
            if r.status == "built":
                log.info(f"figure {r.name} drawn in {r.seconds:.2f} s")
        failed = [r for r in results if r.status == "failed"]
        if failed:
            for r in failed:
                log.error(f"figure {r.name} failed:\n{r.error}")
            raise PluginError(f"{len(failed)} figure(s) failed: {', '.join(r.name for r in failed)}")
        facts = json.loads((self.figures_dir / "facts.json").read_text(encoding="utf-8"))
        return registry, facts

    def _build_wheel(self) -> Path:
        """The package as a wheel, served beside the notebooks (ml4a_figs/package_wheel.py)."""
        try:
            wheel, built = package_wheel.cached(
                package_wheel.PROJECT_ROOT, self.root / self.config.cache_dir / "wheel")
        except package_wheel.WheelError as exc:
            raise PluginError(str(exc)) from None
        if built:
            log.info(f"wheel {wheel.name} built")
        return wheel

    def _run_notebooks(self) -> dict:
        """Execute the stale notebooks (after the figures: they may import the same code)."""
        results = notebook_targets.run(src_dir=self.notebooks_dir, cache_dir=self.notebooks_cache,
                                       jobs=self.config.jobs)
        for r in results:
            if r.status == "executed":
                log.info(f"notebook {r.name} executed in {r.seconds:.2f} s")
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise PluginError(f"{len(failed)} notebook(s) failed:\n"
                              + "\n\n".join(r.error for r in failed))
        return {f"notebooks/{r.name}.ipynb": r for r in results}

    def on_env(self, env, config, files):
        global _TEMPLATES
        if _TEMPLATES is None:
            _TEMPLATES = _TemplatesInMemory()
        env.bytecode_cache = _TEMPLATES.cache
        return env

    # early, so mkdocs-jupyter (which turns notebooks/*.ipynb into pages) sees the notebooks
    @event_priority(50)
    def on_files(self, files: Files, config):
        def publish(src: Path, dest: str) -> None:
            if files.get_file_from_path(dest) is None:
                files.append(File.generated(config, dest, abs_src_path=str(src)))

        # One source of truth for every language: docs/notebooks/NAME.py, executed into
        # .cache/notebooks/NAME.ipynb. A plain File whose src_dir is .cache, not a
        # File.generated: mkdocs-jupyter's wrapper re-derives abs_src_path from src_dir.
        for dest in self.notebooks:
            if files.get_file_from_path(dest) is None:
                files.append(File(dest, src_dir=str(self.notebooks_cache.parent),
                                  dest_dir=config.site_dir,
                                  use_directory_urls=config.use_directory_urls))

        for fig in self.registry.values():
            for out in fig.output_names():
                if not out.endswith(".json") or out.endswith(explore_page.SUFFIX):
                    publish(self.figures_dir / out, f"figures/{out}")
        for path in sorted(self.assets_dir.rglob("*")):
            if path.is_file():
                publish(path, f"assets/{path.relative_to(self.assets_dir).as_posix()}")
        katex = katex_dir(self.root) / "dist"
        publish(katex / "katex.min.css", "assets/katex/katex.min.css")
        for font in sorted((katex / "fonts").glob("*.woff2")):
            publish(font, f"assets/katex/fonts/{font.name}")
        publish(self.wheel, f"{download_box.DOWNLOADS}/{self.wheel.name}")
        return self.i18n.files(files, config)  # English pages not translated yet

    def on_serve(self, server, config, builder):
        # editing the training or plotting code rebuilds, which redraws what it touched
        server.watch(str(self.root / "ml4a_figs"))
        server.watch(str(self.assets_dir))
        if self.notebooks_dir.is_dir():
            server.watch(str(self.notebooks_dir))
        return server

    def on_page_markdown(self, markdown: str, page, config, files):
        src = page.file.src_uri
        if src in self.notebooks:
            return markdown  # the notebook's JSON; mkdocs-jupyter renders it
        # a translation: checked, then its sections with the English ones it lacks
        markdown = self.i18n.page_markdown(markdown, page, self.registry, self.facts)
        source = page.file.abs_src_path
        markdown = pages.fill_facts(markdown, self.facts, src, source)
        try:  # explorable figures: static figure, interactive box, print breakout
            markdown = outside_code(markdown, lambda text: explore_page.expand(
                text, lang=config.theme["language"], figures_dir=self.figures_dir,
                known=set(self.registry), up="../" * page.url.count("/"),
                where=lambda needle: f"{src}:{pages.line_of(source, needle)}"))
        except explore_page.ExploreError as exc:
            raise PluginError(str(exc)) from None
        return pages.link_figures(markdown, self.registry, src, source, page.url,
                                  self.figures_dir)

    def on_page_content(self, content: str, page, config, files):
        src = page.file.src_uri
        if src in self.notebooks:
            return self._notebook_content(content, page, config)
        content = i18n.page_content(content)  # English sections of a translation: lang="en"
        # a translation's HTML cleaned by the allowlist before the build adds KaTeX's
        content = self.i18n.publish(content, page)
        left = unrendered(content)
        if left is not None:
            needle = source_needle(left)
            raise PluginError(f"{self._source_of(page, needle)}: {left!r} was left unrendered: "
                              f"write {{{{ facts.NAME }}}} or ![alt](figure:NAME) with a known "
                              f"name and nothing else inside")
        seen: dict[tuple[str, bool], int] = {}

        def render(tex: str, display: bool) -> str:
            seen[tex, display] = seen.get((tex, display), 0) + 1
            try:
                return self.math.render(tex, display)
            except MathError as exc:
                where = self._formula_source(page, tex, seen[tex, display])
                raise PluginError(f"{where}: cannot typeset {tex!r}: {exc}") from None

        formulas = pages.Formulas(render)
        content = pages.typeset_math(content, formulas.render)
        content = pages.lazy_images(content)
        if "data-search-" not in content:  # else Material's search rewrites the page itself
            self.search_html[src] = formulas.for_search(content)
        content = formulas.for_reader(content)
        if len(content) > MAX_PAGE_HTML_BYTES:  # bounded input, said by the file
            raise PluginError(f"{rel(Path(page.file.abs_src_path), self.root)}:1: the page "
                              f"renders to {len(content):,} characters of HTML; at most "
                              f"{MAX_PAGE_HTML_BYTES:,} (see Limits in the translator's guide)")
        return content

    def _sources(self, page) -> list[Path]:
        """The Markdown files a page is made of: a translation's, then the English one
        its untranslated sections come from."""
        paths = [Path(page.file.abs_src_path)]
        english = Path(self.i18n.project.english_docs) / page.file.src_uri
        if english not in paths and english.is_file():
            paths.append(english)
        return paths

    def _formula_source(self, page, tex: str, nth: int) -> str:
        return self._source_of(page, tex, nth)

    def _source_of(self, page, needle, nth: int = 1) -> str:
        """`path:line` of the nth occurrence of `needle` (text or a compiled pattern) in
        the page's sources."""
        pattern = needle if isinstance(needle, re.Pattern) else re.compile(re.escape(needle))
        found = []
        for path in self._sources(page):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            found += [(path, text.count("\n", 0, m.start()) + 1) for m in pattern.finditer(text)]
        path, line = found[min(nth, len(found)) - 1] if found else (self._sources(page)[0], 0)
        return f"{rel(path, self.root)}:{line}"

    # The search index reads the page's formulas as TeX (pages.Formulas); the reader's
    # page is put back before the template renders it.
    @event_priority(100)
    def _search_reads_tex(self, context, page, config, nav):
        light = self.search_html.get(page.file.src_uri)
        if light is not None:
            self.reader_html = page.content
            page.content = light
        return context

    @event_priority(-100)
    def _reader_gets_katex(self, context, page, config, nav):
        if self.search_html.pop(page.file.src_uri, None) is not None:
            page.content = self.reader_html
        return context

    on_page_context = CombinedEvent(_search_reads_tex, _reader_gets_katex)

    def _notebook_content(self, content: str, page, config) -> str:
        """A page mkdocs-jupyter rendered: typeset its math with the chapter's KaTeX,
        share its CSS between the notebook pages, offer the .ipynb and the package."""
        source = rel(self.notebooks_dir / f"{Path(page.file.src_uri).stem}.py", self.root)

        def render(tex: str, display: bool) -> str:
            try:
                return self.math.render(tex, display)
            except MathError as exc:
                raise PluginError(f"{source}: cannot typeset {tex!r}: {exc}") from None

        parts = notebook_pages.rewrite_notebook_page(content, render, Path(page.file.abs_src_path))
        content = parts.html
        if parts.css:
            name = f"assets/notebooks/jupyter-{hashlib.sha256(parts.css.encode()).hexdigest()[:12]}.css"
            self.notebook_css[name] = parts.css
            up = "../" * page.url.count("/")
            content = content.replace(notebook_pages.CSS_PLACEHOLDER,
                                      f'<link rel="stylesheet" href="{up}{name}">', 1)
        self.notebook_classes |= parts.classes
        content = download_box.for_page(content, page, config, source, self.wheel)
        if "data-search-" not in content:
            self.search_html[page.file.src_uri] = parts.search_html.replace(
                notebook_pages.CSS_PLACEHOLDER, "")
        return content

    def on_post_build(self, config):
        for name, css in getattr(self, "notebook_css", {}).items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # only the rules the notebook pages can use; cutting takes seconds, so the
            # result is kept by the content it was cut from
            key = hashlib.sha256("\n".join([css, *sorted(self.notebook_classes)]).encode())
            cached = self.root / self.config.cache_dir / "notebook-css" / f"{key.hexdigest()}.css"
            stylesheet = cache_check.read(cached)  # None when missing or damaged
            if stylesheet is None:
                stylesheet = notebook_css.notebook_stylesheet(css, self.notebook_classes).encode()
                cache_check.write(cached, stylesheet)
            target.write_bytes(stylesheet)
        if summary := self.i18n.summary():
            print(summary)
        self.math.close()

    def on_build_error(self, error):
        if hasattr(self, "math"):
            self.math.close()
