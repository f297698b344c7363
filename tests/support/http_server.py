"""A local HTTP server for the download tests: what is served, how it misbehaves (a wrong length, a stall),
and which paths were asked for. Downloads are tested against it, never against the network."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    status: int = 200
    length: int | None = -1
    """Content-Length to announce: -1 the real length, None no header (body ends at close)."""
    stall_s: float = 0.0
    """Pause after the first half of the body, like a server that stops responding."""


@dataclass
class Server:
    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def serve(self, path: str, body: bytes, status: int = 200, length: int | None = -1,
              stall_s: float = 0.0) -> str:
        self.routes[path] = Route(body, status, length, stall_s)
        return self.base + path


@contextlib.contextmanager
def local_server(content_type: str = "application/zip") -> Iterator[Server]:
    """A real HTTP server on 127.0.0.1 (a free port) serving the routes given to it, in a thread."""
    state = Server("")

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: the connection closes after each response, which is how a truncated body ends.
        def do_GET(self) -> None:
            state.requests.append(self.path)
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(route.status)
            self.send_header("Content-Type", content_type)
            if route.length is not None:
                self.send_header("Content-Length", str(len(route.body) if route.length < 0 else route.length))
            self.end_headers()
            half = len(route.body) // 2
            self.wfile.write(route.body[:half])
            if route.stall_s:
                self.wfile.flush()
                time.sleep(route.stall_s)
            with contextlib.suppress(OSError):  # the client may have given up already
                self.wfile.write(route.body[half:])

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
