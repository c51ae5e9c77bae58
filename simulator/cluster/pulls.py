"""Pulls on bind through a real registry: the cluster's ``puller`` seam, backed by simulator.registry.

``Cluster(nodes, puller=registry_puller(reg))`` makes every pull the kubelet does a ``docker pull``
into the node's own engine (``Node(engine=Engine())``): only the blobs that node lacks move, and
the bytes the cluster records are the compressed blobs downloaded, as on a real node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import SimulatorError
from .objects import Node

if TYPE_CHECKING:
    from ..registry import Registry

__all__ = ["registry_puller"]


def registry_puller(registry: Registry | str, *, store: str = "containerd") -> Callable[[Node, str], int]:
    """A ``puller(node, image) -> bytes`` that pulls ``image`` from ``registry`` into ``node.engine``.

    ``registry`` is an in-memory :class:`~simulator.registry.Registry` or ``"host:port"``; ``store``
    decides what "Already exists" means on the node (the kubelet's runtime is containerd by default).

    Raises (from the puller, which the cluster turns into ``ErrImagePull``):
        LookupError: the node has no engine, or the registry has no such image.
    """
    from ..registry import pull  # the registry's client needs sockets: loaded on first use

    def puller(node: Node, image: str) -> int:
        if node.engine is None:
            raise LookupError(f"node {node.name} has no engine to pull {image} into (Node(engine=Engine()))")
        try:
            result = pull(node.engine, image, registry, store=store, quiet=True)
        except LookupError:
            raise
        except SimulatorError as exc:  # a registry error: the kubelet reports it as ErrImagePull
            raise LookupError(str(exc)) from None
        return sum(_blob_size(registry, digest) for digest in result.downloaded)

    return puller


def _blob_size(registry: object, digest: str) -> int:
    blob = getattr(registry, "blob", None)
    data = blob(digest) if callable(blob) else None
    return len(data) if data is not None else 0
