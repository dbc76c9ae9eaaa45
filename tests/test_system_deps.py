""".ci/system-deps never waits for a password, and says what to install when it cannot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT


def fake_path(tmp_path: Path) -> Path:
    """A PATH with the tools the script uses but no chromium and no node, a user that is
    not root, and a sudo that would ask for a password (it hangs unless given -n)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "fc-list", "true", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "sudo").write_text('#!/bin/sh\n[ "$1" = "-n" ] && exit 1\nexec /usr/bin/sleep 600\n')
    for name in ("id", "sudo"):
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_system_deps_does_not_wait_for_a_password(tmp_path):
    bin_dir = fake_path(tmp_path)
    proc = subprocess.run([shutil.which("bash"), str(ROOT / ".ci" / "system-deps")],
                          env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "sudo would ask for a password" in proc.stderr
    assert "apt-get install --no-install-recommends chromium" in proc.stderr
    assert "nodejs npm" in proc.stderr
