"""A registry client for the spec's flows, over the in-memory registry or HTTP (``host:port``).

Two transports carry the same requests: :class:`MemoryTransport` hands them to a
:class:`~simulator.registry.memory.Registry` in this process; :class:`HTTPTransport` sends them
with :mod:`urllib` (plain HTTP, a timeout on every request) to any registry, Debian's
``docker-registry`` included.  :class:`RegistryClient` speaks the flows on top: HEAD a blob,
mount it from another repository, upload it (POST -> 202 + Location, PATCH, PUT ?digest=), PUT
and GET manifests (``Accept`` lists the OCI and Docker types), list tags.  An error answer
becomes :class:`~simulator.errors.RegistryError` with the status and the spec's error code.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit

from ..digest import sha256_digest
from ..errors import RegistryError, RegistryUnreachable
from .memory import Registry, Response
from .spec import ACCEPT_MANIFESTS

__all__ = ["HTTPTransport", "MemoryTransport", "RegistryClient", "Transport"]

TIMEOUT = 30.0
"""Seconds any one HTTP request may take."""


class Transport(Protocol):
    """Carries one request to a registry and brings back its answer."""

    @property
    def label(self) -> str: ...

    def request(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response: ...


@dataclass(frozen=True, slots=True)
class MemoryTransport:
    """Requests handed to an in-process :class:`Registry`."""

    registry: Registry

    @property
    def label(self) -> str:
        return self.registry.name

    def request(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response:
        return self.registry.handle(method, target, headers, body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects only for GET/HEAD (a blob may live behind one); never re-send a body."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if req.get_method() in ("GET", "HEAD"):
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        return None


class HTTPTransport:
    """Requests sent over HTTP to ``host:port`` (plain HTTP: registries on 127.0.0.1 in tests)."""

    def __init__(self, address: str, *, timeout: float = TIMEOUT) -> None:
        self.label = address
        self.base = f"http://{address}"
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect())

    def request(self, method: str, target: str, headers: dict[str, str], body: bytes = b"") -> Response:
        url = urljoin(self.base, target)
        data = body if method in ("PUT", "POST", "PATCH") else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=self.timeout) as answer:
                return Response(answer.status, dict(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as e:
            with e:
                return Response(e.code, dict(e.headers.items()), e.read())
        except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
            reason = getattr(e, "reason", e)
            raise RegistryUnreachable(
                f"no registry answers at {self.label} ({method} {target}: {reason}); is it running?"
            ) from None


def _error(response: Response, what: str, where: str) -> RegistryError:
    code, message = "", response.body[:200].decode("utf-8", "replace").strip()
    try:
        errors = json.loads(response.body).get("errors") or []
        if errors:
            code = str(errors[0].get("code", ""))
            message = str(errors[0].get("message", ""))
            detail = errors[0].get("detail")
            if detail:
                message += f" ({json.dumps(detail)[:200]})"
    except (ValueError, AttributeError, TypeError):
        pass
    return RegistryError(
        f"{where} answered {response.status} to {what}: {message or 'no explanation'}",
        status=response.status,
        code=code,
        url=f"{where}{what.split(' ', 1)[-1]}",
    )


class RegistryClient:
    """The spec's client flows over one :class:`Transport`."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.label = transport.label

    def _do(
        self,
        method: str,
        target: str,
        expect: tuple[int, ...],
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> Response:
        response = self.transport.request(method, target, headers or {}, body)
        if response.status not in expect:
            raise _error(response, f"{method} {target}", self.label)
        return response

    def _header(self, response: Response, name: str) -> str:
        for key, value in response.headers.items():
            if key.lower() == name.lower():
                return value
        return ""

    def ping(self) -> None:
        """``GET /v2/`` (end-1): is this a registry?"""
        self._do("GET", "/v2/", (200,))

    def blob_exists(self, name: str, digest: str) -> bool:
        """``HEAD /v2/<name>/blobs/<digest>`` (end-2): 200 yes, 404 no."""
        return self._do("HEAD", f"/v2/{name}/blobs/{digest}", (200, 404)).status == 200

    def mount(self, name: str, digest: str, source: str) -> str | None:
        """Cross-repository mount (end-11): None when mounted (201), else the upload location (202)."""
        target = f"/v2/{name}/blobs/uploads/?mount={quote(digest)}&from={quote(source)}"
        response = self._do("POST", target, (201, 202))
        return None if response.status == 201 else self._location(response)

    def start_upload(self, name: str) -> str:
        """``POST /v2/<name>/blobs/uploads/`` (end-4a): 202 and the session's location."""
        return self._location(self._do("POST", f"/v2/{name}/blobs/uploads/", (202,)))

    def _location(self, response: Response) -> str:
        location = self._header(response, "Location")
        if not location:
            raise RegistryError(
                f"{self.label} answered {response.status} without a Location header", status=response.status
            )
        parts = urlsplit(location)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def upload(self, location: str, data: bytes, digest: str) -> None:
        """PATCH the bytes into the session (end-5), then close it with PUT ?digest= (end-6)."""
        response = self._do(
            "PATCH",
            location,
            (202,),
            {"Content-Type": "application/octet-stream", "Content-Range": f"0-{max(len(data) - 1, 0)}"},
            data,
        )
        location = self._location(response)
        sep = "&" if "?" in location else "?"
        response = self._do(
            "PUT",
            f"{location}{sep}digest={quote(digest)}",
            (201,),
            {"Content-Type": "application/octet-stream"},
        )
        returned = self._header(response, "Docker-Content-Digest")
        if returned and returned != digest:
            raise RegistryError(f"{self.label} stored {returned} for the blob {digest}", status=201)

    def put_manifest(self, name: str, ref: str, media_type: str, data: bytes) -> str:
        """``PUT /v2/<name>/manifests/<ref>`` (end-7): 201 and the manifest's digest."""
        response = self._do("PUT", f"/v2/{name}/manifests/{ref}", (201,), {"Content-Type": media_type}, data)
        return self._header(response, "Docker-Content-Digest") or sha256_digest(data)

    def get_manifest(self, name: str, ref: str) -> tuple[str, bytes, str]:
        """``GET /v2/<name>/manifests/<ref>`` (end-3): (media type, bytes, digest), the digest checked."""
        response = self._do(
            "GET", f"/v2/{name}/manifests/{ref}", (200,), {"Accept": ", ".join(ACCEPT_MANIFESTS)}
        )
        digest = sha256_digest(response.body)
        if ref.startswith("sha256:") and ref != digest:
            raise RegistryError(
                f"{self.label}: manifest {ref} hashes to {digest}", status=200, code="DIGEST_INVALID"
            )
        media_type = self._header(response, "Content-Type").split(";")[0].strip()
        if not media_type:
            try:
                media_type = str(json.loads(response.body).get("mediaType", ""))
            except (ValueError, AttributeError):
                media_type = ""
        return media_type, response.body, digest

    def get_blob(self, name: str, digest: str, size: int | None = None) -> bytes:
        """``GET /v2/<name>/blobs/<digest>`` (end-2), its digest and size checked."""
        data = self._do("GET", f"/v2/{name}/blobs/{digest}", (200,)).body
        algorithm = digest.split(":", 1)[0]
        import hashlib

        actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
        if actual != digest or (size is not None and len(data) != size):
            raise RegistryError(
                f"{self.label}: blob {digest} of {name} arrived as {len(data)} bytes hashing to {actual}"
                + (f" (expected {size} bytes)" if size is not None else ""),
                code="DIGEST_INVALID",
            )
        return data

    def tags(self, name: str) -> list[str]:
        """``GET /v2/<name>/tags/list`` (end-8a)."""
        body = json.loads(self._do("GET", f"/v2/{name}/tags/list", (200,)).body)
        return list(body.get("tags") or [])
