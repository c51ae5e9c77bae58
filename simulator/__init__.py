"""layerlab: a simulator of container images and containers, for teaching.

Images are stacks of immutable, content-addressed layers; a container is an image plus a
writable copy-on-write layer with overlayfs semantics.  Start with :class:`Engine`.
"""

from .builder.result import BuildResult, StageRecord, StepRecord
from .digest import EMPTY_TAR_DIFF_ID, Digest, chain_id, chain_ids, sha256_digest
from .engine import DiskUsage, Engine, LogicalClock
from .errors import (
    BackendUnavailable,
    BuildError,
    Conflict,
    ContainerNotFound,
    ContainerStateError,
    DockerfileError,
    ImageFormatError,
    ImageNotFound,
    InvalidPath,
    InvalidReference,
    LayerNotFound,
    NotFound,
    SimulatorError,
)
from .model import (
    Change,
    Container,
    CopyUp,
    Entry,
    HistoryEntry,
    Image,
    ImageConfig,
    Kind,
    Layer,
    Origin,
    OverlayOptions,
    State,
    UnionView,
)

__all__ = [
    "EMPTY_TAR_DIFF_ID",
    "BackendUnavailable",
    "BuildError",
    "BuildResult",
    "Change",
    "Conflict",
    "Container",
    "ContainerNotFound",
    "ContainerStateError",
    "CopyUp",
    "Digest",
    "DiskUsage",
    "DockerfileError",
    "Engine",
    "Entry",
    "HistoryEntry",
    "Image",
    "ImageConfig",
    "ImageFormatError",
    "ImageNotFound",
    "InvalidPath",
    "InvalidReference",
    "Kind",
    "Layer",
    "LayerNotFound",
    "LogicalClock",
    "NotFound",
    "Origin",
    "OverlayOptions",
    "SimulatorError",
    "StageRecord",
    "State",
    "StepRecord",
    "UnionView",
    "chain_id",
    "chain_ids",
    "sha256_digest",
]
__version__ = "0.1.0"

try:  # every model object displays itself in Jupyter (SVG, HTML table, text tree)
    from .viz import install_reprs as _install_reprs
except ImportError:  # the pure model without the graphviz package (the purity tests block it)
    pass
else:
    _install_reprs()
