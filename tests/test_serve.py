"""`make serve` previews every language at once: / and /ko/ answer, the language menu
moves between them, and no link leads to a PDF the server does not have."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 directly


def fetch(url: str) -> tuple[int, str]:
    try:
        with LOCAL.open(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def menu_link(page: str, lang: str) -> str:
    found = re.search(rf'<a href="([^"]*)" hreflang="{lang}"[^>]*class="md-select__link"', page)
    assert found, f"no {lang} link in the language menu"
    return found.group(1)


@pytest.fixture
def served(built_site):
    """`make serve` on a free port of 127.0.0.1 (its first build done), stopped after."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ml4a_figs.site.serve", "-a",
                             f"127.0.0.1:{port}"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if fetch(base)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert proc.poll() is None, proc.stdout.read()[-3000:]
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: the server removes its folder
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
def test_serve_answers_every_language_and_the_menu_moves_between_them(served):
    status, home = fetch(served)
    assert status == 200 and '<html lang="en"' in home
    status, korean = fetch(served + "ko/")
    assert status == 200 and '<html lang="ko"' in korean
    for page, base, lang, path, html_lang in ((home, served, "ko", "/ko/", "ko"),
                                             (korean, served + "ko/", "en", "/", "en")):
        target = urljoin(base, menu_link(page, lang))
        assert urlsplit(target).path == path
        status, text = fetch(target)
        assert status == 200 and f'<html lang="{html_lang}"' in text
    # the printable edition is not printed under serve: a link to it must lead somewhere
    for page, base in ((home, served), (korean, served + "ko/")):
        for href in re.findall(r'href="(?!https?:|//)([^"]+\.pdf)"', page):  # the site's own
            assert fetch(urljoin(base, href))[0] == 200, href
