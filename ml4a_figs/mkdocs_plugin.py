"""MkDocs plugin: the bridge between the computed figures and the pages.

- before each build, redraws the figures that are stale (a no-op when none is);
- publishes figures/ and the shared assets without copying them into docs/;
- replaces `{{ facts.NAME }}` with numbers computed by the same code as the figures;
- resolves `![alt](figure:NAME)` to the figure's file, failing on unknown names;
- renders every formula to HTML with KaTeX, so pages carry no math JavaScript;
- executes the stale notebooks of docs/notebooks/ and publishes them, executed, at
  notebooks/NAME.ipynb in every language build, for mkdocs-jupyter to render
  (see ml4a_figs/notebooks.py); their math is typeset like the chapter's.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import re
import shutil
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files

from . import build as builder
from . import download_box, explore_page, figure_html, i18n, notebooks, package_wheel
from .i18n.problems import rel
from .site import languages
from .site.unrendered import source_needle, unrendered
from .mathrender import KatexRenderer, MathError, katex_dir
from .registry import Figure, scan

log = get_plugin_logger(__name__)

FACT = re.compile(r"\{\{\s*facts\.([A-Za-z0-9_]+)\s*\}\}")
STRAY_FACT = re.compile(r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}")
# fenced blocks and inline code spans (shown as written) and HTML comments (not
# shown): never substituted, so a guide or a note can mention the syntax
CODE = re.compile(r"^([ \t]*)(```|~~~).*?^\1\2[ \t]*$|`[^`\n]+`|<!--.*?-->", re.M | re.S)
# a figure and, optionally, its attribute list: ![alt](figure:NAME){ .class }
FIGURE_REF = re.compile(r"!\[([^\]]*)\]\(figure:([^)\s]*)\)(\{[^}\n]*\})?")
INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
DISPLAY_MATH = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)
FIGURE_IMG = re.compile(r'<img (alt="[^"]*" )?src="((?:\.\./)*figures/[^"]+)"')


class FiguresConfig(Config):
    figures_dir = c.Type(str, default="figures")
    assets_dir = c.Type(str, default="docs/assets")
    jobs = c.Type(int, default=2)
    cache_dir = c.Type(str, default=".cache")
    notebooks_dir = c.Type(str, default="docs/notebooks")


def _line_of(page_file: File, needle: str) -> int:
    """Line of `needle` in the page's source file (front matter included)."""
    try:
        text = Path(page_file.abs_src_path).read_text(encoding="utf-8")
    except (OSError, TypeError):
        return 0
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


