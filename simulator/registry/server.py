"""Serve a :class:`~simulator.registry.memory.Registry` over HTTP on 127.0.0.1, so real clients
(skopeo, ``docker pull``, containerd) talk to it.

Standard library only (:class:`http.server.ThreadingHTTPServer`); every connection has a socket
timeout; request bodies may come with ``Content-Length`` or chunked (as Go clients send PATCH).

Examples:
    >>> from simulator.registry import Registry, serve
    >>> import urllib.request
    >>> with serve(Registry()) as server:
    ...     urllib.request.urlopen(f"http://{server.address}/v2/", timeout=5).status
    200
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .memory import Registry

__all__ = ["RegistryServer", "serve"]

SOCKET_TIMEOUT = 30.0
BODY_LIMIT = 1 << 30
"""The largest request body accepted (1 GiB)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # the registry keeps its own log
        pass

    def _body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                total += size
                if total > BODY_LIMIT:
                    return None
                parts.append(self.rfile.read(size))
                self.rfile.readline(16)
        length = int(self.headers.get("Content-Length") or 0)
        if length > BODY_LIMIT:
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._body()
        except ValueError:
            self.send_error(400, "malformed chunked body")
            return
        if body is None:
            self.send_error(413, "request body too large")
            return
        headers: dict[str, str] = {}
        for key, value in self.headers.items():  # Go clients send one Accept line per media type
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        response = self.server.registry.handle(self.command, self.path, headers, body)
        self.send_response(response.status)
        sent_length = False
        for key, value in response.headers.items():
            if key.lower() == "content-length":
                sent_length = True
                if self.command != "HEAD":
                    value = str(len(response.body))
            self.send_header(key, value)
        if not sent_length:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    registry: Registry


class RegistryServer:
    """A running HTTP server over a registry; ``address`` is ``127.0.0.1:<port>``."""

    def __init__(self, registry: Registry, port: int = 0) -> None:
        self.registry = registry
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.registry = registry
        self._server.timeout = SOCKET_TIMEOUT
        host, bound = self._server.server_address[:2]
        self.address = f"{host!s}:{bound}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> RegistryServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=SOCKET_TIMEOUT)

    def __repr__(self) -> str:
        return f"<RegistryServer http://{self.address} {self.registry!r}>"


@contextmanager
def serve(registry: Registry, port: int = 0) -> Iterator[RegistryServer]:
    """Serve ``registry`` on 127.0.0.1 (an ephemeral port unless ``port``) for the ``with`` block."""
    server = RegistryServer(registry, port).start()
    try:
        yield server
    finally:
        server.stop()
