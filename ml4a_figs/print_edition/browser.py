"""The built site served on 127.0.0.1 and Debian's headless chromium: what the printable
edition prints with, and what the browser tests and `make weight` read the site with.

The server sends text gzip-compressed when asked, as the site's static hosts do (GitHub
Pages, Netlify, nginx's gzip_static): what is measured is what a reader downloads.
Chromium is Debian's (`make system-deps`), never a browser Playwright downloads.
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

from . import PrintError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class ChromiumMissing(PrintError):
    """Debian's chromium is not installed: an error, never a skip."""


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # what Python's own table lacks (without the system's mime.types)
        **http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
        ".mjs": "text/javascript", ".webp": "image/webp", ".woff2": "font/woff2",
        ".woff": "font/woff", ".ttf": "font/ttf", ".map": "application/json"}
    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".ipynb", ".txt", ".map")

    def do_GET(self):  # noqa: N802 - the stdlib's name
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].split("#")[0].endswith("/"):
            path = path / "index.html"  # (a folder's URL without its "/": the stdlib redirects)
        if ("gzip" not in self.headers.get("Accept-Encoding", "")
                or path.suffix not in self.COMPRESSED or not path.is_file()):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        for name, value in (("Content-Type", self.guess_type(str(path))),
                            ("Content-Encoding", "gzip"), ("Content-Length", str(len(body))),
                            ("Vary", "Accept-Encoding")):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a browser that stops reading (navigating away mid-download) is no error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port) from a background thread; yields the
    base URL, ending in '/'."""
    if not Path(directory).is_dir():
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
    if not os.access(CHROMIUM, os.X_OK):
        raise ChromiumMissing(
            f"chromium is missing: {CHROMIUM} does not exist or is not executable; "
            "install Debian's (apt-get install chromium, or `make system-deps`)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
