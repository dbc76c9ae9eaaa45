"""MkDocs plugin: the bridge between what the build engine computed and the pages.

It publishes figures/, the shared assets and the executed notebooks without copying them
into docs/, and rewrites each page (site/pages.py, site/notebook_pages.py). What is
computed comes from site/build.py (once for every language) or, in a plain `mkdocs build`,
from site/computed.py. Errors name the file and line and stop MkDocs as a PluginError.
"""

from __future__ import annotations

import functools
import hashlib
import html
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import cache_check, download_box, i18n
from ..i18n.limits import MAX_PAGE_HTML_BYTES
from ..i18n.sections import rel
from ..i18n.status import TranslationError
from ..mathrender import KatexRenderer, MathError, katex_dir
from ..figures.references import outside_code
from ..pipeline import figures as figure_targets
from ..print_edition import PDF_DIR, pdf_name
from . import languages, notebook_pages, pages
from .computed import Computed, compute

log = get_plugin_logger(__name__)


def said_by_file(hook):
    """A hook whose input errors (their messages name file and line) stop MkDocs' build."""
    @functools.wraps(hook)
    def run(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        # MathError here: KaTeX is not installed
        except (TranslationError, notebook_pages.NotebookPageError, MathError) as exc:
            raise PluginError(str(exc)) from None
    return run


class FiguresConfig(Config):
    figures_dir = c.Type(str, default="figures")
    assets_dir = c.Type(str, default="docs/assets")
    jobs = c.Type(int, default=2)
    cache_dir = c.Type(str, default=".cache")
    notebooks_dir = c.Type(str, default="docs/notebooks")


class FiguresPlugin(BasePlugin[FiguresConfig]):
    # Set by site/build.py, which builds every language: this language's pages, and what
    # every language shares. A plain `mkdocs build` computes both itself (the original).
    i18n: languages.LanguageBuild | None = None
    computed: Computed | None = None

    @said_by_file
    def on_config(self, config):
        self.root = Path(config.config_file_path).resolve().parent
        if self.i18n is None:  # a plain `mkdocs build` of mkdocs.yml: the original language
            self.i18n = languages.derive(config.config_file_path)[0]
        config.copyright = self.i18n.copyright_html() or config.copyright
        download_box.configure_theme(config)  # the header's repo_url link, offline
        self.figures_dir = self.root / self.config.figures_dir
        self.assets_dir = self.root / self.config.assets_dir
        self.math = KatexRenderer(self.root, self.root / self.config.cache_dir / "katex.json")
        self.notebooks_dir = self.root / self.config.notebooks_dir
        return config

    def on_pre_build(self, config):
        """Bring what is computed up to date (`mkdocs serve`: before every rebuild)."""
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:  # its damaged cache entries, rebuilt instead of a traceback
            cache_check.prune_json_entries(self.root / jupyter.config["cache_dir"],
                                           ("content", "toc_tokens"))
        if self.computed is None:
            self.computed = compute(self.root, self.figures_dir, self.notebooks_dir,
                                    self.root / self.config.cache_dir, jobs=self.config.jobs,
                                    log=log.info)
        self.registry, self.facts = self.computed.registry, self.computed.facts
        self.notebooks, self.wheel = self.computed.notebooks, self.computed.wheel
        self.search_html: dict[str, str] = {}

    def on_env(self, env, config, files):
        env.bytecode_cache = self.computed.templates  # compiled once for every language
        return env

    # early, so mkdocs-jupyter (which turns notebooks/*.ipynb into pages) sees the notebooks
    @event_priority(50)
    @said_by_file
    def on_files(self, files: Files, config):
        def publish(src: Path, dest: str) -> None:
            if files.get_file_from_path(dest) is None:
                files.append(File.generated(config, dest, abs_src_path=str(src)))

        # One source of truth for every language: docs/notebooks/NAME.py, executed into
        # .cache/notebooks/NAME.ipynb. A plain File whose src_dir is .cache, not a
        # File.generated: mkdocs-jupyter's wrapper re-derives abs_src_path from src_dir.
        for dest in self.notebooks:
            if files.get_file_from_path(dest) is None:
                files.append(File(dest, src_dir=str(self.computed.notebooks_cache.parent),
                                  dest_dir=config.site_dir,
                                  use_directory_urls=config.use_directory_urls))

        # a translation publishes its own drawing of a picture under the same name
        # (figures/<lang>/NAME.svg, drawn in its words), where the build made one
        code = self.i18n.code
        for fig in self.registry.values():
            own = (set() if self.i18n.is_original else
                   figure_targets.translated_copies(self.figures_dir, fig.name, code))
            for out in fig.output_names():
                if not out.endswith(".json") or out.endswith(pages.SUFFIX):
                    publish(self.figures_dir / code / out if out in own
                            else self.figures_dir / out, f"figures/{out}")
        for path in sorted(self.assets_dir.rglob("*")):
            if path.is_file():
                publish(path, f"assets/{path.relative_to(self.assets_dir).as_posix()}")
        katex = katex_dir(self.root) / "dist"
        publish(katex / "katex.min.css", "assets/katex/katex.min.css")
        for font in sorted((katex / "fonts").glob("*.woff2")):
            publish(font, f"assets/katex/fonts/{font.name}")
        publish(self.wheel, f"{download_box.DOWNLOADS}/{self.wheel.name}")
        # the translation checked; the English pages it has not translated added
        return self.i18n.files(files, config, set(self.registry), set(self.facts))

    def on_serve(self, server, config, builder):
        # editing the training or plotting code rebuilds, which redraws what it touched
        server.watch(str(self.root / "ml4a_figs"))
        server.watch(str(self.assets_dir))
        if self.notebooks_dir.is_dir():
            server.watch(str(self.notebooks_dir))
        return server

    def _where(self, page) -> pages.Where:
        """`where(needle, nth=1)`: its `path:line` in the page's Markdown files: a
        translation's, then the English one its untranslated sections come from."""
        paths = [Path(page.file.abs_src_path)]
        english = Path(self.i18n.project.english_docs) / page.file.src_uri
        if english not in paths and english.is_file():
            paths.append(english)
        return functools.partial(pages.source_line, paths, self.root)

    @said_by_file
    def on_page_markdown(self, markdown: str, page, config, files):
        if page.file.src_uri in self.notebooks:
            return markdown  # the notebook's JSON; mkdocs-jupyter renders it
        # a translation: checked, then its sections with the English ones it lacks
        markdown = self.i18n.page_markdown(markdown, page)
        where, up = self._where(page), "../" * page.url.count("/")
        markdown = pages.fill_facts(markdown, self.facts, where)
        # explorable figures: static figure, interactive box, print breakout
        markdown = outside_code(markdown, lambda text: pages.expand(
            text, strings=self.i18n.strings["explore"], figures_dir=self.figures_dir,
            registry=self.registry, up=up, where=where))
        return pages.link_figures(markdown, self.registry, where, up, self.figures_dir)

    @said_by_file
    def on_page_content(self, content: str, page, config, files):
        src = page.file.src_uri
        if src in self.notebooks:
            return self._notebook_content(content, page, config)
        content = i18n.page_content(content)  # English sections of a translation: lang="en"
        # a translation's HTML cleaned by the allowlist before the build adds KaTeX's
        content = self.i18n.publish(content, page)
        where = self._where(page)
        pages.refuse_unrendered(content, where)
        if "data-search-" not in content:  # else Material's search rewrites the page itself
            self.search_html[src] = pages.typeset_math(content, pages.as_tex)
        content = pages.typeset_math(content, self._typesetter(where))
        if len(content) > MAX_PAGE_HTML_BYTES:  # bounded input, said by the file
            raise PluginError(f"{rel(Path(page.file.abs_src_path), self.root)}:1: the page "
                              f"renders to {len(content):,} characters of HTML; at most "
                              f"{MAX_PAGE_HTML_BYTES:,} (see Limits in the translator's guide)")
        if src == "index.md" and self.i18n.print_link:  # the chapter: each language's home
            content = languages.under_title(content, self._print_link())
        return content

    def _print_link(self) -> str:
        """The link to this language's printable edition, which `make site` prints right
        after the pages (site/build.py)."""
        words, code = self.i18n.strings["print"], self.i18n.code
        href = html.escape(f"{self.i18n.up}{PDF_DIR}/{pdf_name(code)}")
        return (f'<p class="print-edition screen-only"><a href="{href}" '
                f'type="application/pdf" title="{html.escape(words.get("link_title", ""))}">'
                f'{html.escape(words.get("link", "PDF"))}</a></p>\n')

    def _typesetter(self, where: pages.Where):
        """`render(tex, display)` with KaTeX; an error names the line of that occurrence."""
        seen: dict[tuple[str, bool], int] = {}

        def render(tex: str, display: bool) -> str:
            seen[tex, display] = seen.get((tex, display), 0) + 1
            try:
                return self.math.render(tex, display)
            except MathError as exc:
                raise PluginError(f"{where(tex, seen[tex, display])}: cannot typeset "
                                  f"{tex!r}: {exc}") from None
        return render

    # The search index reads the page's formulas as TeX (pages.as_tex): search_html
    # holds the reader's page meanwhile, put back before the template renders it.
    @event_priority(100)
    def _search_reads_tex(self, context, page, config, nav):
        if (src := page.file.src_uri) in self.search_html:
            self.search_html[src], page.content = page.content, self.search_html[src]
        return context

    @event_priority(-100)
    def _reader_gets_katex(self, context, page, config, nav):
        if (reader := self.search_html.pop(page.file.src_uri, None)) is not None:
            page.content = reader
        return context

    on_page_context = CombinedEvent(_search_reads_tex, _reader_gets_katex)

    def _notebook_content(self, content: str, page, config) -> str:
        """A page mkdocs-jupyter rendered, after the one pass of site/notebook_pages.py
        (its math typeset with the chapter's KaTeX, its CSS in a shared file); then the
        box offering the .ipynb and the package."""
        source = rel(self.notebooks_dir / f"{Path(page.file.src_uri).stem}.py", self.root)
        key = (hashlib.sha256(content.encode()).hexdigest(), page.file.abs_src_path)
        parts = self.computed.notebook_pages.get(key)
        if parts is None:
            render = self._typesetter(lambda needle, nth=1: source)
            parts = notebook_pages.rewrite(content, render, Path(page.file.abs_src_path), source)
            self.computed.notebook_pages[key] = parts
        # JupyterLab's CSS, as mkdocs-jupyter emits it: one file for every notebook page
        name = f"assets/notebooks/jupyter-{hashlib.sha256(parts.css.encode()).hexdigest()[:12]}.css"
        if not (css := Path(config.site_dir) / name).is_file():
            css.parent.mkdir(parents=True, exist_ok=True)
            css.write_text(parts.css, encoding="utf-8")
        up = "../" * page.url.count("/")
        content = parts.html.replace(notebook_pages.CSS_PLACEHOLDER, (
            f'<link rel="stylesheet" href="{up}{name}">\n'
            f'<link rel="stylesheet" href="{up}assets/notebooks.css">'), 1)  # the site's
        content = self.i18n.notebook_note(content)  # a notebook page is never translated
        content = download_box.for_page(content, page, config, source, self.wheel,
                                        self.i18n.strings["download"],
                                        self.i18n.fallback_lang("download"))
        if "data-search-" not in content:
            self.search_html[page.file.src_uri] = parts.search_html
        return content

    def on_post_build(self, config):
        if summary := self.i18n.summary():
            print(summary)
        self.math.close()

    def on_build_error(self, error):
        if hasattr(self, "math"):
            self.math.close()
