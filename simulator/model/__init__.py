"""The pure model: entries, layers, images, the union view and containers (stdlib only, no I/O)."""

from .container import Change, Container, ContainerOwner, CopyUp, State
from .cow import CopyOnWrite
from .entries import ContentSource, Entry, Kind
from .fs import ContainerFS, FileSystem
from .image import HistoryEntry, Image, ImageConfig
from .layer import Layer
from .overlay_options import OverlayOptions
from .union import Origin, UnionView

__all__ = [
    "Change",
    "Container",
    "ContainerFS",
    "ContainerOwner",
    "ContentSource",
    "CopyOnWrite",
    "CopyUp",
    "Entry",
    "FileSystem",
    "HistoryEntry",
    "Image",
    "ImageConfig",
    "Kind",
    "Layer",
    "Origin",
    "OverlayOptions",
    "State",
    "UnionView",
]
