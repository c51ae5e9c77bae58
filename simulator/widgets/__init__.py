"""ipywidgets apps for the notebooks: thin over the engine, drawn through :mod:`simulator.viz`.

- :class:`BuildStepper`: a Dockerfile editor, a slider over the steps, the cache;
- :class:`ContainerPlayground`: containers of one image, a shell in each, copy-ups and whiteouts;
- :class:`LayerExplorer`: a dive-like file tree per layer or aggregated, with wasted space;
- :class:`SharingDashboard`: pull, build and run, the sharing DAG and ``docker system df``.

Every app has a ``widget`` attribute (display it, or display the app itself) and methods that
do what its buttons do.  Callbacks call the engine and update text at once; diagrams are
rendered on demand and debounced (:class:`DiagramPane`), synchronously outside an event loop.
:func:`show` displays any diagram in a notebook cell without ever raising.
"""

from __future__ import annotations

from ._render import DEFAULT_DELAY, DiagramPane, show
from .cluster import ClusterDashboard
from .dashboard import SharingDashboard
from .explorer import LayerExplorer
from .playground import ContainerPlayground
from .stepper import BuildStepper

__all__ = [
    "DEFAULT_DELAY",
    "BuildStepper",
    "ClusterDashboard",
    "ContainerPlayground",
    "DiagramPane",
    "LayerExplorer",
    "SharingDashboard",
    "show",
]
