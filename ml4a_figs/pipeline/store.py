"""Files the engine writes: never half-written, stamps trusted only in shape. Each file is
written as `.NAME.PID.tmp` beside it and renamed into place, so a killed run leaves the old
file or the new one; the next run removes temporary files whose writer is gone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Callable

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.tmp$")


def sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)`, then rename tmp to `path`; on any error (or Ctrl-C) remove tmp."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json(path: Path, data) -> None:
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def sweep_temporary_files(folder: Path) -> None:
    """Remove the temporary files of writes whose process is gone (killed mid-write)."""
    for path in Path(folder).rglob(".*.tmp"):
        match = _TEMPORARY.match(path.name)
        if match and path.is_file() and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)


def read_stamp(path: Path) -> dict | None:
    """The stamp at `path`, or None when it is missing, unreadable or not of the shape the
    engine writes ({"key": str, "outputs": {file name: sha256}}): such a target is stale.
    A cache file is input like any other; a damaged one means rebuild, never a crash."""
    try:
        stamp = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(stamp["key"], str) and all(isinstance(v, str) for v in stamp["outputs"].values()):
            return stamp
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        pass  # missing, not JSON, or JSON of another shape
    return None


def files_match(hashes: dict[str, str], files: dict[str, Path]) -> bool:
    """True when every file is on disk with the sha256 `hashes` holds for its name."""
    return all(path.is_file() and hashes.get(name) == sha256(path)
               for name, path in files.items())

