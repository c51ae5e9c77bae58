"""An in-memory registry that answers the OCI distribution spec v1.1.1 requests.

:class:`Registry` stores blobs once (content-addressed) and, per repository, the blobs linked to
it, its manifests by digest and its tags, as distribution does (a blob is visible in a repository
only once uploaded, mounted or referenced there).  :meth:`Registry.handle` takes one HTTP request
(method, path with query, headers, body) and returns the :class:`Response` the spec prescribes:
the same object serves the in-process client and :func:`simulator.registry.serve` over HTTP, so
both see one behaviour.  Every request is appended to :attr:`Registry.log`.

With a ``backing`` (:mod:`simulator.registry.backing`, e.g. a store on disk through
:func:`simulator.engine.persist.open_registry`) every change is written through it, one
transaction per request, and a new process finds repositories, manifests, tags and blobs again.

Statuses and error codes follow spec.md's endpoint table (end-1 ... end-12) and error-code table;
see :mod:`simulator.registry.spec`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..digest import sha256_digest
from ..errors import StoreError
from ..model import Layer
from .backing import Backing
from .spec import DIGEST_RE, ERRORS, MANIFEST_MEDIA_TYPES, NAME_MAX, NAME_RE, TAG_RE, error_body

__all__ = ["LogEntry", "Registry", "Response"]

MANIFEST_LIMIT = 4 << 20
"""spec.md: registries SHOULD accept manifests of at least 4 MiB; bigger ones get 413."""

_ROUTE = re.compile(
    r"^/v2/(?P<name>.+?)/(?:"
    r"blobs/uploads/(?P<upload>[^/]*)|blobs/(?P<blob>[^/]+)|manifests/(?P<ref>[^/]+)"
    r"|(?P<tags>tags/list)|referrers/(?P<subject>[^/]+))$"
)


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP answer: status, headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One request as the registry saw it: method, path (no query), status."""

    method: str
    path: str
    status: int
    query: str = ""


@dataclass(slots=True)
class _Repo:
    blobs: set[str] = field(default_factory=set)
    manifests: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Upload:
    name: str
    data: bytearray = field(default_factory=bytearray)


class _Fail(Exception):
    def __init__(self, code: str, detail: object = None, status: int | None = None) -> None:
        self.code = code
        self.detail = detail
        self.status = status or ERRORS[code].status


