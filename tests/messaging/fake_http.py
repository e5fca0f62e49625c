"""Fakes on 127.0.0.1 for the messages' tests: a webhook that records what apprise posts
(``Webhook``: down until ``up()``, on a port chosen once), and a server that accepts a
connection and never answers (``hung_server``). Nothing is ever sent elsewhere."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Webhook:
    """A plain JSON webhook on 127.0.0.1: ``url`` is its apprise address
    (``json://127.0.0.1:PORT/``); ``posts`` what arrived, decoded."""

    def __init__(self) -> None:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()  # down until up(): a connection is refused
        self.posts: list[dict] = []
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/"

    def up(self) -> None:
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                posts.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@contextlib.contextmanager
def webhook(up: bool = True):
    hook = Webhook()
    if up:
        hook.up()
    try:
        yield hook
    finally:
        hook.down()


@contextlib.contextmanager
def hung_server():
    """``json://127.0.0.1:PORT/`` of a socket that takes connections (the kernel's
    backlog) and never reads or answers them."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"json://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        sock.close()
