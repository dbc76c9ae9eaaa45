"""The package as a wheel, for the site to serve next to the notebooks.

A reader who downloads a notebook installs this wheel to run it, so the site builds
it from the same sources as its figures, with the standard tools (pip's
`pip wheel --no-deps --no-build-isolation`, setuptools as the backend) and:

- from a clean copy of the sources (pyproject.toml, README.md, LICENSE and every
  file of ml4a_figs/ but compiled Python), so a stale build/ folder or a leftover
  file cannot leak into it;
- reproducibly: file times come from SOURCE_DATE_EPOCH (taken from the environment,
  or a fixed date), file modes are normalised, so the same sources give the same
  bytes on any machine;
- cached by a hash of those sources and of the backend's version: the languages of
  one site build, and warm rebuilds, reuse it.

    python -m ml4a_figs.package_wheel [OUT_DIR]    # prints the wheel's path
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

from . import cache_check

PACKAGE = "ml4a_figs"
# the checkout this package is imported from (through any symlink): its sources are
# the wheel's, wherever the mkdocs.yml being built lives
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# besides the package itself: what pyproject.toml names (readme, license)
TOP_LEVEL_FILES = ("pyproject.toml", "README.md", "LICENSE")
# 1980-01-01, the earliest time a zip file can hold
DEFAULT_EPOCH = "315532800"
SKIPPED_SUFFIXES = (".pyc", ".pyo")


class WheelError(RuntimeError):
    """The wheel could not be built; the message names the file or what pip said."""


def source_files(root: Path) -> list[Path]:
    """Every file the wheel is built from, relative to the project root, sorted."""
    root = Path(root)
    files = [Path(name) for name in TOP_LEVEL_FILES]
    for name in files:
        if not (root / name).is_file():
            raise WheelError(f"{root / name}: missing; the wheel is built from a checkout "
                             f"of the project, which has it")
    for path in sorted((root / PACKAGE).rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and "__pycache__" not in rel.parts and path.suffix not in SKIPPED_SUFFIXES:
            files.append(rel)
    return files


def version(root: Path) -> str:
    """The version, from its one source: pyproject.toml."""
    path = Path(root) / "pyproject.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise WheelError(f"{path}: no [project] version: {exc}") from None


def wheel_name(root: Path) -> str:
    return f"{PACKAGE}-{version(root)}-py3-none-any.whl"


def _epoch() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip() or DEFAULT_EPOCH


def source_key(root: Path) -> str:
    """A hash of what decides the wheel's bytes: the sources, the epoch, the backend."""
    digest = hashlib.sha256()
    for rel in source_files(root):
        digest.update(rel.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256((Path(root) / rel).read_bytes()).digest())
    digest.update(_epoch().encode())
    digest.update(importlib.metadata.version("setuptools").encode())
    return digest.hexdigest()


def build(root: Path, out_dir: Path) -> Path:
    """Build the wheel from a clean copy of the sources into out_dir; return its path."""
    root, out_dir = Path(root), Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="ml4a-wheel-") as tmp:
        src, dist = Path(tmp) / "src", Path(tmp) / "dist"
        for rel in source_files(root):
            target = src / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / rel, target)
            target.chmod(0o644)  # the zip stores modes: same bytes whatever the umask
        env = dict(os.environ, SOURCE_DATE_EPOCH=_epoch(), PYTHONHASHSEED="0",
                   PIP_DISABLE_PIP_VERSION_CHECK="1")
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "--quiet", "--wheel-dir", str(dist), str(src)]
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True)
        wheels = sorted(dist.glob("*.whl"))
        if proc.returncode != 0 or len(wheels) != 1:
            raise WheelError(f"building the {PACKAGE} wheel from {root / 'pyproject.toml'} "
                             f"failed (pip exit {proc.returncode}):\n"
                             f"{(proc.stderr or proc.stdout).strip()[-3000:]}")
        expected = wheel_name(root)
        if wheels[0].name != expected:
            raise WheelError(f"pip built {wheels[0].name}, expected {expected}")
        out_dir.mkdir(parents=True, exist_ok=True)
        partial = out_dir / f".{expected}.partial"
        shutil.copyfile(wheels[0], partial)
        os.replace(partial, out_dir / expected)  # never a half-written wheel
    return out_dir / expected


def cached(root: Path, cache_dir: Path) -> tuple[Path, bool]:
    """The wheel of the current sources, built only when they changed.

    Returns (path, built): built is False when the cached wheel was reused."""
    folder = Path(cache_dir) / source_key(root)
    path = folder / wheel_name(root)
    if path.is_file() and cache_check.is_wheel(path):  # a damaged one is built again
        return path, False
    built = build(root, folder)
    for old in Path(cache_dir).iterdir():  # wheels of sources that are gone
        if old.is_dir() and old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return built, True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        path = build(PROJECT_ROOT, Path(args[0]) if args else PROJECT_ROOT / "dist")
    except WheelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
