"""python -m ml4a_figs.i18n: what is translated, the English text to translate, what
changed in English since, the checks, and the language codes (for the Makefile)."""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from pathlib import Path

from ..figures.references import closest
from .sections import parse, rel
from .status import MISSING, OUTDATED, PageStatus, Project, TranslationError, find_root, project

# --- git: the English section a translation was made from --------------------------

def english_history(proj: Project, page: str, section_id: str, wanted: str) -> str | None:
    """The text of an English section as it was when its hash was `wanted`, from git."""
    path = rel(proj.english_docs / page, proj.root)
    try:
        log = subprocess.run(["git", "log", "--format=%H", "--", path], cwd=proj.root,
                             capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    for commit in log:
        shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=proj.root,
                               capture_output=True, text=True)
        if shown.returncode != 0:
            continue
        old = parse(shown.stdout, path).by_id().get(section_id)
        if old is not None and old.hash == wanted:
            return "\n".join(old.lines)
    return None


# --- command line ---------------------------------------------------------------

def known_names(root: Path) -> tuple[set[str] | None, set[str] | None]:
    """The figure names (declared in the package) and the fact names (figures/facts.json,
    when the figures have been built)."""
    import json

    from ..figures.registry import scan

    figures = set(scan())
    facts_file = Path(root) / "figures" / "facts.json"
    facts = set(json.loads(facts_file.read_text(encoding="utf-8"))) if facts_file.is_file() else None
    return figures, facts


def figure_words(root: Path) -> dict[str, set[str]]:
    """The English texts each figure drew at its last build (figures/.stamps/NAME.json,
    `words`): what a translation's `figures:` may translate."""
    import json

    found: dict[str, set[str]] = {}
    for stamp in sorted((Path(root) / "figures" / ".stamps").glob("*.json")):
        try:
            used = json.loads(stamp.read_text(encoding="utf-8")).get("words") or []
        except (OSError, ValueError, AttributeError):
            continue  # a damaged stamp: the next build redraws that figure
        for text in used:
            if isinstance(text, str):
                found.setdefault(text, set()).add(stamp.stem)
    return found


def format_figure_words(proj: Project, code: str, used: dict[str, set[str]]) -> list[str]:
    missing = proj.missing_figure_words(code, set(used))
    where = f"{rel(proj.docs(code), proj.root)}/language.yml"
    if not used:
        return ["  figure strings: unknown until the figures are built (make figures)"]
    out = [f"  figure strings: {len(used) - len(missing)} of {len(used)} translated, "
           f"{len(missing)} missing (drawn in English)"]
    if missing:
        out.append(f"    add under figures: in {where} ({{}} is a number):")
    for text in missing:
        out.append(f"    {_yaml_key(text)}: \"\"    # {', '.join(sorted(used[text]))}")
    return out


