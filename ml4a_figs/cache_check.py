"""Cache entries are verified before they are used, and rebuilt when damaged.

A cached output that was truncated (a killed build, a full disk) or altered must never be
published as if good, nor crash every later build. Two ways of knowing an entry is whole:
- a SHA-256 stored beside it (`NAME.sha256`), written after the entry itself, for outputs
  that cannot be judged by opening them (a stylesheet, a PDF: qpdf recovers a truncated
  PDF and would open it);
- opening it, for formats that carry their own checks (a wheel is a zip with a CRC per
  member; mkdocs-jupyter's entries are JSON objects of known keys).
A damaged entry is removed, so the caller rebuilds it as on a cold cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write(path: Path, data: bytes) -> None:
    """Write an entry, then its hash beside it; both atomically (rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, content in ((path, data), (_sidecar(path),
                                            hashlib.sha256(data).hexdigest().encode())):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, target)


def read(path: Path) -> bytes | None:
    """The entry's bytes if its hash matches the one beside it; else None, the entry
    and its hash removed (missing, truncated or altered: rebuilt by the caller)."""
    path = Path(path)
    try:
        data = path.read_bytes()
        stored = _sidecar(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        data, stored = None, None
    if data is not None and hashlib.sha256(data).hexdigest() == stored:
        return data
    discard(path)
    return None


def discard(path: Path) -> None:
    for target in (Path(path), _sidecar(Path(path))):
        try:
            target.unlink()
        except FileNotFoundError:
            pass


def is_wheel(path: Path) -> bool:
    """True if the file opens as a zip whose every member passes its CRC and which holds
    a .dist-info/METADATA: a truncated or altered wheel does not."""
    try:
        with zipfile.ZipFile(path) as wheel:
            return wheel.testzip() is None and any(
                n.endswith(".dist-info/METADATA") for n in wheel.namelist())
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def prune_json_entries(folder: Path, keys: tuple[str, ...]) -> list[Path]:
    """Remove each `*.json` of `folder` that is not a JSON object holding `keys`
    (mkdocs-jupyter reads its entries without a check: a truncated one was a
    JSONDecodeError traceback on every build). Returns what was removed."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for entry in sorted(folder.glob("*.json")):
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            ok = isinstance(data, dict) and all(k in data for k in keys)
        except (OSError, ValueError):
            ok = False
        if not ok:
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
