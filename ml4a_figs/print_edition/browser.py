"""The built site served on 127.0.0.1 and Debian's headless chromium: what the printable
edition prints with, and what the browser tests and `make weight` read the site with.

The server sends text gzip-compressed when asked, as the static hosts the site is
published on do (GitHub Pages, Netlify, nginx's gzip_static), so what is measured is
what a reader downloads. Chromium is Debian's (`make system-deps`), never a browser
Playwright downloads.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import sys
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not installed: an error, never a skip."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
        ".svg": "image/svg+xml", ".webp": "image/webp", ".woff2": "font/woff2",
        ".woff": "font/woff", ".ttf": "font/ttf", ".map": "application/json",
    }
    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".ipynb", ".txt", ".map")

    def do_GET(self):  # noqa: N802 - the stdlib's name
        url_path = self.path.split("?")[0].split("#")[0]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().do_GET()  # the stdlib redirects to the folder's URL
            path = path / "index.html"
        if ("gzip" not in self.headers.get("Accept-Encoding", "")
                or path.suffix not in self.COMPRESSED or not path.is_file()):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a browser that stops reading (navigating away mid-download) is no error
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) from a background thread; yields the
    base URL, ending in '/'."""
    directory = Path(directory)
    if not directory.is_dir():
        raise FileNotFoundError(f"nothing to serve: {directory} is not a folder")
    httpd = _Server(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, name=f"serve {directory}",
                              daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def launch(playwright):
    """Debian's chromium, headless."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        raise ChromiumMissing(
            f"chromium is missing: {CHROMIUM} does not exist or is not executable; "
            "install Debian's (apt-get install chromium, or `make system-deps`)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
