"""``RUN --mount=...`` values, parsed as BuildKit parses them.

After moby/buildkit ``frontend/dockerfile/instructions/commands_runmount.go`` (``parseMount``):
a CSV list of ``key=value`` fields (``type`` bind by default; ``target``/``dst``/``destination``;
``source``/``src``; ``from``; ``id``; ``sharing``; ``ro``/``readonly``, ``rw``/``readwrite`` and
``required`` also bare; ``size`` for tmpfs; ``mode``/``uid``/``gid`` for cache, secret and ssh;
``env`` for secrets).  Bind and secret and ssh mounts are read-only unless told otherwise, cache
and tmpfs mounts read-write.  The messages are BuildKit's.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass

__all__ = ["MOUNT_KEYS", "Mount", "MountError", "parse_mount"]

TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
SHARING = ("shared", "private", "locked")
MOUNT_KEYS = ("type", "from", "source", "target", "readonly", "id", "sharing", "required", "size", "mode",
              "uid", "gid", "src", "dst", "destination", "ro", "rw", "readwrite", "env")  # fmt: skip
_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool
_FALSE = ("0", "f", "F", "FALSE", "false", "False")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


class MountError(ValueError):
    """A ``--mount`` value BuildKit refuses; the message is BuildKit's."""


@dataclass(frozen=True, slots=True)
class Mount:
    """One ``--mount`` of a RUN, after parsing (paths as written: the builder resolves them)."""

    type: str = "bind"
    target: str = ""
    source: str = ""
    from_: str = ""
    readonly: bool = True
    id: str = ""
    sharing: str = ""
    required: bool = False
    size: int = 0
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    env: str | None = None


def _bool(key: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise MountError(f"invalid value for {key}: {value}")


def _suggest(message: str, value: str, choices: tuple[str, ...]) -> MountError:
    close = difflib.get_close_matches(value.lower(), choices, n=1)
    return MountError(f"{message} (did you mean {close[0]}?)" if close else message)


def _size(value: str) -> int:
    """go-units ``RAMInBytes``: ``64m``, ``1g``, ``512k`` (binary units), ``100``."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgtpKMGTP]?)[iI]?[bB]?", value.strip())
    if match is None:
        raise MountError(f"invalid value for size: {value}")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def _uint(key: str, value: str, base: int) -> int:
    try:
        number = int(value, base)
    except ValueError:
        raise MountError(f"invalid value {value} for {key}") from None
    if not 0 <= number < 2**32:
        raise MountError(f"invalid value {value} for {key}")
    return number


def parse_mount(text: str) -> Mount:
    """Parse one ``--mount`` value (after variable expansion).

    Raises:
        MountError: an unknown type or key, a bad value, or a combination BuildKit refuses.
    """
    try:
        fields = next(csv.reader([text]), [])
    except csv.Error as exc:
        raise MountError(f"failed to parse csv mounts: {exc}") from None
    values: dict[str, object] = {"type": "bind"}
    ro_auto = True
    for field in fields:
        key, eq, value = field.partition("=")
        key = key.lower()
        if not eq:
            if key in ("readonly", "ro"):
                values["readonly"], ro_auto = True, False
            elif key in ("readwrite", "rw"):
                values["readonly"], ro_auto = False, False
            elif key == "required":
                if values["type"] not in ("secret", "ssh"):
                    raise MountError(f"unexpected key '{key}' for mount type '{values['type']}'")
                values["required"] = True
            else:
                raise MountError(f"invalid field '{field}' must be a key=value pair")
            continue
        if key == "type":
            if value.lower() not in TYPES:
                raise _suggest(f'unsupported mount type "{value}"', value, TYPES)
            values["type"] = value.lower()
        elif key == "from":
            values["from_"] = value
        elif key in ("source", "src"):
            values["source"] = value
        elif key in ("target", "dst", "destination"):
            values["target"] = value
        elif key in ("readonly", "ro"):
            values["readonly"], ro_auto = _bool(key, value), False
        elif key in ("readwrite", "rw"):
            values["readonly"], ro_auto = not _bool(key, value), False
        elif key == "required":
            if values["type"] not in ("secret", "ssh"):
                raise MountError(f"unexpected key '{key}' for mount type '{values['type']}'")
            values["required"] = _bool(key, value)
        elif key == "size":
            if values["type"] != "tmpfs":
                raise MountError(f"unexpected key '{key}' for mount type '{values['type']}'")
            values["size"] = _size(value)
        elif key == "id":
            values["id"] = value
        elif key == "sharing":
            if value.lower() not in SHARING:
                raise _suggest(f'unsupported sharing value "{value}"', value, SHARING)
            values["sharing"] = value.lower()
        elif key == "mode":
            values["mode"] = _uint("mode", value, 8)
        elif key in ("uid", "gid"):
            values[key] = _uint(key, value, 10)
        elif key == "env":
            values["env"] = value
        else:
            raise _suggest(f"unexpected key '{key}' in '{field}'", key, MOUNT_KEYS)
    kind = values["type"]
    if kind not in ("secret", "ssh", "cache"):
        for key in ("mode", "uid", "gid"):
            if values.get(key) is not None:
                raise MountError(f'{key} not allowed for "{kind}" type mounts')
    if ro_auto:
        values["readonly"] = kind not in ("cache", "tmpfs")
    if kind == "secret":
        if values.get("from_"):
            raise MountError("secret mount should not have a from")
        if values.get("sharing"):
            raise MountError("secret mount should not define sharing")
        if not (values.get("source") or values.get("target") or values.get("id")):
            raise MountError("invalid secret mount. one of source, target required")
        if values.get("source") and values.get("id"):
            raise MountError("both source and id can't be set")
    if values.get("sharing") and kind != "cache":
        raise MountError(f"invalid cache sharing set for {kind} mount")
    return Mount(**values)  # type: ignore[arg-type]
