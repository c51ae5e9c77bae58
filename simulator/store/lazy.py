"""A dict whose values may be :class:`Thunk` s, made into their value on first access.

A store opened with 1,000 images and 10,000 containers registers each as a thunk (a row read,
nothing built); the image or container object is built when it is first looked at.  Several
dicts (the container collection's id, name and image indexes) may hold one thunk: it builds its
value once and every dict then holds the same object.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, ValuesView
from typing import Any, Generic, TypeVar

__all__ = ["LazyDict", "Thunk"]

K = TypeVar("K")
V = TypeVar("V")


class Thunk:
    """A value to build on demand (once)."""

    __slots__ = ("_build", "_value", "key", "row")

    def __init__(self, build: Callable[[Thunk], Any], key: Any = None, row: Any = None) -> None:
        self._build: Callable[[Thunk], Any] | None = build
        self._value: Any = None
        self.key = key
        self.row = row

    def force(self) -> Any:
        if self._build is not None:
            build, self._build = self._build, None
            try:
                self._value = build(self)
            except BaseException:
                self._build = build
                raise
        return self._value


class LazyDict(dict[K, V], Generic[K, V]):
    """A ``dict`` that forces :class:`Thunk` values when they are read."""

    def _force(self, key: K, value: Any) -> V:
        if isinstance(value, Thunk):
            value = value.force()
            dict.__setitem__(self, key, value)
        return value

    def __getitem__(self, key: K) -> V:
        return self._force(key, dict.__getitem__(self, key))

    def get(self, key: K, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return default

    def setdefault(self, key: K, default: Any = None) -> Any:
        if key in self:
            return self[key]
        dict.__setitem__(self, key, default)
        return default

    def pop(self, key: K, *default: Any) -> Any:
        if key not in self and default:
            return default[0]
        value = dict.pop(self, key)
        return value.force() if isinstance(value, Thunk) else value

    def values(self) -> ValuesView[V]:  # type: ignore[override]
        return {k: self[k] for k in dict.keys(self)}.values()

    def items(self) -> ItemsView[K, V]:  # type: ignore[override]
        return {k: self[k] for k in dict.keys(self)}.items()

    def raw(self, key: K) -> Any:
        """The stored value, a thunk not forced."""
        return dict.__getitem__(self, key)

    def is_loaded(self, key: K) -> bool:
        return not isinstance(dict.__getitem__(self, key), Thunk)

    def __iter__(self) -> Iterator[K]:
        return dict.__iter__(self)
