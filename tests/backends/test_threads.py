"""Threads: the engine's lock (:mod:`simulator._locking`, applied to the engine, its collections and
its containers) makes 8 threads mixing builds, writes and removals see one operation after
another; every error is a documented one, never a RuntimeError.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from simulator import Engine
from simulator._locking import lock_of, new_lock, synchronize, synchronized
from simulator.errors import SimulatorError
from simulator.model import Entry, Image, Layer

BASE = Image.of([Layer.of({"/etc/": Entry.directory(), "/etc/hostname": Entry.file(b"box\n")})])


def _hammer(workers: list[Callable[[int], None]], rounds: int = 30) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def run(work: Callable[[int], None]) -> None:
        start.wait()
        for n in range(rounds):
            try:
                work(n)
            except SimulatorError:
                pass  # documented refusals (a Conflict, an image already gone ...) are fine
            except BaseException as e:  # a RuntimeError from a dict changed mid-iteration ...
                errors.append(e)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def test_eight_threads_mixing_builds_writes_and_removals() -> None:
    engine = Engine()
    engine.images.add(BASE, "base:1")
    shared = engine.containers.create("base:1", name="shared")
    assert lock_of(shared) is engine._lock  # type: ignore[attr-defined]

    def writer(k: int) -> Callable[[int], None]:
        def work(n: int) -> None:
            shared.write_file(f"/w{k}-{n}", b"x" * n)
            shared.diff()
            list(shared.upper.entries)

        return work

    def churn(n: int) -> None:  # create containers from an image another thread removes
        engine.images.add(BASE, "churn:1")
        c = engine.containers.create("churn:1")
        c.remove()
        engine.images.remove("churn:1", force=True)

    def build(n: int) -> None:
        engine.build(f"FROM base:1\nRUN echo {n} > /n\n", tag=f"built:{n % 3}")

    def lister(n: int) -> None:
        engine.containers.list(all=True)
        engine.images.list()
        engine.df()

    workers = [writer(0), writer(1), writer(2), churn, churn, build, lister, lister]
    assert _hammer(workers) == []
    names = [e for e in shared.upper.entries if e.startswith("/w")]
    assert len(names) == 3 * 30


def test_a_lock_is_reentrant_and_found_through_engine_and_owner() -> None:
    class Owner:
        def __init__(self) -> None:
            self._lock = new_lock()

    @synchronize
    class Thing:
        def __init__(self, owner: Owner) -> None:
            self.owner = owner
            self.seen: list[bool] = []

        def outer(self) -> None:
            self.inner()

        def inner(self) -> None:
            lock = lock_of(self)
            self.seen.append(lock is not None and lock._is_owned())

        @property
        def size(self) -> int:
            return len(self.seen)

    thing = Thing(Owner())
    thing.outer()
    assert thing.seen == [True] and thing.size == 1
    bare = Thing(None)  # type: ignore[arg-type]
    bare.outer()
    assert bare.seen == [False]  # no owner: no lock, the call still runs
    assert synchronized(Thing.outer) is Thing.outer  # wrapping twice does nothing
