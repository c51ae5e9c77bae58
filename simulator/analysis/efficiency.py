"""Wasted bytes of an image, path by path, with the reason each one is wasted.

An image ships every layer whole, but a container sees only the top-most copy of each path.
A file's bytes are *wasted* when the file is shipped in some layer and hidden by a layer above
it.  Each wasted entry gets one reason, from the first layer above that hides it:

- ``duplicate``: a later layer holds the same path with the same content and metadata;
- ``metadata-copy``: same content, other mode or owner: ``chmod``/``chown`` copied the file up;
- ``replaced``: a later layer holds the same path with other content;
- ``deleted``: a later layer has a whiteout for the path (deleted later, still shipped below);
- ``deleted-dir``: a later layer deleted a directory above the path;
- ``opaque-dir``: a later layer made a directory above the path opaque;
- ``shadowed``: a later layer put a non-directory where a parent directory was.

Score = useful bytes / shipped bytes, where shipped bytes is the image size (``docker images``)
and useful bytes are the entries a container sees.

Where the waste sits decides what removes it.  Waste in the layers the image's own build made
is *reclaimable by rebuilding*: fix the Dockerfile (each path's ``fix``) and the hidden copy is
never shipped.  Waste in the **base image's** layers (a file of the base replaced or deleted by a
step on top) is not: the base's layers are shipped as they are whatever the Dockerfile says, and
``docker build --squash`` squashes only the build's own layers.  Only a new image that does not
stack on those layers removes it: a multi-stage build whose final stage starts from another base
(or ``scratch``), or flattening (``docker export`` piped to ``docker import``).  Pass ``base=``
to :func:`efficiency` to split the figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..digest import short_id
from ..errors import InvalidArgument
from ..model.entries import Entry, Kind
from ..model.image import Image
from ..model.paths import ancestors
from ..text import human_size

__all__ = ["REASONS", "Report", "WastedPath", "efficiency"]

REASONS = {
    "duplicate": "the same file (content and metadata) is added again in a later layer",
    "metadata-copy": "a later chmod/chown copied the whole file into a new layer",
    "replaced": "a later layer replaced the file with other content",
    "deleted": "deleted in a later layer, but still shipped in this one",
    "deleted-dir": "a later layer deleted a directory above it",
    "opaque-dir": "a later layer made a directory above it opaque",
    "shadowed": "a later layer put a file where its parent directory was",
}

FIXES = {
    "duplicate": "do not add the file again",
    "metadata-copy": "set mode/owner where the file is created (COPY --chmod/--chown, or chmod in the same RUN)",
    "replaced": "create the final version in one step",
    "deleted": "delete it in the same RUN that created it (or use a multi-stage build)",
    "deleted-dir": "remove the directory in the same RUN that filled it (or use a multi-stage build)",
    "opaque-dir": "do not fill a directory that a later step replaces",
    "shadowed": "do not fill a directory that a later step replaces with a file",
}


@dataclass(frozen=True)
class WastedPath:
    """One shipped-but-hidden entry: ``path`` in layer ``layer``, hidden by layer ``by_layer``."""

    path: str
    layer: int
    bytes: int
    reason: str
    by_layer: int
    by_path: str

    @property
    def explanation(self) -> str:
        return REASONS[self.reason]

    @property
    def fix(self) -> str:
        return FIXES[self.reason]


@dataclass(frozen=True)
class Report:
    """The efficiency of one image."""

    total_bytes: int
    wasted_bytes: int
    paths: tuple[WastedPath, ...]
    base_layers: int | None = None
    """How many bottom layers are the base image's (``None``: not known)."""

    @property
    def useful_bytes(self) -> int:
        return self.total_bytes - self.wasted_bytes

    @property
    def score(self) -> float:
        """Useful / shipped bytes (1.0 for an empty image)."""
        return 1.0 if self.total_bytes == 0 else self.useful_bytes / self.total_bytes

    @property
    def wasted_in_base_layers(self) -> int:
        """Wasted bytes in the base image's layers: a rebuild on the same base ships them again
        (0 when the base is not known)."""
        below = self.base_layers or 0
        return sum(p.bytes for p in self.paths if p.layer < below)

    @property
    def wasted_in_own_layers(self) -> int:
        """Wasted bytes in the layers the image's own build made (all of them when the base is
        not known)."""
        return self.wasted_bytes - self.wasted_in_base_layers

    @property
    def reclaimable(self) -> int:
        """Bytes a rebuild with a fixed Dockerfile stops shipping: the waste in the image's own
        layers only (the base's layers are shipped as they are).  With ``base_layers=None``
        every layer counts as the image's own: pass ``base=`` to :func:`efficiency`."""
        return self.wasted_in_own_layers

    @property
    def by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.paths:
            out[p.reason] = out.get(p.reason, 0) + p.bytes
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))

    def summary(self) -> str:
        """A text report: the totals, then one line per wasted path (largest first)."""
        lines = [
            f"efficiency: {self.score * 100:.2f} %  (useful {human_size(self.useful_bytes)} of "
            f"{human_size(self.total_bytes)} shipped)",
            f"wasted: {self.wasted_bytes} bytes ({human_size(self.wasted_bytes)})",
        ]
        if self.base_layers is None:
            lines.append(
                "  (which layers are the base image's is not known: pass base= to split what a rebuild "
                "removes from what only a multi-stage build onto another base or docker export | "
                "docker import removes)"
            )
        else:
            own, in_base = self.wasted_in_own_layers, self.wasted_in_base_layers
            layers = "layer" if self.base_layers == 1 else f"{self.base_layers} layers"
            lines.append(
                f"  in this image's own layers: {own} bytes ({human_size(own)}), reclaimable by rebuilding"
            )
            lines.append(
                f"  in the base image's {layers}: {in_base} bytes ({human_size(in_base)}), not removed by "
                "rebuilding (only by a multi-stage build onto another base, or docker export | docker import)"
            )
        for reason, n in self.by_reason.items():
            lines.append(f"  {reason:<14} {n:>10} B  {REASONS[reason]}")
        for p in sorted(self.paths, key=lambda p: (-p.bytes, p.path, p.layer)):
            lines.append(f"  L{p.layer:<3} {p.bytes:>10} B  {p.path}  [{p.reason}, by L{p.by_layer}]")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _hider(entry: Entry, path: str, later: list[dict[str, Entry]], start: int) -> tuple[str, int, str] | None:
    """The first layer from ``start`` up that hides ``path``: (reason, layer, path that hides)."""
    for offset, entries in enumerate(later):
        number = start + offset
        above = entries.get(path)
        if above is not None:
            if above.kind is Kind.WHITEOUT:
                return "deleted", number, path
            if (
                above.kind is Kind.FILE
                and entry.kind is Kind.FILE
                and above.size == entry.size
                and above.content_digest() == entry.content_digest()
            ):
                return ("duplicate" if above.same_metadata(entry) else "metadata-copy"), number, path
            if above.kind is Kind.SYMLINK and entry.kind is Kind.SYMLINK and above.target == entry.target:
                return "duplicate", number, path
            return "replaced", number, path
        for anc in ancestors(path):
            a = entries.get(anc)
            if a is None:
                continue
            if a.kind is Kind.WHITEOUT:
                return "deleted-dir", number, anc
            if a.kind is Kind.DIR and a.opaque:
                return "opaque-dir", number, anc
            if a.kind is not Kind.DIR:
                return "shadowed", number, anc
    return None


