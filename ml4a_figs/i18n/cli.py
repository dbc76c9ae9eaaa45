"""python -m ml4a_figs.i18n: what is translated, the English text to translate, what
changed in English since, the checks, and the language codes (for the Makefile)."""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

from ..figures.references import closest
from .sections import parse, rel
from .status import MISSING, OUTDATED, Project, TranslationError, find_root, project


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
        old = parse(shown.stdout, path).by_id().get(section_id) if not shown.returncode else None
        if old is not None and old.hash == wanted:
            return "\n".join(old.lines)
    return None


def known_names(root: Path) -> tuple[set[str] | None, set[str] | None]:
    """The figure names (declared in the package) and the fact names (figures/facts.json,
    when the figures have been built)."""
    from ..figures.registry import scan

    facts = Path(root) / "figures" / "facts.json"
    return set(scan()), set(json.loads(facts.read_text(encoding="utf-8"))) \
        if facts.is_file() else None


def figure_words(root: Path) -> dict[str, set[str]]:
    """The English texts each figure drew at its last build (figures/.stamps/NAME.json,
    `words`), with the figures that drew them: what a translation's `figures:` may
    translate."""
    found: dict[str, set[str]] = {}
    for stamp in sorted((Path(root) / "figures" / ".stamps").glob("*.json")):
        try:
            used = json.loads(stamp.read_text(encoding="utf-8")).get("words") or []
        except (OSError, ValueError, AttributeError):
            continue  # a damaged stamp: the next build redraws that figure
        for text in (t for t in used if isinstance(t, str)):
            found.setdefault(text, set()).add(stamp.stem)
    return found


def language_status(proj: Project, code: str, langs_pages, verbose: bool) -> list[str]:
    """The lines `status` prints for one language."""
    used = figure_words(proj.root)
    missing = proj.missing_figure_words(code, set(used))
    out = ["", f"{code} — {next(l.name for l in proj.languages if l.code == code)} "
               f"({rel(proj.docs(code), proj.root)}/)"]
    out += [f"  ! {o}" for o in proj.orphans(code)]
    if not used:
        out.append("  figure strings: unknown until the figures are built (make figures)")
    else:
        out.append(f"  figure strings: {len(used) - len(missing)} of {len(used)} translated, "
                   f"{len(missing)} missing (drawn in English)")
    if missing:
        out.append(f"    add under figures: in {rel(proj.docs(code), proj.root)}/language.yml "
                   f"({{}} is a number):")
    out += [f"    {json.dumps(text, ensure_ascii=False)}: \"\"    # "
            f"{', '.join(sorted(used[text]))}" for text in missing]
    for st in langs_pages:
        out.append(f"  {st.summary()}")
        out += [f"    ! {p}" for p in st.problems]
        width = max((len(s.english.id) for s in st.sections), default=0)
        for s in st.sections if st.translation is not None and verbose else ():
            out.append(f"    {s.state:<10}  {s.english.id:<{width}}  {s.english.describe()}")
            if s.state == MISSING:
                out.append(f"{'':16}to translate it, put under its heading: {s.marker_line}")
            elif s.state == OUTDATED:
                out.append(f"{'':16}line {s.translation.line}: translated from "
                           f"{s.translation.marker or 'no marker'}, the English is now "
                           f"{s.english.hash}: review it (python -m ml4a_figs.i18n diff "
                           f"{code} {s.english.id}), then set {s.marker_line}")
    return out


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
    for name, text in (("skeleton", "an English section with its id and marker, to translate"),
                       ("diff", "how an English section changed since it was translated")):
        p = sub.add_parser(name, help=text)
        p.add_argument("lang")
        p.add_argument("section", nargs="+" if name == "skeleton" else None)
        p.add_argument("--page", default="index.md")
    args = parser.parse_args(argv)
    try:
        return _run(args, project(args.root or find_root()))
    except TranslationError as exc:
        print(str(exc), file=sys.stderr)
        return 1


def _run(args, proj: Project) -> int:
    codes = [lang.code for lang in proj.translations]
    if args.command == "languages":
        print(" ".join(lang.code for lang in proj.languages))
    elif args.command == "check":
        problems = [p for code in codes for p in proj.check_language(code, *known_names(proj.root))]
        print("\n".join(problems) if problems else "translations: no problem found")
        return 1 if problems else 0
    elif args.command == "status":
        if bad := [c for c in args.langs if c not in codes]:
            print(f"not a translation of this site: {', '.join(bad)} (languages: "
                  f"{', '.join(codes) or 'none'})", file=sys.stderr)
            return 2
        out = [f"Translations of {rel(proj.english_docs, proj.root)}/ ({proj.original}, the "
               f"original). States: translated | OUTDATED (the English section changed "
               f"since) | missing (shown in English)."]
        if not codes:
            out.append("No other language: add one line to extra.alternate in mkdocs.yml.")
        for code in (c for c in codes if not args.langs or c in args.langs):
            pages = [proj.page_status(code, page) for page in proj.english_pages()]
            out += language_status(proj, code, pages, verbose=not args.short)
        print("\n".join(out))
    else:  # skeleton, diff: one English section
        st = proj.page_status(args.lang, args.page)
        by_id = {s.english.id: s for s in st.sections}
        sections = args.section if args.command == "skeleton" else [args.section]
        if unknown := next((sid for sid in sections if sid not in by_id), None):
            print(f"no section {unknown!r} in {st.english.path}{closest(unknown, by_id)}",
                  file=sys.stderr)
            return 2
        if args.command == "skeleton":
            for sid in sections:
                e = by_id[sid].english
                heading = e.heading if e.level == 1 or e.explicit_id else \
                    f"{e.heading} {{ #{e.id} }}"
                print("\n".join([heading, by_id[sid].marker_line, *e.body]).rstrip() + "\n")
            return 0
        s, sid = by_id[args.section], args.section
        if s.state != OUTDATED or not s.translation.marker:
            print(f"{args.lang} {sid}: {s.state}; nothing to compare")
            return 0
        old = english_history(proj, args.page, sid, s.translation.marker)
        if old is None:
            print(f"the English text with hash {s.translation.marker} is not in the git "
                  f"history of {st.english.path}; compare the translation with the current "
                  f"English section by hand")
            return 1
        sys.stdout.writelines(difflib.unified_diff(
            (old + "\n").splitlines(True), ("\n".join(s.english.lines) + "\n").splitlines(True),
            f"{sid} as translated ({s.translation.marker})", f"{sid} now ({s.english.hash})"))
    return 0
