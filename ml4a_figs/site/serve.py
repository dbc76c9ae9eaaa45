"""`make serve`: every language of the site at once, rebuilt on each edit.

    python -m ml4a_figs.site.serve [-a 127.0.0.1:8000] [-f mkdocs.yml]

MkDocs' own live-reload server (what `mkdocs serve` runs) over a temporary folder that holds
every language as `make site` lays them out, so / and /ko/ both answer and the language menu
moves between them. The printable edition is not printed here (a minute of Chromium per
edit), so the pages leave out their link to it. Editing Markdown, mkdocs.yml or the
package rebuilds; only what an edit touched is recomputed.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import MkDocsException

from ..i18n.status import TranslationError
from . import languages
from .build import build_languages, prepare


def serve(config_file: Path, host: str = "127.0.0.1", port: int = 8000, jobs: int = 2) -> int:
    from mkdocs.livereload import LiveReloadServer

    config_file = Path(config_file).resolve()
    site = Path(tempfile.mkdtemp(prefix="ml4a-serve-"))

    def rebuild() -> list[languages.LanguageBuild]:
        try:
            site_langs = languages.derive(config_file, site_dir=site, print_link=False)
            build_languages(site_langs, prepare(site_langs, jobs, verbose=False), verbose=True)
            return site_langs
        except (MkDocsException, TranslationError) as exc:  # the message names file and line
            raise SystemExit(f"error: {exc}") from None

    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))

    def error_page(code: int) -> bytes | None:
        page = site / f"{code}.html"
        return page.read_bytes() if code == 404 and page.is_file() else None

    server.error_handler = error_page
    try:
        original = rebuild()[0].config
        server.watch(str(config_file))
        server.watch(str(Path(original.docs_dir).parent))  # docs/: every language
        server.watch(str(config_file.parent / "ml4a_figs"))  # the figures' and the site's code
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(site, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.site.serve",
                                     description="Serve every language, rebuilt on each edit.")
    parser.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="HOST:PORT")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--jobs", "-j", type=int, default=2)
    args = parser.parse_args(argv)
    host, _, port = args.dev_addr.rpartition(":")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s - %(message)s")
    for noisy in ("mkdocs.plugins", "mkdocs.commands.build", "mkdocs.structure"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return serve(args.config_file, host or "127.0.0.1", int(port), jobs=args.jobs)


if __name__ == "__main__":
    sys.exit(main())
