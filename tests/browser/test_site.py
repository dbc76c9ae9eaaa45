"""Every page of every language, as a reader's browser loads it: images, responses,
console, requests to other hosts, typeset math, leftovers of the original's syntax,
accessibility."""

from __future__ import annotations

import json
import os

import pytest

from tests.weight import CHROMIUM

from . import checks

pytestmark = pytest.mark.browser


def _fail(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


def _batches(items, n):
    return [items[i:i + n] for i in range(0, len(items), n)]


def test_chromium_is_installed():
    assert os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK), (
        f"chromium is missing at {CHROMIUM}: the browser tests need Debian's chromium "
        "(apt-get install chromium, or `make system-deps`); they never download one")


def test_every_language_has_its_chapter(site_pages, built_site):
    langs = checks.languages(built_site)
    chapters = {p.lang for p in site_pages if p.is_chapter}
    assert chapters == set(langs), f"languages {sorted(langs)} but chapters {sorted(chapters)}"
    for p in site_pages:
        if p.is_chapter:
            assert p.source is not None, f"{p.label}: no Markdown source found under docs/{p.lang}/"


def test_pages_answer_200(site_pages, visits):
    problems = [f"{p.label}: HTTP {visits(p).status}" for p in site_pages
                if visits(p).status != 200]
    _fail(problems, "pages that do not load")


def test_every_image_loads(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p)
        problems += checks.check_images(v.page, p.label, v.images)
    _fail(problems, "images that do not load")


def test_figure_images_have_alt_text(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p)
        problems += checks.check_alt(v.page, p.label, v.images)
    _fail(problems, "images without alt text")


def test_no_error_responses(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p).settled()  # lazy images requested too
        problems += checks.bad_responses(v.recorder, p.label)
    _fail(problems, "4xx/5xx responses or failed requests")


def test_no_console_errors(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p).settled()
        problems += checks.console_problems(v.recorder, p.label)
    _fail(problems, "console errors or uncaught exceptions")


def test_no_request_to_another_host(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p).settled()
        assert v.recorder.requests, f"{p.label}: no request recorded at all"
        problems += checks.external_requests(v.recorder, p.label)
    _fail(problems, "requests to hosts other than the local server")


def test_no_leftover_jekyll_or_kramdown_syntax(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p)
        problems += checks.check_leftover_syntax(v.page, p.label, v.texts)
    _fail(problems, "leftovers of the original's syntax")


def test_every_formula_is_typeset(site_pages, visits):
    problems = []
    for p in site_pages:
        v = visits(p)
        expected = None
        if p.source is not None:
            expected = checks.count_math(p.source.read_text(encoding="utf-8"))
        problems += checks.check_math(v.page, p.label, expected, v.texts)
    _fail(problems, "math problems")


def test_chapter_math_count_is_meaningful(chapters):
    # guards the check above: the English chapter has math, and the counter sees it
    # (a translation's Markdown may hold only its translated sections)
    for p in chapters:
        if p.lang != "en":
            continue
        n = checks.count_math(p.source.read_text(encoding="utf-8"))
        assert n >= 100, f"{p.label}: only {n} formulas counted in {p.source}"


def test_accessibility(site_pages, visits, artifacts):
    problems, findings = [], []
    for group in _batches(site_pages, 3):
        for p in group:  # axe runs in these pages at the same time
            checks.start_axe(visits(p).page)
        for p in group:
            found, all_findings = checks.axe_problems(visits(p).page, p.label,
                                                      checks.AXE_KNOWN, started=True)
            problems += found
            findings += all_findings
    (artifacts / "axe-findings.json").write_text(json.dumps(findings, indent=1),
                                                  encoding="utf-8")
    _fail(problems, "serious/critical accessibility violations (all findings in "
                    "test-artifacts/axe-findings.json)")
