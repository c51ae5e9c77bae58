"""``--filter`` for ``layerlab images`` and ``layerlab ps``: Docker's keys, matching rules and errors.

Sources (read, not copied):

* docker/cli ``opts/opts.go`` (``FilterOpt.Set``): each ``-f KEY=VALUE``; the key is lower-cased
  and both sides trimmed; a value without ``=`` is a flag error: ``bad format of filter (expected
  name=value)`` (docker/cli 20.10's layout: ``See 'docker ps --help'.``).
* moby ``api/types/filters/parse.go``: a key given several times matches when **any** value
  matches (``Match``: the exact string, or the value as an unanchored regular expression; a
  value that is not a valid expression is skipped), except ``label`` (``MatchKVList``): every
  ``label`` value must match (``KEY`` present, or ``KEY=VALUE`` equal).  Different keys all
  apply (AND).  ``Validate``: an unknown key is ``Invalid filter 'KEY'`` (the wording of Docker
  20.10, Debian 12's docker.io, which tests/cli/test_filters.py compares; newer moby writes
  ``invalid filter``), and a bad value of a boolean key shows Go's ``[v]`` list.
* moby ``daemon/images/image_list.go``: keys ``dangling`` (exactly ``true`` or ``false``, else
  ``Invalid filter 'dangling=[V]'``), ``label``, ``before``/``since`` (images created strictly
  before the oldest / after the newest image named; an unknown image is an error),
  ``reference`` (``reference.FamiliarMatch``: Go's ``path.Match`` of the pattern against
  ``name:tag`` or ``name``; only the matching tags are listed; untagged images drop out).
  ``dangling=true`` lists untagged images without children; ``dangling=false`` hides them.
* moby ``daemon/list.go``: keys ``ancestor`` (the image and its descendants; an unknown image
  is ignored), ``before``/``since`` (a container by ID or name: those created before / after it),
  ``exited`` (an integer: stopped containers that ran, with that exit code; not an integer is
  ``strconv.Atoi`` error), ``id`` (a unique ID prefix that also matches as above), ``label``,
  ``name`` (matched against ``/NAME`` and ``NAME``: a substring or an expression such as
  ``^web$``), ``status`` (one of Docker's states, else ``Invalid filter 'status=V'``; implies
  ``-a``).  Without ``-a`` (and no ``status``) stopped containers stay hidden, so ``exited=0``
  needs ``-a`` as in Docker.  Keys Docker accepts that the simulator has nothing for
  (``network``, ``volume``, ``publish``, ``expose``, ``isolation``) match no container;
  ``health=none`` and ``is-task=false`` match every one (no healthchecks, no swarm tasks).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..model.container import State
from ._errors import CommandError, UsageError

if TYPE_CHECKING:
    from ..engine import Engine
    from ..model import Image
    from ..model.container import Container

__all__ = ["Filters", "filter_containers", "filter_images", "parse_filters", "path_match"]

Filters = dict[str, list[str]]

IMAGE_KEYS = frozenset({"dangling", "label", "before", "since", "reference"})
# moby daemon/list.go acceptedPsFilterTags
CONTAINER_KEYS = frozenset(
    {
        "ancestor",
        "before",
        "exited",
        "id",
        "isolation",
        "label",
        "name",
        "status",
        "health",
        "since",
        "volume",
        "network",
        "is-task",
        "publish",
        "expose",
    }
)
# moby container/state.go IsValidStateString
DOCKER_STATES = ("paused", "restarting", "removing", "running", "dead", "created", "exited")
_NOTHING_HERE = ("network", "volume", "publish", "expose", "isolation")  # no container has them
# moby container/health.go IsValidHealthString; a container without a healthcheck is "none"
HEALTH_STATES = ("starting", "healthy", "unhealthy", "none")


def add_filter_flag(p: argparse.ArgumentParser) -> None:
    """``-f, --filter filter`` as ``docker images`` and ``docker ps`` take it (repeatable)."""
    p.add_argument(
        "-f",
        "--filter",
        action="append",
        default=[],
        metavar="filter",
        help="Filter output based on conditions provided",
    )


def parse_filters(values: Iterable[str], command: str) -> Filters:
    """``-f KEY=VALUE`` flags -> {key: [values]} (docker/cli ``FilterOpt.Set``)."""
    filters: Filters = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep:
            raise UsageError(
                f'invalid argument "{value}" for "-f, --filter" flag: bad format of filter (expected name=value)\n'
                f"See 'layerlab {command} --help'.",
                status=125,
            )
        found = filters.setdefault(key.strip().lower(), [])
        if rest.strip() not in found:
            found.append(rest.strip())
    return filters


def _daemon(message: str) -> CommandError:
    return CommandError(f"Error response from daemon: {message}")


def _go_list(values: Sequence[str]) -> str:
    """Go's ``%v`` of a ``[]string`` (how the daemon prints a filter's values): ``[a b]``."""
    return "[" + " ".join(sorted(values)) + "]"


def _validate(filters: Filters, accepted: frozenset[str]) -> None:
    for key in filters:
        if key not in accepted:
            raise _daemon(f"Invalid filter '{key}'")


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:  # moby: a value that does not compile is skipped
        return False


def match(values: Sequence[str] | None, text: str) -> bool:
    """moby ``Args.Match``: no values, the exact string, or any value as an unanchored regexp."""
    if not values:
        return True
    return text in values or any(_search(v, text) for v in values)


def match_labels(values: Sequence[str] | None, labels: Mapping[str, str]) -> bool:
    """moby ``Args.MatchKVList``: every ``KEY`` or ``KEY=VALUE`` given must hold."""
    if not values:
        return True
    for value in values:
        key, sep, wanted = value.partition("=")
        if key not in labels or (sep and labels[key] != wanted):
            return False
    return True


def path_match(pattern: str, name: str) -> bool:
    """Go's ``path.Match``: ``*`` and ``?`` never cross ``/``, ``[...]``/``[^...]`` classes, ``\\`` escapes.

    Raises:
        CommandError: a malformed pattern (Go: ``syntax error in pattern``).

    Examples:
        >>> path_match("alpine:3.*", "alpine:3.20"), path_match("*", "team/app")
        (True, False)
    """
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            if i + 1 >= len(pattern):
                raise _daemon("syntax error in pattern")
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = i + 1
            negate = j < len(pattern) and pattern[j] == "^"
            j += negate
            body: list[str] = []
            while j < len(pattern) and (pattern[j] != "]" or not body):
                if pattern[j] == "\\":
                    j += 1
                    if j >= len(pattern):
                        raise _daemon("syntax error in pattern")
                    body.append(re.escape(pattern[j]))
                else:
                    body.append("-" if pattern[j] == "-" else re.escape(pattern[j]))
                j += 1
            if j >= len(pattern) or not body:
                raise _daemon("syntax error in pattern")
            out.append(("[^/" if negate else "[") + "".join(body) + "]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    try:
        return re.fullmatch("".join(out), name) is not None
    except re.error:
        raise _daemon("syntax error in pattern") from None


def _created(image: Image) -> str:
    return image.created  # RFC 3339 in UTC: ordered as text


def filter_images(engine: Engine, filters: Filters, *, all: bool) -> list[tuple[Image, list[str]]]:
    """The images ``docker images [-a] --filter ...`` lists, newest first, each with the tags it shows."""
    _validate(filters, IMAGE_KEYS)
    dangling_only = False
    if "dangling" in filters:
        if "true" in filters["dangling"]:
            dangling_only = True
        elif "false" not in filters["dangling"]:
            raise _daemon(f"Invalid filter 'dangling={_go_list(filters['dangling'])}'")
    before = min((_created(engine.images.get(v)) for v in filters.get("before", [])), default=None)
    since = max((_created(engine.images.get(v)) for v in filters.get("since", [])), default=None)
    images = engine.images.list(all=True)
    has_children = {p.id for p in (engine.images.parent_of(i) for i in images) if p is not None}
    listed = []
    for image in images:
        if dangling_only and image.id in has_children:
            continue
        if before is not None and not _created(image) < before:
            continue
        if since is not None and not _created(image) > since:
            continue
        if "label" in filters and not match_labels(filters["label"], image.config.labels):
            continue
        tags = engine.images.tags_of(image)
        if "reference" in filters:
            tags = [
                t
                for t in tags
                if any(path_match(p, t) or path_match(p, t.rsplit(":", 1)[0]) for p in filters["reference"])
            ]
        if not tags:
            if not (all or image.id not in has_children):
                continue
            if ("dangling" in filters and not dangling_only) or "reference" in filters:
                continue
        elif dangling_only:
            continue
        listed.append((image, tags))
    return listed


def _descendants(engine: Engine, roots: list[Image]) -> set[str]:
    found: set[str] = {i.id for i in roots}
    images = engine.images.list(all=True)
    grew = True
    while grew:
        grew = False
        for image in images:
            parent = engine.images.parent_of(image)
            if image.id not in found and parent is not None and parent.id in found:
                found.add(image.id)
                grew = True
    return found


def filter_containers(engine: Engine, filters: Filters, *, all: bool) -> list[Container]:
    """The containers ``docker ps [-a] --filter ...`` lists, newest first."""
    _validate(filters, CONTAINER_KEYS)
    codes = []
    for value in filters.get("exited", []):
        try:
            codes.append(int(value, 10))
        except ValueError:
            raise _daemon(f'strconv.Atoi: parsing "{value}": invalid syntax') from None
    for value in filters.get("health", []):
        if value not in HEALTH_STATES:
            raise _daemon(f"Unrecognised filter value for health: {value}")
    tasks = filters.get("is-task")
    if tasks is not None and "true" not in tasks and "false" not in tasks:
        raise _daemon(f"Invalid filter 'is-task={_go_list(tasks)}'")
    for value in filters.get("status", []):
        if value not in DOCKER_STATES:
            raise _daemon(f"Invalid filter 'status={value}'")
        all = True
    before = [engine.containers.get(v) for v in filters.get("before", [])][-1:]
    since = [engine.containers.get(v) for v in filters.get("since", [])][-1:]
    ancestors: set[str] | None = None
    if "ancestor" in filters:
        roots = [engine.images.get(v) for v in filters["ancestor"] if v in engine.images]
        ancestors = _descendants(engine, roots)
    everyone = engine.containers.list(all=True)
    ids = filters.get("id")
    by_prefix = set()
    for value in ids or []:
        hits = [c.id for c in everyone if c.id.startswith(value)]
        if len(hits) == 1:  # moby GetByPrefix: an ambiguous prefix finds nothing
            by_prefix.add(hits[0])
    live = (State.RUNNING, State.PAUSED, State.RESTARTING)
    listed = []
    waiting_for = before[0].id if before else None
    for c in everyone:
        if waiting_for is not None:
            if c.id == waiting_for:
                waiting_for = None
            continue
        if since and c.id == since[0].id:
            break
        if c.state not in live and not all:
            continue
        if "name" in filters and not (match(filters["name"], "/" + c.name) or match(filters["name"], c.name)):
            continue
        if ids and (c.id not in by_prefix or not match(ids, c.id)):
            continue
        if not match_labels(filters.get("label"), c.image.config.labels):
            continue
        if codes and not (c.state not in live and c.started_at and c.exit_code in codes):
            continue
        if "status" in filters and not match(filters["status"], c.state.value):
            continue
        if ancestors is not None and c.image.id not in ancestors:
            continue
        if tasks is not None and "true" in tasks:  # no container is a swarm task
            continue
        if "health" in filters and "none" not in filters["health"]:  # no healthchecks here
            continue
        if any(key in filters for key in _NOTHING_HERE):
            continue
        listed.append(c)
    return listed
