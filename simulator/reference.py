"""Image references: ``name[:tag]`` split, and Docker Hub's spellings made familiar or full.

Docker Hub's images have several spellings of one name (docker/distribution ``reference``,
normalize.go ``ParseNormalizedNamed`` / ``FamiliarName`` / ``TagNameOnly``):

=====================================  ===============================  =======================================
as written                             familiar (``docker images``)     full (BuildKit's log, ``docker pull``'s
                                                                        last line)
=====================================  ===============================  =======================================
``python:3.12``                        ``python:3.12``                  ``docker.io/library/python:3.12``
``docker.io/library/python:3.12``      ``python:3.12``                  ``docker.io/library/python:3.12``
``index.docker.io/library/python``     ``python``                       ``docker.io/library/python:latest``
``docker.io/python:3.12``              ``python:3.12``                  ``docker.io/library/python:3.12``
``user/app:1``                         ``user/app:1``                   ``docker.io/user/app:1``
``mcr.microsoft.com/dotnet/sdk:8.0``   the same                         the same
``localhost:5000/app``                 ``localhost:5000/app``           ``localhost:5000/app:latest``
=====================================  ===============================  =======================================

The first path component is a registry host when it has a ``.`` or a ``:`` or is ``localhost``
(``splitDockerDomain``); ``index.docker.io`` is ``docker.io``, and a one-component Docker Hub
name is in ``library/``.
"""

from __future__ import annotations

from .errors import InvalidReference

__all__ = ["familiar_name", "full_name", "normalize_ref", "parse_reference", "split_domain"]

HUB = "docker.io"
_HUB_ALIASES = ("docker.io", "index.docker.io")


def parse_reference(ref: str) -> tuple[str, str]:
    """``"busybox"`` -> ``("busybox", "latest")``; ``"localhost:5000/a:1"`` -> ``("localhost:5000/a", "1")``."""
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidReference(ref)
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        return ref, "latest"
    return name, tag


def split_domain(ref: str) -> tuple[str, str]:
    """``(registry, remainder)`` as ``splitDockerDomain`` splits them: ``python:3.12`` ->
    ``("docker.io", "library/python:3.12")``, ``index.docker.io/user/a`` -> ``("docker.io",
    "user/a")``, ``gcr.io/distroless/static`` -> ``("gcr.io", "distroless/static")``."""
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidReference(ref)
    first, slash, rest = ref.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        domain, remainder = first, rest
    else:
        domain, remainder = HUB, ref
    if domain in _HUB_ALIASES:
        domain = HUB
        if "/" not in remainder:
            remainder = "library/" + remainder
    return domain, remainder


def familiar_name(ref: str) -> str:
    """The name as ``docker images`` shows it (``FamiliarName``): Docker Hub's ``docker.io/``
    and ``library/`` dropped, any other registry kept; the tag or digest as written."""
    domain, remainder = split_domain(ref)
    if domain != HUB:
        return ref
    path = remainder.partition("@")[0].rpartition(":")[0] or remainder.partition("@")[0]
    if remainder.startswith("library/") and "/" not in path.removeprefix("library/"):
        return remainder.removeprefix("library/")
    return remainder


def full_name(ref: str) -> str:
    """The fully qualified reference BuildKit prints and ``docker pull`` ends with
    (``ParseNormalizedNamed`` + ``TagNameOnly``): ``alpine`` -> ``docker.io/library/alpine:latest``;
    a reference with a digest gets no default tag."""
    domain, remainder = split_domain(ref)
    name, at, digest = remainder.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and not at:
        name += ":latest"
    return f"{domain}/{name}" + (at + digest if at else "")


def normalize_ref(ref: str) -> str:
    """The familiar name with a default tag: ``nginx`` -> ``nginx:latest``;
    ``docker.io/library/alpine:3.20`` -> ``alpine:3.20``; ``scratch`` stays."""
    ref = familiar_name(ref)
    if ref == "scratch":
        return ref
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or "@" in last else ref + ":latest"
