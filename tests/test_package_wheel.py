"""The wheel the site serves: built by hatchling from pyproject.toml, holding what a
reader's notebook imports and nothing of the site's tools, reproducible, requiring
version ranges (a reader's environment is theirs), cached and checked before reuse."""

from __future__ import annotations

import ast
import email.parser
import hashlib
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from ml4a_figs.site import wheel as reader_wheel

RUNTIME = {"numpy", "matplotlib", "scikit-learn", "pillow", "threadpoolctl"}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return reader_wheel.build(ROOT, tmp_path_factory.mktemp("wheel"))


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(z.read(name).decode("utf-8"))


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_wheel_is_named_by_the_one_version_in_pyproject(wheel):
    assert wheel.name == f"ml4a_figs-{PYPROJECT['project']['version']}-py3-none-any.whl"
    assert _metadata(wheel)["Version"] == PYPROJECT["project"]["version"]
    assert "Generator: hatchling" in _wheel_file(wheel)


def _wheel_file(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))).decode()


def test_the_wheel_holds_what_a_reader_imports_and_not_the_site_tools(wheel):
    inside = _names(wheel)
    for module in ("ml4a_figs/core/optim.py", "ml4a_figs/figures/races.py", "ml4a_figs/style.py",
                   "ml4a_figs/pipeline/cli.py", "ml4a_figs/__main__.py"):
        assert module in inside, module
    for tool in ("site/", "i18n/", "print_edition/", "notebooks/", "mathrender.py",
                 "download_box.py", "katex_render.js"):
        assert not any(n.startswith(f"ml4a_figs/{tool}") for n in inside), tool
    assert not any(n.startswith(("tests/", "docs/")) or "__pycache__" in n for n in inside)
    assert not any(n.endswith("entry_points.txt") for n in inside), "entry points without their code"


def test_every_module_of_the_wheel_imports_only_the_wheel(wheel):
    """A module that imports a layer left out (site, i18n...) would fail in a reader's
    environment: each ml4a_figs import of each module in the wheel resolves inside it."""
    inside = _names(wheel)
    missing = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(n for n in inside if n.endswith(".py")):
            package = name.split("/")[:-1]
            for node in ast.walk(ast.parse(z.read(name))):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("ml4a_figs")):
                    base = package[: len(package) - node.level + 1] if node.level else []
                    target = base + (node.module.split(".") if node.module else [])
                    candidates = ["/".join(target) + ".py", "/".join(target) + "/__init__.py"]
                    candidates += ["/".join(target + [a.name]) + ext for a in node.names
                                   for ext in (".py", "/__init__.py")]
                    if not inside & set(candidates):
                        missing.append(f"{name}:{node.lineno} imports {'.' * node.level}{node.module or ''}")
    assert not missing, missing


def test_the_wheel_requires_the_runtime_libraries_as_ranges(wheel):
    requires = _metadata(wheel).get_all("Requires-Dist") or []
    unconditional = [r for r in requires if "extra ==" not in r]
    names = {r.split(">")[0].split("<")[0].split("=")[0].split("!")[0].strip().lower()
             for r in unconditional}
    assert names == RUNTIME, names
    assert not any("==" in r.split(";")[0] for r in requires), requires
    # the site's tools are dependency groups: no extra that installs MkDocs without the site
    assert not any("mkdocs" in r or "pytest" in r for r in requires), requires


def test_the_same_sources_give_the_same_bytes(wheel, tmp_path, monkeypatch):
    # both builds in the same environment (make exports SOURCE_DATE_EPOCH, a bare
    # pytest does not), each from scratch
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = reader_wheel.build(ROOT, tmp_path / "first")
    again = reader_wheel.build(ROOT, tmp_path / "again")
    assert again.name == first.name == wheel.name
    assert _sha256(again) == _sha256(first), "two builds of the same sources differ"
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in reader_wheel.TOP_LEVEL_FILES:
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "ml4a_figs", dest / "ml4a_figs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_a_changed_source_changes_the_key_and_the_wheel(wheel, tmp_path):
    copy = _copy_project(tmp_path / "project")
    assert reader_wheel.source_key(copy) == reader_wheel.source_key(ROOT)
    data = copy / "ml4a_figs" / "core" / "data.py"
    data.write_text(data.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert reader_wheel.source_key(copy) != reader_wheel.source_key(ROOT)
    assert _sha256(reader_wheel.build(copy, tmp_path / "dist")) != _sha256(wheel)
    # a file the wheel does not hold leaves the key alone
    edited = reader_wheel.source_key(copy)
    (copy / "ml4a_figs" / "site" / "pages.py").write_text("# edited\n", encoding="utf-8")
    assert reader_wheel.source_key(copy) == edited


def test_the_cache_builds_once_then_reuses_and_rebuilds_a_damaged_wheel(tmp_path, monkeypatch):
    calls = []
    real = reader_wheel.build

    def counting(root, out_dir):
        calls.append(out_dir)
        return real(root, out_dir)

    monkeypatch.setattr(reader_wheel, "build", counting)
    first, built = reader_wheel.cached(ROOT, tmp_path)
    second, built_again = reader_wheel.cached(ROOT, tmp_path)
    assert (built, built_again) == (True, False) and first == second and len(calls) == 1
    good = first.read_bytes()
    first.write_bytes(good[:100])  # truncated in the cache
    third, rebuilt = reader_wheel.cached(ROOT, tmp_path)
    assert rebuilt and third.read_bytes() == good and len(calls) == 2


def test_a_broken_pyproject_is_an_error_naming_it(tmp_path):
    _copy_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\nname = 1\n", encoding="utf-8")
    with pytest.raises(reader_wheel.WheelError, match="pyproject.toml"):
        reader_wheel.build(tmp_path, tmp_path / "dist")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_a_missing_readme_is_an_error_naming_it(tmp_path):
    _copy_project(tmp_path)
    (tmp_path / "README.md").unlink()
    with pytest.raises(reader_wheel.WheelError, match="README.md"):
        reader_wheel.build(tmp_path, tmp_path / "dist")