class Registry:
    """An in-memory OCI registry.

    Args:
        name: how messages and ``repr`` call it (``registry.local``).
        delete_enabled: answer DELETE (distribution disables it by default: then 405 UNSUPPORTED).
        backing: where the contents live between processes (None: in memory only).

    Examples:
        >>> reg = Registry()
        >>> reg.handle("GET", "/v2/").status
        200
        >>> reg.handle("HEAD", "/v2/web/blobs/sha256:" + "0" * 64).status
        404
    """

    def __init__(
        self, name: str = "registry.local", *, delete_enabled: bool = True, backing: Backing | None = None
    ) -> None:
        self.name = name
        self.delete_enabled = delete_enabled
        self.backing = backing
        self.log: list[LogEntry] = []
        self._blobs: dict[str, bytes] = {}  # without a backing; with one, the backing holds the bytes
        self._repos: dict[str, _Repo] = {}
        self._uploads: dict[str, _Upload] = {}
        self._layers: dict[str, Layer] = {}
        self._lock = threading.RLock()
        self._reload()

    def __repr__(self) -> str:
        blobs = {d for r in self._repos.values() for d in r.blobs} if self.backing else self._blobs
        return f"<Registry {self.name} {len(self._repos)} repositories, {len(blobs)} blobs>"

    def _reload(self) -> None:
        """Read the backing's state when another process changed it (or at construction)."""
        if self.backing is None or (self._repos and not self.backing.changed()):
            return
        names, links, manifests, tags = self.backing.snapshot()
        repos: dict[str, _Repo] = {name: _Repo() for name in names}
        for repo, digest in links:
            repos.setdefault(repo, _Repo()).blobs.add(digest)
        for repo, digest, media_type, data in manifests:
            repos.setdefault(repo, _Repo()).manifests[digest] = (media_type, data)
        for repo, tag, digest in tags:
            repos.setdefault(repo, _Repo()).tags[tag] = digest
        self._repos = repos

    def _data(self, digest: str) -> bytes | None:
        if self.backing is None:
            return self._blobs.get(digest)
        return self.backing.blob(digest)

    def _write(self, change: str, *args: object) -> None:
        """Write one change through the backing (one transaction); a refusal is the client's error."""
        if self.backing is None:
            return
        try:
            getattr(self.backing, change)(*args)
        except StoreError as e:
            raise _Fail("UNSUPPORTED", str(e), status=500) from None

    # -- read-only views (for tests, diagrams and the in-process fast path) --------------------
    def repositories(self) -> list[str]:
        """Repository names, sorted (what ``GET /v2/_catalog`` lists)."""
        with self._lock:
            return sorted(self._repos)

    def tags(self, name: str) -> list[str]:
        with self._lock:
            repo = self._repos.get(name)
            return sorted(repo.tags) if repo else []

    def blob(self, digest: str) -> bytes | None:
        """A stored blob's bytes, whichever repository it was pushed to."""
        with self._lock:
            if self.backing is not None and not any(digest in r.blobs for r in self._repos.values()):
                return None
            return self._data(digest)

    def has_blob(self, name: str, digest: str) -> bool:
        """Is ``digest`` linked into repository ``name`` (what HEAD answers)?"""
        with self._lock:
            self._reload()
        repo = self._repos.get(name)
        return repo is not None and digest in repo.blobs

    def blob_bytes_total(self) -> int:
        """Bytes stored, each blob once."""
        if self.backing is not None:
            return sum(self.backing.blob_sizes())
        return sum(len(b) for b in self._blobs.values())

    def decoded_layer(self, digest: str) -> Layer | None:
        """The model layer a stored blob decodes to, when already known."""
        return self._layers.get(digest)

    def remember_layer(self, digest: str, layer: Layer) -> None:
        """Record the (checked) layer behind blob ``digest`` so in-process pulls skip decoding."""
        if digest in self._blobs or any(digest in r.blobs for r in self._repos.values()):
            self._layers[digest] = layer

    # -- the HTTP API ---------------------------------------------------------------------------
    def handle(
        self, method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        """Answer one request (``target`` is the path with its query string)."""
        parts = urlsplit(target)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        method = method.upper()
        with self._lock:
            try:
                self._reload()
                response = self._route(method, path, query, lowered, body)
            except _Fail as fail:
                response = Response(
                    fail.status,
                    {"Content-Type": "application/json; charset=utf-8"},
                    error_body(fail.code, fail.detail),
                )
            response.headers.setdefault("Docker-Distribution-API-Version", "registry/2.0")
            self.log.append(LogEntry(method, path, response.status, parts.query))
        if method == "HEAD":
            return Response(response.status, response.headers, b"")
        return response

    def _route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response:
        if path in ("/v2", "/v2/"):
            if method not in ("GET", "HEAD"):
                raise _Fail("UNSUPPORTED")
            return Response(200, {"Content-Type": "application/json; charset=utf-8"}, b"{}")
        if path == "/v2/_catalog" and method == "GET":
            return self._catalog(query)
        match = _ROUTE.match(path)
        if match is None:
            return Response(404, {"Content-Type": "text/plain; charset=utf-8"}, b"404 page not found\n")
        name = match["name"]
        if len(name) > NAME_MAX or not NAME_RE.match(name):
            raise _Fail("NAME_INVALID", {"name": name})
        if match["upload"] is not None:
            return self._uploads_route(method, name, match["upload"], query, headers, body)
        if match["blob"] is not None:
            return self._blob_route(method, name, match["blob"])
        if match["ref"] is not None:
            return self._manifest_route(method, name, match["ref"], headers, body)
        if match["tags"] is not None:
            if method != "GET":
                raise _Fail("UNSUPPORTED")
            return self._tags_list(name, query)
        if method != "GET":
            raise _Fail("UNSUPPORTED")
        return self._referrers(name, match["subject"], query)

    # -- blobs (end-2, end-10) ------------------------------------------------------------------
    def _blob_route(self, method: str, name: str, digest: str) -> Response:
        if not DIGEST_RE.match(digest):
            raise _Fail("DIGEST_INVALID", {"digest": digest})
        repo = self._repos.get(name)
        if method in ("GET", "HEAD"):
            if repo is None or digest not in repo.blobs:
                raise _Fail("BLOB_UNKNOWN", {"digest": digest})
            data = self._data(digest)
            if data is None:
                raise _Fail("BLOB_UNKNOWN", {"digest": digest})
            headers = {
                "Content-Type": "application/octet-stream",
                "Content-Length": str(len(data)),
                "Docker-Content-Digest": digest,
                "Etag": f'"{digest}"',
            }
            return Response(200, headers, data)
        if method == "DELETE":
            if not self.delete_enabled:
                raise _Fail("UNSUPPORTED")
            if repo is None or digest not in repo.blobs:
                raise _Fail("BLOB_UNKNOWN", {"digest": digest})
            self._write("unlink", name, digest)
            repo.blobs.discard(digest)  # the bytes stay until garbage collection, as in distribution
            return Response(202, {"Content-Length": "0"})
        raise _Fail("UNSUPPORTED")

    # -- uploads (end-4a/4b, end-5, end-6, end-11) ---------------------------------------------
    def _new_upload(self, name: str) -> Response:
        upload_id = str(uuid.uuid4())
        self._uploads[upload_id] = _Upload(name)
        return Response(
            202,
            {
                "Location": f"/v2/{name}/blobs/uploads/{upload_id}",
                "Range": "0-0",
                "Content-Length": "0",
                "Docker-Upload-UUID": upload_id,
            },
        )

    def _link(self, name: str, digest: str, data: bytes | None = None) -> Response:
        self._write("link", name, digest, data)
        if data is not None and self.backing is None:
            self._blobs.setdefault(digest, data)
        self._repos.setdefault(name, _Repo()).blobs.add(digest)
        return Response(
            201,
            {
                "Location": f"/v2/{name}/blobs/{digest}",
                "Content-Length": "0",
                "Docker-Content-Digest": digest,
            },
        )

    def _uploads_route(
        self,
        method: str,
        name: str,
        upload_id: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> Response:
        if not upload_id:
            if method != "POST":
                raise _Fail("UNSUPPORTED")
            mount = query.get("mount")
            if mount is not None:
                if not DIGEST_RE.match(mount):
                    raise _Fail("DIGEST_INVALID", {"digest": mount})
                source = self._repos.get(query.get("from", ""))
                if source is not None and mount in source.blobs:
                    return self._link(name, mount)
                return self._new_upload(name)  # spec: fall back to an upload session (202)
            digest = query.get("digest")
            if digest is not None:  # monolithic upload in one POST (end-4b)
                return self._link(name, self._check_digest(digest, body), body)
            return self._new_upload(name)
        upload = self._uploads.get(upload_id)
        if upload is None or upload.name != name:
            raise _Fail("BLOB_UPLOAD_UNKNOWN", {"upload": upload_id})
        location = f"/v2/{name}/blobs/uploads/{upload_id}"
        if method == "GET":
            return Response(204, self._progress(location, upload))
        if method == "PATCH":
            content_range = headers.get("content-range")
            if content_range:
                start = content_range.split("-", 1)[0].strip()
                if not start.isdigit() or int(start) != len(upload.data):
                    return Response(416, self._progress(location, upload))
            upload.data += body
            return Response(202, self._progress(location, upload))
        if method == "PUT":
            digest = query.get("digest")
            if digest is None:
                raise _Fail("DIGEST_INVALID", "the closing PUT needs ?digest=")
            data = bytes(upload.data) + body
            checked = self._check_digest(digest, data)
            del self._uploads[upload_id]
            return self._link(name, checked, data)
        if method == "DELETE":
            del self._uploads[upload_id]
            return Response(204, {"Content-Length": "0"})
        raise _Fail("UNSUPPORTED")

    @staticmethod
    def _progress(location: str, upload: _Upload) -> dict[str, str]:
        end = max(len(upload.data) - 1, 0)
        return {
            "Location": location,
            "Range": f"0-{end}",
            "Content-Length": "0",
            "Docker-Upload-UUID": location.rsplit("/", 1)[1],
        }

    @staticmethod
    def _check_digest(digest: str, data: bytes) -> str:
        if not DIGEST_RE.match(digest):
            raise _Fail("DIGEST_INVALID", {"digest": digest})
        algorithm, _, _ = digest.partition(":")
        actual = f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"
        if actual != digest:
            raise _Fail("DIGEST_INVALID", {"digest": digest, "actual": actual})
        return digest

    # -- manifests (end-3, end-7, end-9) -----------------------------------------------------------
    def _resolve(self, name: str, ref: str) -> tuple[str, str, bytes]:
        repo = self._repos.get(name) or _Repo()  # distribution: MANIFEST_UNKNOWN, not NAME_UNKNOWN
        digest = ref if DIGEST_RE.match(ref) else repo.tags.get(ref)
        if digest is None or digest not in repo.manifests:
            raise _Fail("MANIFEST_UNKNOWN", {"tag" if not DIGEST_RE.match(ref) else "digest": ref})
        media_type, data = repo.manifests[digest]
        return digest, media_type, data

    def _manifest_route(
        self, method: str, name: str, ref: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if not DIGEST_RE.match(ref) and not TAG_RE.match(ref):
            raise _Fail("MANIFEST_INVALID" if method == "PUT" else "MANIFEST_UNKNOWN", {"reference": ref})
        if method in ("GET", "HEAD"):
            digest, media_type, data = self._resolve(name, ref)
            accept = [a.split(";")[0].strip() for a in headers.get("accept", "").split(",") if a.strip()]
            if accept and media_type not in accept and "*/*" not in accept:
                raise _Fail("MANIFEST_UNKNOWN", f"{media_type} found, but the Accept header does not list it")
            return Response(
                200,
                {
                    "Content-Type": media_type,
                    "Content-Length": str(len(data)),
                    "Docker-Content-Digest": digest,
                    "Etag": f'"{digest}"',
                },
                data,
            )
        if method == "PUT":
            return self._put_manifest(name, ref, headers.get("content-type", ""), body)
        if method == "DELETE":
            if not self.delete_enabled:
                raise _Fail("UNSUPPORTED")
            digest, _, _ = self._resolve(name, ref)
            repo = self._repos[name]
            if DIGEST_RE.match(ref):
                self._write("delete_manifest", name, digest)
                del repo.manifests[digest]
                for tag in [t for t, d in repo.tags.items() if d == digest]:
                    del repo.tags[tag]
            else:
                self._write("delete_tag", name, ref)
                del repo.tags[ref]
            return Response(202, {"Content-Length": "0"})
        raise _Fail("UNSUPPORTED")

    def _put_manifest(self, name: str, ref: str, content_type: str, body: bytes) -> Response:
        if len(body) > MANIFEST_LIMIT:
            raise _Fail("SIZE_INVALID", f"manifests are limited to {MANIFEST_LIMIT} bytes", status=413)
        try:
            manifest = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise _Fail("MANIFEST_INVALID", f"not JSON: {e}") from None
        if not isinstance(manifest, dict) or manifest.get("schemaVersion") != 2:
            raise _Fail("MANIFEST_INVALID", "schemaVersion must be 2")
        media_type = content_type.split(";")[0].strip() or manifest.get("mediaType") or ""
        if media_type not in MANIFEST_MEDIA_TYPES:
            raise _Fail("MANIFEST_INVALID", f"unsupported manifest media type {media_type!r}")
        if manifest.get("mediaType") not in (None, media_type):
            raise _Fail("MANIFEST_INVALID", "mediaType does not match the Content-Type")
        repo = self._repos.get(name) or _Repo()
        for desc in self._references(manifest, media_type):
            if not isinstance(desc, dict) or not DIGEST_RE.match(str(desc.get("digest", ""))):
                raise _Fail("MANIFEST_INVALID", f"bad descriptor {desc!r:.100}")
            known = repo.manifests if "manifests" in manifest else repo.blobs
            if desc["digest"] not in known:
                raise _Fail("MANIFEST_BLOB_UNKNOWN", {"digest": desc["digest"]})
        digest = sha256_digest(body)
        if DIGEST_RE.match(ref) and ref != digest:
            raise _Fail("DIGEST_INVALID", {"digest": ref, "actual": digest})
        self._write(
            "put_manifest", name, digest, media_type, bytes(body), None if DIGEST_RE.match(ref) else ref
        )
        self._repos[name] = repo
        repo.manifests[digest] = (media_type, bytes(body))
        if not DIGEST_RE.match(ref):
            repo.tags[ref] = digest
        headers = {
            "Location": f"/v2/{name}/manifests/{digest}",
            "Content-Length": "0",
            "Docker-Content-Digest": digest,
        }
        subject = manifest.get("subject")
        if isinstance(subject, dict) and isinstance(subject.get("digest"), str):
            headers["OCI-Subject"] = subject["digest"]
        return Response(201, headers)

    @staticmethod
    def _references(manifest: dict[str, Any], media_type: str) -> list[Any]:
        if "manifests" in manifest or media_type.endswith(("index.v1+json", "list.v2+json")):
            manifests = manifest.get("manifests")
            if not isinstance(manifests, list):
                raise _Fail("MANIFEST_INVALID", "an index needs a 'manifests' list")
            return manifests
        config, layers = manifest.get("config"), manifest.get("layers")
        if not isinstance(config, dict) or not isinstance(layers, list):
            raise _Fail("MANIFEST_INVALID", "an image manifest needs 'config' and 'layers'")
        return [config, *layers]

    # -- listing (end-8, end-12, _catalog) ----------------------------------------------------
    def _tags_list(self, name: str, query: dict[str, str]) -> Response:
        repo = self._repos.get(name)
        if repo is None:
            raise _Fail("NAME_UNKNOWN", {"name": name})
        tags = sorted(repo.tags)
        last = query.get("last")
        if last:
            tags = [t for t in tags if t > last]
        headers = {"Content-Type": "application/json; charset=utf-8"}
        n = query.get("n")
        if n is not None and n != "":
            if not n.isdigit():
                raise _Fail("UNSUPPORTED", "n must be a non-negative integer", status=400)
            if len(tags) > int(n):
                tags = tags[: int(n)]
                if tags:
                    headers["Link"] = f'</v2/{name}/tags/list?n={n}&last={quote(tags[-1])}>; rel="next"'
        return Response(200, headers, json.dumps({"name": name, "tags": tags}).encode())

    def _catalog(self, query: dict[str, str]) -> Response:
        names = sorted(self._repos)
        body = json.dumps({"repositories": names}).encode()
        return Response(200, {"Content-Type": "application/json; charset=utf-8"}, body)

    def _referrers(self, name: str, subject: str, query: dict[str, str]) -> Response:
        if not DIGEST_RE.match(subject):
            raise _Fail("DIGEST_INVALID", {"digest": subject})
        repo = self._repos.get(name) or _Repo()
        wanted = query.get("artifactType")
        found = []
        for digest, (media_type, data) in sorted(repo.manifests.items()):
            manifest = json.loads(data)
            if (manifest.get("subject") or {}).get("digest") != subject:
                continue
            artifact = manifest.get("artifactType") or (manifest.get("config") or {}).get("mediaType", "")
            if wanted and artifact != wanted:
                continue
            desc: dict[str, Any] = {"mediaType": media_type, "digest": digest, "size": len(data)}
            if artifact:
                desc["artifactType"] = artifact
            if manifest.get("annotations"):
                desc["annotations"] = manifest["annotations"]
            found.append(desc)
        headers = {"Content-Type": "application/vnd.oci.image.index.v1+json"}
        if wanted:
            headers["OCI-Filters-Applied"] = "artifactType"
        body = json.dumps(
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": found}
        )
        return Response(200, headers, body.encode())
