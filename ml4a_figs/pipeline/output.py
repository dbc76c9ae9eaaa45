"""Writing a figure's outputs: byte-for-byte repeatable, never half-written (store.atomic_write)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from .store import atomic_write

# Metadata that would otherwise stamp the date or the library into the bytes.
_FIXED_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}

# Raster figures are drawn at twice their CSS size for sharp phone and retina screens.
RASTER_DPI = 200
# Path data and positions: matplotlib writes 6 decimals of a pixel; 2 are invisible
# to any reader and make line-art SVGs about a third smaller.
_SVG_COORDINATE_ATTR = re.compile(rb'( (?:d|x|y)=")([^"]*)"')
_LONG_DECIMAL = re.compile(rb"(-?\d+\.\d{2})\d+")


def write_output(obj: Any, path: Path, fmt: str) -> None:
    atomic_write(path, lambda tmp: _write(obj, tmp, fmt))


def _write(obj: Any, path: Path, fmt: str) -> None:
    if fmt == "json":
        path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    elif hasattr(obj, "savefig") and fmt == "svg":
        buffer = io.BytesIO()
        obj.savefig(buffer, format="svg", metadata=_FIXED_METADATA["svg"])
        path.write_bytes(_SVG_COORDINATE_ATTR.sub(
            lambda m: m.group(1) + _LONG_DECIMAL.sub(rb"\1", m.group(2)) + b'"', buffer.getvalue()))
    elif hasattr(obj, "savefig"):
        # lossy WebP keeps smooth surfaces sharp at a fraction of PNG's bytes
        extra = {"pil_kwargs": {"quality": 75, "method": 4}} if fmt == "webp" else {}
        obj.savefig(path, format=fmt, dpi=RASTER_DPI, metadata=_FIXED_METADATA.get(fmt), **extra)
    elif hasattr(obj, "backgrounds"):  # an explorable figure: its data and backgrounds
        obj.save(path, fmt, _write)
    elif hasattr(obj, "save"):
        obj.save(path, fmt)
    else:
        raise TypeError(f"don't know how to write a {type(obj).__name__} as {fmt}")
