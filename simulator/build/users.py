"""User and group names resolved through a container's ``/etc/passwd`` and ``/etc/group``."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["UnknownUser", "resolve_chown", "resolve_user"]


class UnknownUser(LookupError):
    """A user or group name has no entry in the container's files."""


def _table(read: Callable[[str], bytes], path: str) -> list[list[str]]:
    try:
        text = read(path).decode("utf-8", "replace")
    except (OSError, ValueError):
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def _user(read: Callable[[str], bytes], name: str) -> tuple[int, int] | None:
    for row in _table(read, "/etc/passwd"):
        if len(row) >= 4 and (row[0] == name or (name.isdigit() and row[2] == name)):
            return int(row[2]), int(row[3])
    return None


def _group(read: Callable[[str], bytes], name: str) -> int:
    if name.isdigit():
        return int(name)
    for row in _table(read, "/etc/group"):
        if len(row) >= 3 and row[0] == name:
            return int(row[2])
    raise UnknownUser(f"unable to find group {name}: no matching entries in group file")


def resolve_user(read: Callable[[str], bytes], spec: str) -> tuple[int, int]:
    """``USER`` semantics (runc): ``name``, ``uid``, ``name:group``; a uid not in passwd gets gid 0."""
    user, _, group = spec.partition(":")
    found = _user(read, user)
    if found is None:
        if not user.isdigit():
            raise UnknownUser(f"unable to find user {user}: no matching entries in passwd file")
        found = (int(user), 0)
    uid, gid = found
    return uid, (_group(read, group) if group else gid)


def resolve_chown(read: Callable[[str], bytes], spec: str) -> tuple[int, int]:
    """``COPY --chown`` semantics: a user without a group uses the same number as its GID."""
    user, _, group = spec.partition(":")
    if user.isdigit():
        uid = int(user)
    else:
        found = _user(read, user)
        if found is None:
            raise UnknownUser(f"unable to find user {user}: no matching entries in passwd file")
        uid = found[0]
    return uid, (_group(read, group) if group else uid)
