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


def source_files(root: Path) -> list[Path]:
    """What the wheel is built from (relative to root, sorted): the top-level files and
    what hatchling itself selects from pyproject.toml. A missing one is hatchling's to name."""
    from hatchling.builders.wheel import WheelBuilder

    try:
        included = WheelBuilder(str(root)).recurse_included_files()
        included = [Path(f.distribution_path) for f in included]
    except (OSError, ValueError) as exc:  # tomllib's TOMLDecodeError is a ValueError
        raise WheelError(f"{Path(root) / 'pyproject.toml'}: {exc}") from None
    return sorted([Path(name) for name in TOP_LEVEL_FILES if (Path(root) / name).is_file()]
                  + included)


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
    with tempfile.TemporaryDirectory(prefix="ml4a-wheel-") as tmp:
        env = dict(os.environ, SOURCE_DATE_EPOCH=_epoch(), PIP_DISABLE_PIP_VERSION_CHECK="1")
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                               "--no-build-isolation", "--no-index", "--quiet",
                               "--wheel-dir", tmp, str(root)],
                              env=env, capture_output=True, text=True)
        wheels = list(Path(tmp).glob("*.whl"))
        if proc.returncode != 0 or len(wheels) != 1:
            raise WheelError(f"building the wheel of {root / 'pyproject.toml'} failed (pip "
                             f"exit {proc.returncode}, built {[w.name for w in wheels]}):\n"
                             f"{(proc.stderr or proc.stdout).strip()[-3000:]}")
        atomic_write(out_dir / wheels[0].name, lambda part: shutil.copyfile(wheels[0], part))
        return out_dir / wheels[0].name


def cached(root: Path, cache_dir: Path) -> tuple[Path, bool]:
    """The wheel of the current sources and whether it was built now (False: reused)."""
    folder = Path(cache_dir) / source_key(root)
    wheels, recorded = list(folder.glob("*.whl")), folder / "sha256"
    try:
        if len(wheels) == 1 and recorded.read_text(encoding="ascii").strip() == sha256(wheels[0]):
            return wheels[0], False
    except (OSError, UnicodeDecodeError):
        pass  # a damaged entry is rebuilt
    shutil.rmtree(folder, ignore_errors=True)
    built = build(root, folder)
    atomic_write(recorded, lambda part: part.write_text(sha256(built) + "\n", encoding="ascii"))
    for old in Path(cache_dir).iterdir():  # wheels of sources that are gone
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return built, True