def _outside_code(markdown: str, substitute) -> str:
    """Apply `substitute` to the Markdown but not to code, so a guide can show the syntax."""
    pieces, last = [], 0
    for match in CODE.finditer(markdown):
        pieces += [substitute(markdown[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(pieces + [substitute(markdown[last:])])


def _closest(name: str, known) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(close)}?" if close else ""


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
        """Redraw what is stale; runs before every build and every `serve` rebuild."""
        results = builder.build(out_dir=self.figures_dir, jobs=self.config.jobs)
        built = [r for r in results if r.status == "built"]
        failed = [r for r in results if r.status == "failed"]
        for r in built:
            log.info(f"figure {r.name} drawn in {r.seconds:.2f} s")
        if failed:
            for r in failed:
                log.error(f"figure {r.name} failed:\n{r.error}")
            raise PluginError(f"{len(failed)} figure(s) failed: {', '.join(r.name for r in failed)}")
        self.registry: dict[str, Figure] = scan()
        self.facts = json.loads((self.figures_dir / "facts.json").read_text(encoding="utf-8"))
        self.i18n.names = (set(self.registry), set(self.facts))
        self._run_notebooks()
        # the package as a wheel, served beside the notebooks (ml4a_figs/package_wheel.py)
        try:
            self.wheel, built = package_wheel.cached(
                package_wheel.PROJECT_ROOT, self.root / self.config.cache_dir / "wheel")
        except package_wheel.WheelError as exc:
            raise PluginError(str(exc)) from None
        if built:
            log.info(f"wheel {self.wheel.name} built")

    def _run_notebooks(self) -> None:
        """Execute the stale notebooks (after the figures: they may import the same code)."""
        results = notebooks.run(src_dir=self.notebooks_dir, cache_dir=self.notebooks_cache,
                                jobs=self.config.jobs)
        for r in results:
            if r.status == "executed":
                log.info(f"notebook {r.name} executed in {r.seconds:.2f} s")
        failed = [r for r in results if r.status == "failed"]
        if failed:
            raise PluginError(f"{len(failed)} notebook(s) failed:\n"
                              + "\n\n".join(r.error for r in failed))
        self.notebooks = {f"notebooks/{r.name}.ipynb": r for r in results}
        self.notebook_css: dict[str, str] = {}
        self.notebook_classes: set[str] = set()

    # early, so mkdocs-jupyter (which turns notebooks/*.ipynb into pages) sees the notebooks
    @event_priority(50)
    def on_files(self, files: Files, config):
        def publish(src: Path, dest: str) -> None:
            if files.get_file_from_path(dest) is None:
                files.append(File.generated(config, dest, abs_src_path=str(src)))

        # One source of truth for every language: docs/notebooks/NAME.py, executed into
        # .cache/notebooks/NAME.ipynb. A plain File whose src_dir is .cache, not a
        # File.generated: mkdocs-jupyter's wrapper re-derives abs_src_path from src_dir.
        for dest, result in self.notebooks.items():
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
        files = self.i18n.files(files, config)  # English pages not translated yet
        return files

    def on_serve(self, server, config, builder):
        # editing the training or plotting code rebuilds, which redraws what it touched
        server.watch(str(self.root / "ml4a_figs"))
        server.watch(str(self.assets_dir))
        if self.notebooks_dir.is_dir():
            server.watch(str(self.notebooks_dir))
        return server

    # --- Markdown -------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page, config, files):
        src = page.file.src_uri
        if src in self.notebooks:
            return markdown  # the notebook's JSON; mkdocs-jupyter renders it
        # a translation: checked, then its sections with the English ones it lacks
        markdown = self.i18n.page_markdown(markdown, page, self.registry, self.facts)

        def fact(match: re.Match) -> str:
            name = match.group(1)
            if name not in self.facts:
                raise PluginError(f"{src}:{_line_of(page.file, match.group(0))}: unknown fact "
                                  f"{name!r}{_closest(name, self.facts)}")
            return str(self.facts[name])

        markdown = _outside_code(markdown, lambda text: FACT.sub(fact, text))
        stray = STRAY_FACT.search(CODE.sub("", markdown))
        if stray:
            raise PluginError(f"{src}:{_line_of(page.file, stray.group(0))}: "
                              f"{stray.group(0)!r} is not a fact; write {{{{ facts.NAME }}}}")

        try:  # explorable figures: static figure, interactive box, print breakout
            markdown = _outside_code(markdown, lambda text: explore_page.expand(
                text, lang=config.theme["language"], figures_dir=self.figures_dir,
                known=set(self.registry), up="../" * page.url.count("/"),
                where=lambda needle: f"{src}:{_line_of(page.file, needle)}"))
        except explore_page.ExploreError as exc:
            raise PluginError(str(exc)) from None

        def figure(match: re.Match) -> str:
            alt, name = match.group(1), match.group(2)
            fig = self.registry.get(name)
            if fig is None:
                raise PluginError(f"{src}:{_line_of(page.file, match.group(0))}: unknown figure "
                                  f"{name!r}{_closest(name, self.registry)}")
            # Raw HTML is not rewritten by MkDocs, so its URLs are relative to the page URL.
            up = "../" * page.url.count("/")
            classes = tuple(re.findall(r"\.([\w-]+)", match.group(3) or ""))
            try:
                return figure_html.picture_markup(fig, alt or fig.alt, up, self.figures_dir,
                                                  classes)
            except ValueError as exc:
                raise PluginError(f"{src}: {exc}") from None

        return _outside_code(markdown, lambda text: FIGURE_REF.sub(figure, text))

    # --- HTML -----------------------------------------------------------------

    def on_page_content(self, content: str, page, config, files):
        src = page.file.src_uri
        seen: dict[tuple[str, bool], int] = {}

        def render(display: bool):
            def replace(match: re.Match) -> str:
                tex = html.unescape(match.group(1)).strip()
                seen[tex, display] = seen.get((tex, display), 0) + 1
                try:
                    return self.math.render(tex, display)
                except MathError as exc:
                    where = self._formula_source(page, tex, seen[tex, display])
                    raise PluginError(f"{where}: cannot typeset {tex!r}: {exc}") from None
            return replace

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
        content = DISPLAY_MATH.sub(render(True), content)
        content = INLINE_MATH.sub(render(False), content)
        # Figures below the fold load as the reader reaches them.
        content = FIGURE_IMG.sub(lambda m: f'<img loading="lazy" decoding="async" '
                                           f'{m.group(1) or ""}src="{m.group(2)}"', content)
        return content

    def _sources(self, page) -> list[Path]:
        """The Markdown files a page is made of: a translation's, then the English one
        its untranslated sections come from."""
        paths = [Path(page.file.abs_src_path)]
        english = Path(self.i18n.project.english_docs) / page.file.src_uri
        if english not in paths and english.is_file():
            paths.append(english)
        return paths

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

    def _formula_source(self, page, tex: str, nth: int) -> str:
        return self._source_of(page, tex, nth)

    def _notebook_content(self, content: str, page, config) -> str:
        """A page mkdocs-jupyter rendered: typeset its math with the chapter's KaTeX,
        share its CSS between the notebook pages, offer the .ipynb."""
        source = rel(self.notebooks_dir / f"{Path(page.file.src_uri).stem}.py", self.root)

        def render(tex: str, display: bool) -> str:
            try:
                return self.math.render(tex, display)
            except MathError as exc:
                raise PluginError(f"{source}: cannot typeset {tex!r}: {exc}") from None

        content = notebooks.typeset_notebook_html(content, render)
        content = notebooks.add_alt_text(content, Path(page.file.abs_src_path))
        content, css = notebooks.extract_styles(content)
        if css:
            name = f"assets/notebooks/jupyter-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
            self.notebook_css[name] = css
            up = "../" * page.url.count("/")
            content = content.replace("@@NOTEBOOK_CSS@@",
                                      f'<link rel="stylesheet" href="{up}{name}">', 1)
        self.notebook_classes |= notebooks.used_classes(content)
        return download_box.for_page(content, page, config, source, self.wheel)

    def on_post_build(self, config):
        for name, css in getattr(self, "notebook_css", {}).items():
            target = Path(config.site_dir) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # only the rules the notebook pages can use; cutting takes seconds, so the
            # result is kept by the content it was cut from
            key = hashlib.sha256("\n".join([css, *sorted(self.notebook_classes)]).encode())
            cached = self.root / self.config.cache_dir / "notebook-css" / f"{key.hexdigest()}.css"
            if not cached.is_file():
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(notebooks.notebook_stylesheet(css, self.notebook_classes),
                                  encoding="utf-8")
            shutil.copyfile(cached, target)
        if summary := self.i18n.summary():
            print(summary)
        self.math.close()

    def on_build_error(self, error):
        if hasattr(self, "math"):
            self.math.close()
