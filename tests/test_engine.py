"""The build engine under damage: caches of the wrong shape, killed workers, killed
writes, a build stopped by Ctrl-C or SIGTERM. Through the real commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run, run_cli

FIXTURES = ROOT / "tests" / "fixtures"


def _package(package_copy: Path, tmp_path: Path, *fixtures: str) -> Path:
    pkg = tmp_path / "pkg"
    shutil.copytree(package_copy / "ml4a_figs", pkg / "ml4a_figs")
    for name in fixtures:
        shutil.copy(FIXTURES / name, pkg / "ml4a_figs" / "figures" / f"zz_{name}")
    return pkg


def _status(stdout: str, name: str) -> str | None:
    match = re.search(rf"^\[\s*\d+/\d+\] (\w+)\s+{name}\b", stdout, re.M)
    return match.group(1) if match else None


@pytest.mark.parametrize("stamp", ["[]", '{"outputs": 5}', '{"key": 1, "outputs": {}}', '"x"'])
def test_a_figure_stamp_of_the_wrong_shape_is_stale_not_a_crash(tmp_path, stamp):
    out = tmp_path / "out"
    assert run_cli(ROOT, "build", "topographic_map", out=out).returncode == 0
    (out / ".stamps" / "topographic_map.json").write_text(stamp)
    proc = run_cli(ROOT, "build", "topographic_map", out=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _status(proc.stdout, "topographic_map") == "built", proc.stdout
    # and the stamp it wrote is trusted again
    proc = run_cli(ROOT, "build", "topographic_map", out=out)
    assert _status(proc.stdout, "topographic_map") == "cached", proc.stdout


@pytest.mark.parametrize("field, value", [("words", [["not", "a", "text"]]), ("words", [5]),
                                          ("languages", 5), ("text", [])])
def test_a_figure_stamp_with_one_damaged_field_is_rebuilt_not_a_crash(tmp_path, field, value):
    """The fields beside key and outputs (which texts a figure drew, each language's key,
    its text sizes) are read too: damaged, they mean redraw, never a traceback."""
    out = tmp_path / "out"
    assert run_cli(ROOT, "build", "small_nets", out=out).returncode == 0
    path = out / ".stamps" / "small_nets.json"
    stamp = json.loads(path.read_text(encoding="utf-8"))
    stamp[field] = value
    path.write_text(json.dumps(stamp), encoding="utf-8")
    for args in ([], ["--force"]):
        proc = run_cli(ROOT, "build", "small_nets", *args, out=out)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    assert _status(run_cli(ROOT, "build", "small_nets", out=out).stdout, "small_nets") == "cached"


def _notebooks(src: Path, cache: Path):
    return run([sys.executable, "-m", "ml4a_figs.notebooks", "--src", str(src),
                "--cache", str(cache)], timeout=600)


def test_a_notebook_cache_of_the_wrong_shape_is_stale_not_a_crash(tmp_path):
    src, cache = tmp_path / "nb", tmp_path / "cache"
    src.mkdir()
    (src / "tiny.py").write_text("# %% [markdown]\n# # Tiny\n\n# %%\nprint(6 * 7)\n")
    first = _notebooks(src, cache)
    assert first.returncode == 0 and _status(first.stdout, "tiny") == "executed", first.stderr
    for damaged in ("[]", '{"outputs": 5}'):
        (cache / "tiny.json").write_text(damaged)
        proc = _notebooks(src, cache)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert _status(proc.stdout, "tiny") == "executed", proc.stdout
    assert _status(_notebooks(src, cache).stdout, "tiny") == "cached"


def test_a_killed_worker_is_named_and_the_other_figures_still_build(package_copy, tmp_path):
    pkg = _package(package_copy, tmp_path, "killed_figure.py")
    out = tmp_path / "out"
    proc = run_cli(pkg, "build", "killed_fixture", "topographic_map", "lin_reg_scatter",
                   "--jobs", "2", out=out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "figure 'killed_fixture' failed" in proc.stderr, proc.stderr
    assert "SIGKILL" in proc.stderr and "BrokenProcessPool" not in proc.stderr, proc.stderr
    assert _status(proc.stdout, "killed_fixture") == "failed", proc.stdout
    assert _status(proc.stdout, "topographic_map") == "built", proc.stdout
    assert _status(proc.stdout, "lin_reg_scatter") == "built", proc.stdout
    assert (out / "topographic_map.svg").stat().st_size > 0
    assert not (out / "killed_fixture.svg").exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_of_a_killed_write_are_removed_on_the_next_run(tmp_path):
    out = tmp_path / "out"
    (out / ".stamps").mkdir(parents=True)
    dead = _dead_pid()
    left = [out / f".topographic_map.svg.{dead}.tmp", out / ".stamps" / f".x.json.{dead}.tmp"]
    alive = out / f".other.svg.{os.getpid()}.tmp"  # a write still going on: not touched
    for path in [*left, alive]:
        path.write_text("half")
    proc = run_cli(ROOT, "build", "topographic_map", out=out)
    assert proc.returncode == 0, proc.stderr
    assert not any(p.exists() for p in left), sorted(os.listdir(out))
    assert alive.exists()


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return b""


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return not re.search(r"^State:\s+[ZX]", status, re.M)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_stopping_a_build_leaves_no_worker_behind(package_copy, tmp_path, how):
    pkg = _package(package_copy, tmp_path, "slow_figure.py")
    env = dict(os.environ, PYTHONPATH=str(pkg), PYTHONHASHSEED="0")
    proc = subprocess.Popen([sys.executable, "-m", "ml4a_figs", "--out", str(tmp_path / "out"),
                             "build", "slow_fixture_1", "slow_fixture_2", "--jobs", "2"],
                            cwd=pkg, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        workers |= _descendants(proc.pid)
        time.sleep(0.2)
    assert len(workers) >= 2, "the build never started its two workers"
    time.sleep(0.5)
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:  # the terminal sends SIGINT to the whole foreground process group
        os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.communicate(timeout=30)
        left = sorted(pid for pid in workers if _running(pid))
    finally:  # whatever happened, this test leaves nothing running
        workers |= _descendants(proc.pid)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for pid in workers:
            if _running(pid) and b"ml4a_figs" in _cmdline(pid):  # never a reused pid
                os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes still running after the build stopped: {left}"
    assert proc.returncode != 0


def test_a_figure_key_does_not_change_when_notebook_keys_are_computed_first():
    """One process computes both (the site build): the notebooks' longer list of library
    versions once leaked into every figure key, and every figure was redrawn."""
    from ml4a_figs.figures.registry import scan
    from ml4a_figs.notebooks import execute, targets
    from ml4a_figs.pipeline.figures import cache_key

    fig = scan()["facts"]
    before = cache_key(fig)
    for path in execute.discover().values():
        targets.cache_key(path)
    assert cache_key(fig) == before
