"""A registry that speaks the OCI distribution spec v1.1.1, and ``docker push``/``pull`` against it.

* :class:`Registry`: in memory, blobs stored once (real gzip of each layer's canonical tar, so
  compressed digests and sizes are real), repositories, tags, upload sessions, cross-repository
  mounts, referrers, the spec's status and error codes; :attr:`Registry.log` records requests.
* :func:`serve`: the same registry over HTTP on 127.0.0.1 (skopeo and Docker can pull from it).
* :func:`push` / :func:`pull`: Docker's behaviour and lines, against a :class:`Registry` or any
  registry at ``host:port`` (Debian's ``docker-registry`` in the tests).

Examples:
    >>> from simulator import Engine
    >>> from simulator.registry import Registry, push, pull
    >>> engine, reg = Engine(), Registry()
    >>> _ = engine.images.pull("alpine:3.20", quiet=True)
    >>> print(push(engine, "alpine:3.20", reg, quiet=True))  # doctest: +ELLIPSIS
    The push refers to repository [alpine]
    ...: Preparing
    ...: Pushed
    3.20: digest: sha256:... size: ...
    >>> print(pull(Engine(), "alpine:3.20", reg, quiet=True))  # doctest: +ELLIPSIS
    3.20: Pulling from alpine
    ...: Pulling fs layer
    ...: Verifying Checksum
    ...: Download complete
    ...: Pull complete
    Digest: sha256:...
    Status: Downloaded newer image for alpine:3.20
"""

from __future__ import annotations

from .client import HTTPTransport, MemoryTransport, RegistryClient
from .content import ImageContent, image_content
from .memory import LogEntry, Registry, Response
from .server import RegistryServer, serve
from .transfer import STORES, PullResult, PushResult, pull, push, push_index, resolve

__all__ = [
    "STORES",
    "HTTPTransport",
    "ImageContent",
    "LogEntry",
    "MemoryTransport",
    "PullResult",
    "PushResult",
    "Registry",
    "RegistryClient",
    "RegistryServer",
    "Response",
    "image_content",
    "pull",
    "push",
    "push_index",
    "resolve",
    "serve",
]