def _base_layers(image: Image, base: Image | int | None) -> int | None:
    if base is None:
        return None
    if isinstance(base, Image):
        n = len(base.layers)
        if image.diff_ids[:n] != base.diff_ids:
            raise InvalidArgument(
                f"efficiency(base=...): the base image's {n} layer(s) are not the bottom of this image's "
                f"{len(image.layers)} layers; pass the image it was built FROM, or the number of base layers"
            )
        return n
    if isinstance(base, bool) or not isinstance(base, int) or not 0 <= base <= len(image.layers):
        raise InvalidArgument(
            f"efficiency(base={base!r}): the number of base layers must be an int from 0 to {len(image.layers)}"
        )
    return base


def efficiency(
    image: Image,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    base: Image | int | None = None,
) -> Report:
    """Which shipped bytes of ``image`` a container never sees, and why.

    ``base``: the image it was built ``FROM`` (or the number of its bottom layers that are the
    base's), to split the waste into what rebuilding removes and what it does not.
    ``progress`` is called ``(done, total, what)`` per layer read (total: the image's layers).

    Examples:
        >>> from simulator import Entry, Image, Layer
        >>> a = Layer.of({"/big": Entry.file(b"x" * 100)})
        >>> b = Layer.of({"/big": Entry.whiteout()})
        >>> report = efficiency(Image.of([a, b]))
        >>> report.wasted_bytes, report.paths[0].reason
        (100, 'deleted')
    """
    base_layers = _base_layers(image, base)
    view = image.view
    tables = [dict(layer.entries) for layer in image.layers]
    wasted: list[WastedPath] = []
    for number, entries in enumerate(tables):
        for path, entry in entries.items():
            size = entry.disk_size
            if size == 0:
                continue
            origin = view.origin(path)
            if origin is not None and origin.layer == number:
                continue  # this is the copy a container sees
            found = _hider(entry, path, tables[number + 1 :], number + 1)
            if found is None:  # pragma: no cover - the view says hidden, so something hides it
                continue
            reason, by_layer, by_path = found
            wasted.append(WastedPath(path, number, size, reason, by_layer, by_path))
        if progress is not None:
            progress(
                number + 1,
                len(tables),
                f"read layer {number + 1}/{len(tables)} {short_id(image.layers[number].diff_id)}",
            )
    total = sum(layer.size for layer in image.layers)
    return Report(total, sum(p.bytes for p in wasted), tuple(wasted), base_layers)
