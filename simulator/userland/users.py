"""User and group names resolved through a container's ``/etc/passwd`` and ``/etc/group``.

The one place that reads those files: the builder (``USER``, ``COPY --chown``), the RUN shell
(``docker exec --user``) and the coreutils (``chown``, ``id``) all use it.  ``read`` is a
function returning a file's bytes, such as ``container.read_file``.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "UnknownUser",
    "group_entry",
    "passwd_entry",
    "resolve_chown",
    "resolve_user",
    "supplementary_groups",
    "table",
]

Reader = Callable[[str], bytes]


class UnknownUser(LookupError):
    """A user or group name has no entry in the container's files."""


def _table(read: Reader, path: str) -> list[list[str]]:
    try:
        text = read(path).decode("utf-8", "replace")
    except (OSError, ValueError):
        return []
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def table(read: Reader, path: str) -> list[list[str]]:
    """The fields of every entry of ``path`` (``/etc/passwd``, ``/etc/group``, ``/etc/shadow`` ...).

    A missing file has no entries; comment and blank lines are skipped.
    """
    return _table(read, path)


def passwd_entry(read: Reader, user: str) -> list[str] | None:
    """The ``/etc/passwd`` fields of a user name or uid (None if absent)."""
    for fields in _table(read, "/etc/passwd"):
        if len(fields) >= 7 and (fields[0] == user or (user.isdigit() and fields[2] == user)):
            return fields
    return None


def group_entry(read: Reader, group: str) -> list[str] | None:
    """The ``/etc/group`` fields of a group name or gid (None if absent)."""
    for fields in _table(read, "/etc/group"):
        if len(fields) >= 3 and (fields[0] == group or (group.isdigit() and fields[2] == group)):
            return fields
    return None


def _gid(read: Reader, group: str) -> int:
    found = group_entry(read, group)
    if found is not None:
        return int(found[2])
    if group.isdigit():
        return int(group)
    raise UnknownUser(f"unable to find group {group}: no matching entries in group file")


def resolve_user(read: Reader, spec: str) -> tuple[int, int]:
    """``USER`` semantics (runc): ``name``, ``uid``, ``name:group``; a uid not in passwd gets gid 0."""
    if not spec:
        return 0, 0
    user, _, group = spec.partition(":")
    found = passwd_entry(read, user)
    if found is not None:
        uid, gid = int(found[2]), int(found[3])
    elif user.isdigit():
        uid, gid = int(user), 0
    else:
        raise UnknownUser(f"unable to find user {user}: no matching entries in passwd file")
    return uid, (_gid(read, group) if group else gid)


def resolve_chown(read: Reader, spec: str) -> tuple[int, int]:
    """``COPY --chown`` semantics: a user without a group uses the same number as its GID."""
    user, _, group = spec.partition(":")
    if user.isdigit():
        uid = int(user)
    else:
        found = passwd_entry(read, user)
        if found is None:
            raise UnknownUser(f"unable to find user {user}: no matching entries in passwd file")
        uid = int(found[2])
    return uid, (_gid(read, group) if group else uid)


def supplementary_groups(read: Reader, user: str) -> list[int]:
    """The gids of the groups that list ``user`` as a member in ``/etc/group``."""
    return [
        int(fields[2])
        for fields in _table(read, "/etc/group")
        if len(fields) >= 4 and user in fields[3].split(",")
    ]
