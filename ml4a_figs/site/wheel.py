"""The reader's wheel, served beside the notebooks, built by the project's own backend.

pyproject.toml says what the wheel holds and hatchling builds it reproducibly (file
times from SOURCE_DATE_EPOCH), through pip as any Python user would (`pip wheel .`).
This module only decides when to build: a wheel is reused while a hash of its sources
(the files pyproject.toml includes, the epoch, the backend's version) is unchanged and
its bytes still hash to what was recorded when it was built.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from ..pipeline.store import atomic_write, sha256

# the checkout this package is imported from: its sources are the wheel's, wherever
# the mkdocs.yml being built lives
PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL_FILES = ("pyproject.toml", "README.md", "LICENSE")
# 1980-01-01, the earliest time a zip file holds (hatchling's own default is 2020)
DEFAULT_EPOCH = "315532800"


class WheelError(RuntimeError):
    """The wheel could not be built; the message names the file or what pip said."""


def _project(root: Path) -> dict:
    path = root / "pyproject.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WheelError(f"{path}: {exc}") from None


def wheel_name(root: Path) -> str:
    try:
        project = _project(root)["project"]
        return f"{project['name']}-{project['version']}-py3-none-any.whl"
    except KeyError as exc:
        raise WheelError(f"{root / 'pyproject.toml'}: no [project] {exc}") from None


def source_files(root: Path) -> list[Path]:
    """What the wheel is built from: pyproject.toml's only-include list, and the files
    its metadata names (relative to root, sorted)."""
    root = Path(root)
    wheel = _project(root).get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    includes = wheel.get("wheel", {}).get("only-include")
    if not includes:
        raise WheelError(f"{root / 'pyproject.toml'}: no [tool.hatch.build.targets.wheel] "
                         f"only-include list")
    files = []
    for name in TOP_LEVEL_FILES:
        if not (root / name).is_file():
            raise WheelError(f"{root / name}: missing; the wheel is built from a checkout "
                             f"of the project, which has it")
        files.append(Path(name))
    for name in includes:
        path = root / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p.relative_to(root) for p in found
                  if "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return sorted(files)


def _epoch() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip() or DEFAULT_EPOCH


def source_key(root: Path) -> str:
    """A hash of what decides the wheel's bytes: the sources, the epoch, the backend."""
    digest = hashlib.sha256()
    for rel in source_files(root):
        digest.update(rel.as_posix().encode() + b"\0" + bytes.fromhex(sha256(Path(root) / rel)))
    digest.update(_epoch().encode() + importlib.metadata.version("hatchling").encode())
    return digest.hexdigest()


def build(root: Path, out_dir: Path) -> Path:
    """`pip wheel` the project at root into out_dir, with the installed hatchling."""
    root, out_dir = Path(root), Path(out_dir)
    expected = wheel_name(root)
    source_files(root)  # a missing README or include list is named before pip runs
    with tempfile.TemporaryDirectory(prefix="ml4a-wheel-") as tmp:
        env = dict(os.environ, SOURCE_DATE_EPOCH=_epoch(), PIP_DISABLE_PIP_VERSION_CHECK="1")
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "--quiet", "--wheel-dir", tmp, str(root)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or [w.name for w in wheels] != [expected]:
            raise WheelError(f"building {expected} from {root / 'pyproject.toml'} failed "
                             f"(pip exit {proc.returncode}, built {[w.name for w in wheels]}):\n"
                             f"{(proc.stderr or proc.stdout).strip()[-3000:]}")
        atomic_write(out_dir / expected, lambda part: shutil.copyfile(wheels[0], part))
    return out_dir / expected


def cached(root: Path, cache_dir: Path) -> tuple[Path, bool]:
    """The wheel of the current sources and whether it was built now (False: reused)."""
    folder = Path(cache_dir) / source_key(root)
    path, recorded = folder / wheel_name(root), folder / "sha256"
    try:
        if path.is_file() and recorded.read_text(encoding="ascii").strip() == sha256(path):
            return path, False
    except (OSError, UnicodeDecodeError):
        pass  # a damaged entry is rebuilt
    built = build(root, folder)
    atomic_write(recorded, lambda part: part.write_text(sha256(built) + "\n", encoding="ascii"))
    for old in Path(cache_dir).iterdir():  # wheels of sources that are gone
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return built, True
