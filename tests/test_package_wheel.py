"""The wheel the site serves: complete, reproducible, and with only the runtime
dependencies (the site's build tools are extras a reader never installs)."""

from __future__ import annotations

import email.parser
import hashlib
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from ml4a_figs import package_wheel

RUNTIME = {"numpy", "matplotlib", "scikit-learn", "pillow", "threadpoolctl"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return package_wheel.build(ROOT, tmp_path_factory.mktemp("wheel"))


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(z.read(name).decode("utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_wheel_is_named_by_the_one_version_in_pyproject(wheel):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert wheel.name == f"ml4a_figs-{project['version']}-py3-none-any.whl"
    assert _metadata(wheel)["Version"] == project["version"]


def test_the_wheel_holds_every_file_of_the_package_tree(wheel):
    """Modules moved into new subpackages, and their data files, stay in the wheel:
    packages are found, not listed."""
    with zipfile.ZipFile(wheel) as z:
        inside = set(z.namelist())
    tree = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ml4a_figs").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    py = {p for p in tree if p.endswith(".py")}
    assert len(py) > 20 and "ml4a_figs/figures/races.py" in py
    assert not py - inside, f"modules missing from the wheel: {sorted(py - inside)}"
    assert not tree - inside, f"data files missing from the wheel: {sorted(tree - inside)}"
    assert not any(n.startswith(("tests/", "docs/")) or "__pycache__" in n for n in inside)


def test_the_wheel_requires_only_the_runtime_libraries_pinned_in_pyproject(wheel):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requires = _metadata(wheel).get_all("Requires-Dist") or []
    unconditional = sorted(r for r in requires if "extra ==" not in r)
    assert sorted(r.replace(" ", "") for r in unconditional) == sorted(project["dependencies"])
    names = {r.split("==")[0].strip().lower() for r in unconditional}
    assert names == RUNTIME, names
    assert not any("mkdocs" in r for r in unconditional), unconditional


def test_the_same_sources_give_the_same_bytes(wheel, tmp_path, monkeypatch):
    # both builds in the same environment (make exports SOURCE_DATE_EPOCH, a bare
    # pytest does not), each from scratch
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = package_wheel.build(ROOT, tmp_path / "first")
    again = package_wheel.build(ROOT, tmp_path / "again")
    assert again.name == first.name == wheel.name
    assert _sha256(again) == _sha256(first), "two builds of the same sources differ"
    with zipfile.ZipFile(again) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_changed_source_changes_the_key_and_the_wheel(wheel, tmp_path):
    copy = _copy_project(tmp_path / "project")
    assert package_wheel.source_key(copy) == package_wheel.source_key(ROOT)
    (copy / "ml4a_figs" / "core" / "data.py").write_text(
        (ROOT / "ml4a_figs" / "core" / "data.py").read_text(encoding="utf-8") + "\n# edited\n",
        encoding="utf-8")
    assert package_wheel.source_key(copy) != package_wheel.source_key(ROOT)
    assert _sha256(package_wheel.build(copy, tmp_path / "dist")) != _sha256(wheel)


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in package_wheel.TOP_LEVEL_FILES:
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "ml4a_figs", dest / "ml4a_figs",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_the_cache_builds_once_then_reuses(tmp_path, monkeypatch):
    calls = []
    real = package_wheel.build

    def counting(root, out_dir):
        calls.append(out_dir)
        return real(root, out_dir)

    monkeypatch.setattr(package_wheel, "build", counting)
    first, built = package_wheel.cached(ROOT, tmp_path)
    second, built_again = package_wheel.cached(ROOT, tmp_path)
    assert (built, built_again) == (True, False) and first == second and len(calls) == 1


def test_a_broken_pyproject_is_an_error_naming_it(tmp_path):
    _copy_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project\nname = 1\n", encoding="utf-8")
    with pytest.raises(package_wheel.WheelError, match="pyproject.toml"):
        package_wheel.build(tmp_path, tmp_path / "dist")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_a_missing_readme_is_an_error_naming_it(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with pytest.raises(package_wheel.WheelError, match="README.md"):
        package_wheel.source_files(tmp_path)
