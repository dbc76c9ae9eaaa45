"""The figure registry, the cache and the CLI, tested through the real command."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIGURES, ROOT, run_cli
from ml4a_figs.figures.references import CODE, EXPLORE_REF, FIGURE_REF
from ml4a_figs.figures.registry import DeclarationError, scan
from ml4a_figs.pipeline import figures as builder
from ml4a_figs.pipeline.figures import cache_key
from ml4a_figs.pipeline.output import write_output


def referenced_figures() -> dict[str, list[str]]:
    """Figures named on a page, and those an explorable figure shows (static, print)."""
    refs: dict[str, list[str]] = {}
    for md in sorted((ROOT / "docs").rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        text = CODE.sub("", text)  # code and comments show the syntax, refer to nothing
        for name in (m.group(2) for m in FIGURE_REF.finditer(text)):
            refs.setdefault(name, []).append(str(md.relative_to(ROOT)))
        for name in (m.group(2) for m in EXPLORE_REF.finditer(text)):
            refs.setdefault(name, []).append(str(md.relative_to(ROOT)))
            header = json.loads((FIGURES / f"{name}.explore.json").read_text(encoding="utf-8"))
            for shown in (header.get("static"), header.get("print")):
                if shown:
                    refs.setdefault(shown, []).append(f"{md.relative_to(ROOT)} ({name})")
    return refs


def test_every_figure_a_page_uses_is_declared():
    declared = scan()
    missing = {n: where for n, where in referenced_figures().items() if n not in declared}
    assert not missing, f"pages use undeclared figures: {missing}"


def test_every_declared_figure_is_used_by_a_page():
    used = referenced_figures()
    unused = [n for n, fig in scan().items() if "json" not in fig.formats and n not in used]
    assert not unused, f"declared but shown nowhere: {unused}"


def test_declarations_resolve_to_functions_with_alt_text():
    for name, fig in scan().items():
        compute, draw = fig.functions()
        assert callable(compute) and callable(draw), name
        assert set(fig.formats) <= {"svg", "png", "webp", "json", "poster.webp", "explore.json",
                                    "phone.svg", "phone.webp"}, name
        assert len(fig.alt) >= 20, f"{name}: alt text too short to describe the figure"


def _list_with_module(package_copy: Path, tmp_path: Path, name: str, source: str):
    """`list` run on a package copy that holds one more figure module, figures/NAME.py."""
    pkg = tmp_path / "pkg"
    shutil.copytree(package_copy / "ml4a_figs", pkg / "ml4a_figs")
    (pkg / "ml4a_figs" / "figures" / f"{name}.py").write_text(source)
    return run_cli(pkg, "list", out=tmp_path / "out")


def test_a_declaration_that_is_not_literal_is_an_error(package_copy, tmp_path):
    proc = _list_with_module(package_copy, tmp_path, "zz_bad",
                             "from .registry import declare\n\n"
                             "def f():\n    return {}\n\n"
                             "ALT = 'computed'\n"
                             "declare('bad', compute=f, draw=f, alt=ALT)\n")
    assert proc.returncode != 0
    assert "zz_bad.py:7" in proc.stderr and "literal" in proc.stderr


def test_a_draw_function_that_is_not_handed_the_theme_is_an_error(package_copy, tmp_path):
    """A draw function takes the theme first (issue 21): one that would read its colours
    from elsewhere is refused by name and line when the figures are listed."""
    proc = _list_with_module(package_copy, tmp_path, "zz_themeless",
                             "from .registry import declare\n\n"
                             "def f():\n    return {}\n\n"
                             "def draw_f(x):\n    return x\n\n"
                             "declare('themeless', compute=f, draw=draw_f,"
                             " alt='a figure drawn in no theme')\n")
    assert proc.returncode != 0
    assert "zz_themeless.py:9" in proc.stderr and "def draw_f(theme" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_noop_build_redraws_nothing():
    first = run_cli(ROOT, "build", out=FIGURES)
    assert first.returncode == 0, first.stderr
    second = run_cli(ROOT, "build", out=FIGURES)
    assert second.returncode == 0, second.stderr
    n = len(scan())
    assert f"0 built, {n} cached, 0 failed" in second.stdout, second.stdout


def _warm_copy(package_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A package copy beside the translations (which languages the figures are drawn in)
    and a copy of the warm figures/ folder it can build into."""
    pkg = tmp_path / "pkg"
    shutil.copytree(package_copy / "ml4a_figs", pkg / "ml4a_figs")
    shutil.copytree(ROOT / "docs", pkg / "docs")
    out = tmp_path / "figures"
    assert run_cli(ROOT, "build", out=FIGURES).returncode == 0
    shutil.copytree(FIGURES, out)
    return pkg, out


def _statuses(stdout: str) -> dict[str, str]:
    return dict((name, status) for status, name in
                re.findall(r"^\[\s*\d+/\d+\] (\w+)\s+(\S+)", stdout, re.M))


def test_a_fresh_clone_with_a_warm_cache_redraws_nothing(package_copy, tmp_path):
    pkg, out = _warm_copy(package_copy, tmp_path)
    proc = run_cli(pkg, "build", out=out)
    assert proc.returncode == 0, proc.stderr
    assert set(_statuses(proc.stdout).values()) == {"cached"}, proc.stdout


