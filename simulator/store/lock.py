"""The writers' lock: ``fcntl.flock`` on ``ROOT/lock``.

Every engine operation that changes the store holds the lock exclusively from its first read to
its commit, so two processes' operations are serialised and neither loses the other's update.
Readers take no lock: SQLite (WAL mode) shows them the last committed state.  The kernel drops
a ``flock`` when its process dies, so a killed writer never leaves the store locked.
"""

from __future__ import annotations

import fcntl
import os
import time

from ..errors import StoreError

__all__ = ["StoreLock"]


class StoreLock:
    """A re-entrant exclusive ``flock`` (per process) on one file."""

    def __init__(self, path: str, timeout: float = 60.0) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise StoreError(
                        f"{self.path}: another process has held the store's lock for {self.timeout:.0f} s; "
                        "is an operation stuck there?"
                    ) from None
                time.sleep(0.005)
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._depth > 0
