"""The rows ``--format`` sees: the fields of docker/cli's formatter contexts, as data.

Field names and headers are transcribed from docker/cli v20.10 ``cli/command/formatter/image.go``
(``imageContext``), ``container.go`` (``ContainerContext``) and
``cli/command/image/formatter_history.go`` (``historyContext``).  The default table formats are
the same files' ``default*TableFormat`` constants.
"""

from __future__ import annotations

import datetime as dt

from ..clock import parse_time
from ..engine import Engine
from ..engine.df import container_size, container_virtual_size, image_id, image_size
from ..model.container import Container
from ..model.image import Image
from ..text import ellipsis, human_duration, human_size, truncate_id
from ._format import Row

__all__ = [
    "CONTAINER_HEADERS",
    "HISTORY_HEADERS",
    "IMAGE_HEADERS",
    "container_row",
    "go_time",
    "history_rows",
    "image_rows",
]

# cli/command/formatter/image.go: defaultImageTableFormat
IMAGE_TABLE = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
IMAGE_HEADERS = {
    "ID": "IMAGE ID",
    "Repository": "REPOSITORY",
    "Tag": "TAG",
    "Digest": "DIGEST",
    "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT",
    "Size": "SIZE",
    "Containers": "CONTAINERS",
    "VirtualSize": "SIZE",
    "SharedSize": "SHARED SIZE",
    "UniqueSize": "UNIQUE SIZE",
}
# cli/command/formatter/container.go: defaultContainerTableFormat (+ "\t{{.Size}}" for -s)
CONTAINER_TABLE = (
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
)
CONTAINER_HEADERS = {
    "ID": "CONTAINER ID",
    "Names": "NAMES",
    "Image": "IMAGE",
    "Command": "COMMAND",
    "CreatedAt": "CREATED AT",
    "RunningFor": "CREATED",
    "Ports": "PORTS",
    "State": "STATE",
    "Status": "STATUS",
    "Size": "SIZE",
    "Labels": "LABELS",
    "Mounts": "MOUNTS",
    "LocalVolumes": "LOCAL VOLUMES",
    "Networks": "NETWORKS",
}
# cli/command/image/formatter_history.go: defaultHistoryTableFormat
HISTORY_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
HISTORY_HEADERS = {
    "ID": "IMAGE",
    "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT",
    "CreatedBy": "CREATED BY",
    "Size": "SIZE",
    "Comment": "COMMENT",
}


def go_time(moment: str) -> str:
    """Go's ``time.Time.String()`` of an RFC 3339 time, as ``CreatedAt`` prints it."""
    t = parse_time(moment)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    zone = t.tzname() or "UTC"
    offset = t.strftime("%z") or "+0000"
    return f"{t:%Y-%m-%d %H:%M:%S} {offset} {'UTC' if offset == '+0000' else zone}"


def _ago(now: dt.datetime, moment: str) -> str:
    return human_duration((now - parse_time(moment)).total_seconds()) + " ago"


def image_rows(
    engine: Engine,
    *,
    all: bool = False,
    no_trunc: bool = False,
    listed: list[tuple[Image, list[str]]] | None = None,
) -> list[Row]:
    """``docker images`` rows: one per tag, ``<none>`` for an untagged image (with ``-a``).

    ``listed``: the (image, tags shown) pairs to show (``--filter``), instead of every image.
    """
    now = engine.clock_peek()
    rows = []
    if listed is None:
        listed = [(image, engine.images.tags_of(image)) for image in engine.images.list(all=all)]
    for image, listed_tags in listed:
        tags = listed_tags or ["<none>:<none>"]
        shown = image_id(image, engine.image_store)  # the store's IMAGE ID (engine.df)
        size = image_size(engine, image)
        digests = {d.split("@")[0]: d.split("@")[1] for d in engine.images.repo_digests(image)}
        for full in tags:
            repo, tag = full.rsplit(":", 1)
            rows.append(
                Row(
                    ID=shown if no_trunc else truncate_id(shown),
                    Repository=repo,
                    Tag=tag,
                    Digest=digests.get(repo, "<none>"),
                    CreatedSince=_ago(now, image.created),
                    CreatedAt=go_time(image.created),
                    Size=human_size(size),
                    VirtualSize=human_size(size),
                    SharedSize="N/A",
                    UniqueSize="N/A",
                    Containers="N/A",
                )
            )
    return rows


def history_rows(engine: Engine, image: Image, *, no_trunc: bool = False, human: bool = True) -> list[Row]:
    """``docker history`` rows, newest first: IDs follow the parent chain, else ``<missing>``."""
    ids: list[str] = []
    current: Image | None = image
    while current is not None:
        ids.append(current.id)
        current = engine.images.parent_of(current)
    now = engine.clock_peek()
    rows = []
    for i, (entry, layer) in enumerate(reversed(image.layer_history())):
        created = parse_time(entry.created)
        since = "N/A" if created.year <= 2000 else _ago(now, entry.created)
        created_by = entry.created_by.replace("\t", " ")
        size = layer.size if layer is not None else 0
        rows.append(
            Row(
                ID=(ids[i] if no_trunc else truncate_id(ids[i])) if i < len(ids) else "<missing>",
                CreatedSince=since if human else entry.created,
                CreatedAt=entry.created,
                CreatedBy=created_by if no_trunc else ellipsis(created_by, 45),
                Size=human_size(size) if human else str(size),
                Comment=entry.comment,
            )
        )
    return rows


def container_row(engine: Engine, c: Container, *, no_trunc: bool = False) -> Row:
    """One ``docker ps`` row (``Size`` is ``0B (virtual 5.6MB)``, as with ``-s``)."""
    now = engine.clock_peek()
    tags = engine.images.tags_of(c.image)
    image = tags[0].removesuffix(":latest") if tags else c.image.short_id
    command = " ".join(c.command or ())
    return Row(
        ID=c.id if no_trunc else c.id[:12],
        Image=image,
        Command='"' + (command if no_trunc else ellipsis(command, 20)) + '"',
        CreatedAt=go_time(c.created),
        RunningFor=_ago(now, c.created),
        Ports="",
        State=c.state.value,
        Status=engine.status_text(c),
        Size=f"{human_size(container_size(engine, c))} (virtual {human_size(container_virtual_size(engine, c))})",
        Names=c.name,
        Labels="",
        Mounts="",
        LocalVolumes="0",
        Networks="",
    )
