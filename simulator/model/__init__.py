"""The pure model: entries, layers, images, the union view and containers (stdlib only, no I/O)."""

from .container import Change, Container, CopyUp, State
from .entries import ContentSource, Entry, Kind
from .image import HistoryEntry, Image, ImageConfig
from .layer import Layer
from .union import Origin, UnionView

__all__ = [
    "Change",
    "Container",
    "ContentSource",
    "CopyUp",
    "Entry",
    "HistoryEntry",
    "Image",
    "ImageConfig",
    "Kind",
    "Layer",
    "Origin",
    "State",
    "UnionView",
]
