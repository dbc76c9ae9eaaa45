"""Print every language's chapter from the built site into site/pdf/, reusing a PDF
whose inputs did not change.

The languages are those of the site's configuration (extra.alternate in mkdocs.yml), each
code a validated BCP 47 tag: never read from a rendered page, whose menu a translation
could fake. A PDF is kept in
.cache/print-edition/ under a key of everything it is printed from: the files of that
language's built site (pages, CSS, figures, fonts), this package's code, the build date
and the chromium binary. A warm `make site` therefore only hashes and copies.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .. import cache_check
from ..i18n import langtags
from ..i18n.status import languages as configured_languages
from ..pipeline.store import atomic_write
from . import PDF_DIR, browser as browser_, finish, pdf_name, printer, words

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "print-edition"
CODE = sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(__file__).parent.glob("*.js"))
CHROMIUM_BINARY = Path("/usr/lib/chromium/chromium")
NOT_PRINTED = {PDF_DIR, "search"}  # folders of a built language the chapter does not use


class EditionError(RuntimeError):
    """What is wrong with the built site or the build date, naming the file."""


def build_epoch() -> int:
    """SOURCE_DATE_EPOCH, else the time of the last commit: never the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value:
        if not value.isdigit():
            raise EditionError(f"SOURCE_DATE_EPOCH={value!r}: not a number of seconds")
        return int(value)
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, text=True,
                             capture_output=True, check=True).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        raise EditionError("no build date: set SOURCE_DATE_EPOCH (seconds since 1970) "
                           "outside a git checkout") from None


class _Tags(yaml.SafeLoader):
    """mkdocs.yml's own tags (!ENV, !relative) read as nothing: only its languages count."""


_Tags.add_multi_constructor("!", lambda loader, suffix, node: None)


def languages(site: Path, config_file: Path | None = None) -> dict[str, str]:
    """{language: its chapter page's folder in the site}, from the configuration (the
    mkdocs.yml beside the site folder, else the project's), the original first."""
    index = site / "index.html"
    if not index.is_file():
        raise EditionError(f"{index}: missing; build the site first (make site)")
    config_file = config_file or next(
        (c for c in (site.parent / "mkdocs.yml", ROOT / "mkdocs.yml") if c.is_file()), None)
    if config_file is None:
        raise EditionError(f"no mkdocs.yml beside {site} or in {ROOT}")
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Tags) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise EditionError(f"{config_file}: cannot be read: {exc}") from None
    theme = config.get("theme") if isinstance(config.get("theme"), dict) else {}
    original = theme.get("language") or "en"
    found = {lang.code: "" if lang.code == original else f"{lang.code}/"
             for lang in configured_languages(config.get("extra") or {}, original)}
    for lang, path in found.items():
        if not (site / path / "index.html").is_file():
            raise EditionError(f"{site / path / 'index.html'}: the {lang} chapter is missing")
    return found


def _key(site: Path, path: str, others: list[str], lang: str, epoch: int) -> str:
    digest = hashlib.sha256(f"{lang}\n{epoch}\n".encode())
    for code in CODE:
        digest.update(code.name.encode() + b"\0" + code.read_bytes())
    if CHROMIUM_BINARY.exists():
        st = CHROMIUM_BINARY.stat()
        digest.update(f"chromium {st.st_size} {st.st_mtime_ns}".encode())
    root = site / path
    skip = {root / name for name in NOT_PRINTED} | {site / o for o in others if o}
    for file in sorted(root.rglob("*")):
        if file.is_file() and not any(s == file or s in file.parents for s in skip) \
                and not file.name.startswith("sitemap"):
            digest.update(file.relative_to(site).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _write(target: Path, data: bytes) -> None:
    atomic_write(target, lambda tmp: tmp.write_bytes(data))  # never a half-written PDF


def _cover(w: dict, epoch: int) -> list[tuple[str, str | None]]:
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    # None: the page's own copyright line (the footer's), so the license is said once
    return [("author", w["author"]), ("book", w["book"]), ("license", None),
            ("figures", w["figures"]), ("date", w["date"].format(date=date))]


def build(site: Path, force: bool = False, langs: dict[str, str] | None = None
          ) -> list[tuple[str, Path, str, float]]:
    """Print (or reuse) every language's PDF: [(lang, path, 'printed'/'cached', seconds)].
    `langs`: {language: its chapter's folder in the site}, as the site's configuration
    says (`make site`); else mkdocs.yml's (`languages`), never the page's menu."""
    site = site.resolve()
    epoch = build_epoch()
    langs = languages(site) if langs is None else langs
    others = list(langs.values())
    todo, results = {}, []
    for lang, path in langs.items():
        # the code names files and a glob below: a BCP 47 tag, the folder its own
        if not langtags.is_code(lang) or path not in ("", f"{lang}/"):
            raise EditionError(f"language {lang!r} at {path!r}: {langtags.code_problem(lang) or 'not its folder'}")
        key = _key(site, path, [o for o in others if o != path], lang, epoch)
        cached = CACHE / f"{lang}-{key[:20]}.pdf"
        target = site / PDF_DIR / pdf_name(lang)
        data = None if force else cache_check.read(cached)  # None: missing or damaged
        if data is not None:
            _write(target, data)
            results.append((lang, target, "cached", 0.0))
        else:
            todo[lang] = (path, cached, target)
    if not todo:
        return results
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, browser_.serve(site) as url:
        try:
            browser = browser_.launch(pw)
        except browser_.ChromiumMissing as exc:
            raise printer.PrintError(str(exc)) from None
        try:
            for lang, (path, cached, target) in todo.items():
                start = time.perf_counter()
                try:  # the words the site build wrote on the page, from language.yml
                    said = words((site / path / "index.html").read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise EditionError(f"{site / path / 'index.html'}: {exc}") from None
                raw, headings = printer.print_page(browser, url + path, lang,
                                                   _cover(said, epoch), said["contents"])
                title = _chapter_title(site / path / "index.html")
                data = finish.finish(raw, title=title, author=said["author"],
                                     subject=said["book"], lang=lang, epoch=epoch,
                                     headings=headings)
                for old in CACHE.glob(f"{lang}-*.pdf"):
                    cache_check.discard(old)
                cache_check.write(cached, data)
                _write(target, data)
                results.append((lang, target, "printed", time.perf_counter() - start))
        finally:
            browser.close()
    return results


def _chapter_title(index: Path) -> str:
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", index.read_text(encoding="utf-8"), re.S)
    if not match:
        raise EditionError(f"{index}: the chapter has no <h1> title")
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("¶", "").strip()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    force = "--force" in args
    args = [a for a in args if a != "--force"]
    site = Path(args[0]) if args else ROOT / "site"
    try:
        results = build(site, force=force)
    except (EditionError, printer.PrintError) as exc:
        print(f"print edition: error: {exc}", file=sys.stderr)
        return 1
    for lang, path, status, seconds in results:
        size = path.stat().st_size
        print(f"pdf {lang}: {status} {path.relative_to(site.resolve().parent)} "
              f"({size / 1e6:.2f} MB, {seconds:.1f} s)")
    return 0
