"""The OCI distribution spec v1.1.1 as data: name and tag grammar, error codes, media types.

Sources (transcribed, not copied):

* ``opencontainers/distribution-spec`` ``spec.md`` at tag v1.1.1: the endpoint table (end-1 ...
  end-13), the ``<name>`` and ``<reference>`` grammars, the error-code table (code-1 ... code-14);
* ``distribution/distribution`` ``registry/api/v2/errors.go`` and ``registry/api/errcode``: the
  HTTP status and message each code is answered with by the reference registry (Debian's
  ``docker-registry``), which the tests in ``tests/registry`` compare against.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..oci.formats import (
    DOCKER_LIST,
    DOCKER_MANIFEST,
    INDEX_TYPES,
    MANIFEST_TYPES,
    OCI_INDEX,
    OCI_MANIFEST,
)

__all__ = [
    "ACCEPT_MANIFESTS",
    "DIGEST_RE",
    "ERRORS",
    "NAME_RE",
    "TAG_RE",
    "ErrorCode",
    "error_body",
]

NAME_RE = re.compile(r"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")
"""spec.md "Pulling manifests": ``<name>`` (a repository path)."""
TAG_RE = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$")
"""spec.md: a tag is at most 128 characters of this grammar."""
DIGEST_RE = re.compile(r"^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$")
"""The digests this registry accepts (image-spec descriptor.md registered algorithms)."""
NAME_MAX = 255
"""distribution's ``reference.NameTotalLengthMax``: the longest repository name it accepts."""

ACCEPT_MANIFESTS = (OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST)
"""What a client sends in ``Accept`` when it GETs a manifest (the four types a registry may store)."""
MANIFEST_MEDIA_TYPES = MANIFEST_TYPES | INDEX_TYPES


class ErrorCode(NamedTuple):
    """One row of the spec's error-code table with the reference registry's status and message."""

    code: str
    status: int
    message: str


# spec.md v1.1.1 "Error Codes" (code-1 .. code-14); status and message as distribution answers.
ERRORS: dict[str, ErrorCode] = {
    e.code: e
    for e in (
        ErrorCode("BLOB_UNKNOWN", 404, "blob unknown to registry"),
        ErrorCode("BLOB_UPLOAD_INVALID", 404, "blob upload invalid"),
        ErrorCode("BLOB_UPLOAD_UNKNOWN", 404, "blob upload unknown to registry"),
        ErrorCode("DIGEST_INVALID", 400, "provided digest did not match uploaded content"),
        ErrorCode("MANIFEST_BLOB_UNKNOWN", 400, "blob unknown to registry"),
        ErrorCode("MANIFEST_INVALID", 400, "manifest invalid"),
        ErrorCode("MANIFEST_UNKNOWN", 404, "manifest unknown"),
        ErrorCode("NAME_INVALID", 400, "invalid repository name"),
        ErrorCode("NAME_UNKNOWN", 404, "repository name not known to registry"),
        ErrorCode("SIZE_INVALID", 400, "provided length did not match content length"),
        ErrorCode("UNAUTHORIZED", 401, "authentication required"),
        ErrorCode("DENIED", 403, "requested access to the resource is denied"),
        ErrorCode("UNSUPPORTED", 405, "The operation is unsupported."),
        ErrorCode("TOOMANYREQUESTS", 429, "too many requests"),
    )
}


def error_body(code: str, detail: object = None) -> bytes:
    """The JSON body of an error answer: ``{"errors": [{"code", "message", "detail"}]}``."""
    import json

    entry = {"code": code, "message": ERRORS[code].message, "detail": detail}
    return json.dumps({"errors": [entry]}).encode()