@pytest.mark.parametrize("damage", ["{not json", '{"sources": 1, "keys": []}', "[]"])
def test_a_damaged_memo_of_code_keys_is_computed_again(package_copy, tmp_path, damage):
    """figures/.stamps/code-keys remembers each figure's code key while the package is
    unchanged: damaged, it is rebuilt, never a crash nor a redraw."""
    pkg, out = _warm_copy(package_copy, tmp_path)
    memo = out / ".stamps" / "code-keys"
    memo.write_text(damage, encoding="utf-8")
    proc = run_cli(pkg, "build", out=out)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert set(_statuses(proc.stdout).values()) == {"cached"}, proc.stdout
    assert len(json.loads(memo.read_text(encoding="utf-8"))["keys"]) == len(scan())


def test_editing_one_draw_function_redraws_that_figure_alone(package_copy, tmp_path):
    pkg, out = _warm_copy(package_copy, tmp_path)
    module = pkg / "ml4a_figs" / "figures" / "why_training_is_hard.py"
    source = module.read_text()
    edited = source.replace("def draw_small_nets(theme, nets, n_weights):\n",
                            "def draw_small_nets(theme, nets, n_weights):\n    nets = list(nets)\n", 1)
    assert edited != source
    module.write_text(edited)
    proc = run_cli(pkg, "build", out=out)
    assert proc.returncode == 0, proc.stderr
    statuses = _statuses(proc.stdout)
    assert {n for n, s in statuses.items() if s == "built"} == {"small_nets"}, proc.stdout


def test_editing_the_core_redraws_what_uses_it(package_copy, tmp_path):
    pkg, out = _warm_copy(package_copy, tmp_path)
    nn = pkg / "ml4a_figs" / "core" / "nn.py"
    source = nn.read_text()
    # a definition nothing uses: no figure reaches it, so nothing is redrawn
    nn.write_text(source + "\n\nUNUSED_FOR_A_TEST = 1\n")
    proc = run_cli(pkg, "build", out=out)
    assert set(_statuses(proc.stdout).values()) == {"cached"}, proc.stdout
    # softmax is on the forward pass of every MLP
    edited = source.replace("def softmax(z):\n", "def softmax(z):\n    z = z + 0.0\n", 1)
    assert edited != source
    nn.write_text(edited)
    proc = run_cli(pkg, "build", out=out)
    built = {n for n, s in _statuses(proc.stdout).items() if s == "built"}
    assert {"connection_tweak", "facts"} <= built, proc.stdout
    assert "sampling" not in built, "sampling does not use nn.py and must stay cached"


def test_editing_one_optimizer_leaves_the_fit_figures_cached(package_copy, tmp_path):
    """Issue 21: a key follows `from ..core.optim import Adam` to Adam alone, so the fit
    figures stay fresh while the races, which run every optimizer, go stale."""
    pkg, out = _warm_copy(package_copy, tmp_path)
    optim = pkg / "ml4a_figs" / "core" / "optim.py"
    source = optim.read_text()
    edited = source.replace("class RMSprop(Optimizer):\n",
                            "class RMSprop(Optimizer):\n    EDITED_FOR_A_TEST = 1\n", 1)
    assert edited != source
    optim.write_text(edited)
    proc = run_cli(pkg, "list", out=out)
    fresh = set(re.findall(r"^(\w+)\s+fresh", proc.stdout, re.M))
    assert {"overfitting", "digits_curves", "dropout", "line_fit_explore"} <= fresh, proc.stdout
    assert "opt1a" not in fresh, proc.stdout


def test_a_broken_figure_is_named_and_the_others_still_build(package_copy, tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(package_copy / "ml4a_figs", pkg / "ml4a_figs")
    shutil.copy(ROOT / "tests" / "fixtures" / "broken_figure.py",
                pkg / "ml4a_figs" / "figures" / "zz_broken.py")
    out = tmp_path / "out"
    proc = run_cli(pkg, "build", "broken_fixture", "sampling", "--jobs", "2", out=out)
    assert proc.returncode != 0
    assert "figure 'broken_fixture' failed" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr
    assert _statuses(proc.stdout) == {"broken_fixture": "failed", "sampling": "built"}, proc.stdout
    assert (out / "sampling.webp").stat().st_size > 0
    assert not (out / "broken_fixture.svg").exists()


def test_unknown_figure_name_on_the_command_line(tmp_path):
    proc = run_cli(ROOT, "build", "lin_reg_msee", out=tmp_path)
    assert proc.returncode == 2 and "lin_reg_msee" in proc.stderr


def test_an_interrupted_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "fig.svg"
    target.write_text("old")

    class Exploding:
        def save(self, path, fmt):
            Path(path).write_text("half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_output(Exploding(), target, "svg")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target], "no temporary file may be left behind"


def test_a_truncated_output_is_not_served_from_the_cache(tmp_path):
    fig = scan()["small_nets"]
    assert builder.build(["small_nets"], tmp_path, languages=[])[0].status == "built"
    assert builder.is_fresh(fig, tmp_path)
    svg = tmp_path / "small_nets.svg"
    svg.write_bytes(svg.read_bytes()[:100])
    assert not builder.is_fresh(fig, tmp_path)


@pytest.mark.slow
def test_two_cold_builds_give_identical_bytes(tmp_path):
    assert run_cli(ROOT, "build", out=FIGURES).returncode == 0
    proc = run_cli(ROOT, "build", "--force", out=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for fig in scan().values():
        for name in fig.output_names():
            assert (tmp_path / name).read_bytes() == (FIGURES / name).read_bytes(), name


def test_list_shows_every_figure(tmp_path):
    proc = run_cli(ROOT, "list", out=tmp_path)
    assert proc.returncode == 0
    for name in scan():
        assert re.search(rf"^{name}\s+stale", proc.stdout, re.M), name