def _yaml_key(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_status(proj: Project, statuses: list[PageStatus], verbose: bool = True) -> str:
    out = [f"Translations of {rel(proj.english_docs, proj.root)}/ "
           f"({proj.original}, the original). States: translated | OUTDATED (the English "
           f"section changed since) | missing (shown in English)."]
    if not proj.translations:
        out.append("No other language: add one line to extra.alternate in mkdocs.yml.")
    for lang in proj.translations:
        pages = [s for s in statuses if s.lang == lang.code]
        if not pages:
            continue
        out.append("")
        out.append(f"{lang.code} — {lang.name} ({rel(proj.docs(lang.code), proj.root)}/)")
        for o in proj.orphans(lang.code):
            out.append(f"  ! {o}")
        out += format_figure_words(proj, lang.code, figure_words(proj.root))
        for st in pages:
            out.append(f"  {st.summary()}")
            for p in st.problems:
                out.append(f"    ! {p}")
            if st.translation is None or not verbose:
                continue
            width = max(len(s.english.id) for s in st.sections)
            for s in st.sections:
                title = s.english.describe()
                line = f"    {s.state:<10}  {s.english.id:<{width}}  {title}"
                if s.state == MISSING:
                    line += f"\n{'':16}to translate it, put under its heading: {s.marker_line}"
                elif s.state == OUTDATED:
                    was = s.translation.marker or "no marker"
                    line += (f"\n{'':16}line {s.translation.line}: translated from {was}, the "
                             f"English is now {s.english.hash}: review it "
                             f"(python -m ml4a_figs.i18n diff {lang.code} {s.english.id}), "
                             f"then set {s.marker_line}")
                out.append(line)
    return "\n".join(out)


def main(argv=None) -> int:
    """The command line of `make i18n-status` and the translator's guide."""
    parser = argparse.ArgumentParser(prog="python -m ml4a_figs.i18n",
                                     description="Translation status and helpers.")
    parser.add_argument("--root", help="the project folder (default: where mkdocs.yml is)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("status", help="per language and section: translated, OUTDATED, missing")
    p.add_argument("langs", nargs="*")
    p.add_argument("--short", action="store_true", help="one line per page")
    sub.add_parser("languages", help="the language codes, the original first")
    sub.add_parser("check", help="validate every translation; exit 1 on a problem")
    p = sub.add_parser("skeleton", help="an English section with its id and marker, to translate")
    p.add_argument("lang")
    p.add_argument("section", nargs="+")
    p.add_argument("--page", default="index.md")
    p = sub.add_parser("diff", help="how an English section changed since it was translated")
    p.add_argument("lang")
    p.add_argument("section")
    p.add_argument("--page", default="index.md")
    args = parser.parse_args(argv)
    try:
        proj = project(args.root or find_root())
        if args.command == "languages":
            print(" ".join(lang.code for lang in proj.languages))
            return 0
        if args.command == "status":
            known = [l.code for l in proj.translations]
            bad = [c for c in args.langs if c not in known]
            if bad:
                print(f"not a translation of this site: {', '.join(bad)} (languages: "
                      f"{', '.join(known) or 'none'})", file=sys.stderr)
                return 2
            statuses = [proj.page_status(lang.code, page) for lang in proj.translations
                        if not args.langs or lang.code in args.langs
                        for page in proj.english_pages()]
            print(format_status(proj, statuses, verbose=not args.short))
            return 0
        if args.command == "check":
            problems = [p for lang in proj.translations
                        for p in proj.check_language(lang.code, *known_names(proj.root))]
            print("\n".join(problems) if problems else "translations: no problem found")
            return 1 if problems else 0
        page = args.page
        st = proj.page_status(args.lang, page)
        by_id = {s.english.id: s for s in st.sections}
        if args.command == "skeleton":
            for sid in args.section:
                if sid not in by_id:
                    print(f"no section {sid!r} in {st.english.path}{closest(sid, by_id)}",
                          file=sys.stderr)
                    return 2
                e = by_id[sid].english
                heading = e.heading if e.level == 1 or e.explicit_id else f"{e.heading} {{ #{e.id} }}"
                print("\n".join([heading, by_id[sid].marker_line, *e.body]).rstrip() + "\n")
            return 0
        if args.command == "diff":
            s = by_id.get(args.section)
            if s is None:
                print(f"no section {args.section!r} in {st.english.path}"
                      f"{closest(args.section, by_id)}", file=sys.stderr)
                return 2
            if s.state != OUTDATED or not s.translation.marker:
                print(f"{args.lang} {args.section}: {s.state}; nothing to compare")
                return 0
            old = english_history(proj, page, args.section, s.translation.marker)
            if old is None:
                print(f"the English text with hash {s.translation.marker} is not in the git "
                      f"history of {st.english.path}; compare the translation with the current "
                      f"English section by hand")
                return 1
            new = "\n".join(s.english.lines)
            sys.stdout.writelines(difflib.unified_diff(
                (old + "\n").splitlines(True), (new + "\n").splitlines(True),
                f"{args.section} as translated ({s.translation.marker})",
                f"{args.section} now ({s.english.hash})"))
            return 0
    except TranslationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
