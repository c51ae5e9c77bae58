"""Thread safety for the engine: one re-entrant lock per engine, taken by every public operation.

The design (what the engine package applies; see docs/robustness.md):

* an :class:`~simulator.engine.Engine` owns ``self._lock = new_lock()`` (a re-entrant lock,
  because public operations call each other: ``containers.run`` -> ``create`` -> ``images.get``);
* every object whose state belongs to that engine finds the lock through :func:`lock_of`: its
  own ``_lock``, else its ``_engine``'s (the image and container collections, the layer store),
  else its ``owner``'s (a container made by the engine: ``Container.owner``);
* the classes are decorated with :func:`synchronize`, which wraps each public method, the
  container protocol's dunders and each property getter so the call runs holding that lock.
  An object with no lock (a bare ``Container(image)`` in a notebook) runs unlocked, as today.

So operations from several threads are serialised, never interleaved: 8 threads writing one
container, or removing an image while others create containers from it, see one operation
after another (each one's errors are the documented ones).  A method that returns an iterator
must return a snapshot (``iter(list(...))``), since the lock is not held while the caller
iterates.  Long operations (a build) hold the lock throughout: simple and honest, not parallel.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["lock_of", "new_lock", "synchronize", "synchronized", "synchronized_members"]

T = TypeVar("T")
_RLOCK = type(threading.RLock())
_DUNDERS = ("__len__", "__contains__", "__iter__", "__getitem__", "__enter__", "__exit__")


def new_lock() -> threading.RLock:
    """The lock an engine owns (re-entrant)."""
    return threading.RLock()


def lock_of(obj: object) -> Any:
    """The re-entrant lock guarding ``obj``: its own, its engine's or its owner's (or None)."""
    for holder in (obj, getattr(obj, "_engine", None), getattr(obj, "owner", None)):
        lock = getattr(holder, "_lock", None)
        if isinstance(lock, _RLOCK):
            return lock
    return None


def synchronized(method: Callable[..., T]) -> Callable[..., T]:
    """Run ``method`` holding ``lock_of(self)`` (unlocked when there is none)."""
    if getattr(method, "__synchronized__", False):
        return method

    @functools.wraps(method)
    def locked(self: object, *args: Any, **kwargs: Any) -> T:
        lock = lock_of(self)
        if lock is None:
            return method(self, *args, **kwargs)
        with lock:
            return method(self, *args, **kwargs)

    locked.__synchronized__ = True  # type: ignore[attr-defined]
    return locked


def synchronized_members(cls: type) -> dict[str, Any]:
    """The wrapped replacement of each public method, dunder and property of ``cls`` (and bases)."""
    out: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[:-1]):  # bases first, the class's own definitions win
        for name, value in vars(klass).items():
            public = not name.startswith("_") or name in _DUNDERS
            if not public:
                continue
            if isinstance(value, property) and value.fget is not None:
                out[name] = property(synchronized(value.fget), value.fset, value.fdel, value.__doc__)
            elif isinstance(value, (staticmethod, classmethod)):
                out.pop(name, None)
            elif callable(value) and not isinstance(value, type):
                out[name] = synchronized(value)
            else:
                out.pop(name, None)
    return out


def synchronize(cls: type[T]) -> type[T]:
    """Class decorator: every public operation of ``cls`` holds ``lock_of(self)``."""
    for name, value in synchronized_members(cls).items():
        setattr(cls, name, value)
    return cls
