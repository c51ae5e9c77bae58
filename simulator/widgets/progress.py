"""Progress bars in Jupyter, and the one line that opens an engine in a notebook.

The engine reports coarse progress of long work through a callable ``(done, total, what)``
(:class:`simulator.engine.images.ProgressReport`: a load reports per layer read and stored).
Front ends turn it into a bar: the ``layerlab`` command draws :class:`simulator.cli.progress.Progress`
on a terminal (nothing when standard error is not one), a notebook shows :class:`WidgetProgress`
(an ipywidgets ``IntProgress`` and a label).

:func:`lab_engine` is the notebook helper: ``engine = lab_engine("~/lesson-store")`` opens (or
creates) a store on disk, as ``Engine.open(path)``, and makes the engine's loads show a widget bar
when running in Jupyter; ``lab_engine()`` is an in-memory engine with the same bars.

Examples:
    >>> bar = WidgetProgress("Loading", display=False)
    >>> bar(2, 3, "stored web:1")
    >>> bar.bar.value, bar.bar.max, bar.text.value
    (2, 3, 'stored web:1')
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ..engine import Engine

__all__ = ["WidgetProgress", "in_notebook", "lab_engine", "notebook_progress"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython ``ZMQInteractiveShell``), not in a terminal IPython."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class WidgetProgress:
    """An ipywidgets bar for the engine's progress reports: ``bar(done, total, what)``.

    Attributes:
        bar: the ``IntProgress`` (``value``, ``max``, ``description`` = the label).
        text: a ``Label`` with what is being done.
        widget: both in a row (displayed at creation unless ``display=False``).
    """

    def __init__(self, label: str, *, display: bool = True) -> None:
        import ipywidgets

        self.bar = ipywidgets.IntProgress(value=0, min=0, max=1, description=label)
        self.text = ipywidgets.Label("")
        self.widget = ipywidgets.HBox([self.bar, self.text])
        if display:
            from IPython.display import display as show

            show(self.widget)

    def __call__(self, done: int, total: int, what: str) -> None:
        self.bar.max = max(total, 1)
        self.bar.value = min(max(done, 0), self.bar.max)
        self.text.value = what
        self.bar.bar_style = "success" if total and done >= total else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def notebook_progress(label: str = "") -> WidgetProgress | None:
    """A displayed :class:`WidgetProgress` in Jupyter; None elsewhere (no bar, no output)."""
    if not in_notebook():
        return None
    try:
        return WidgetProgress(label)
    except ImportError:  # ipywidgets missing: work without a bar
        return None


def lab_engine(path: str | os.PathLike[str] | None = None, **kwargs: Any) -> Engine:
    """The notebook helper: an engine whose long work shows ipywidgets bars in Jupyter.

    ``lab_engine("~/lesson-store")`` keeps everything on disk (``Engine.open``: a kernel restart
    finds the images and containers again); ``lab_engine()`` is in memory.  Other keyword
    arguments go to :class:`~simulator.engine.Engine`.
    """
    engine = (
        Engine(root=os.path.expanduser(os.fspath(path)), **kwargs) if path is not None else Engine(**kwargs)
    )
    engine.images.progress = notebook_progress
    return engine
