"""A child process for the crash and concurrency tests: run operations on a store, log each one done.

``python -m store._scenario crash ROOT LAYOUT DONE``: load, build, create, write, commit, rmi (in
that order), appending each operation's name to DONE (fsync-ed) when it returned.
``python -m store._scenario worker ROOT NAME N``: N rounds of build + run + commit, tagged NAME-<i>.
Crash points come from ``LAYERLAB_STORE_CRASH`` (simulator/store/_crash.py).
"""

from __future__ import annotations

import os
import sys

from simulator import Engine

BUILD = "FROM alpine:3.20\nRUN echo built > /built.txt\n"


def _done(path: str, name: str) -> None:
    with open(path, "a") as f:
        f.write(name + "\n")
        f.flush()
        os.fsync(f.fileno())


def crash(root: str, layout: str, done: str) -> None:
    engine = Engine.open(root)
    engine.images.load(layout)
    _done(done, "load")
    engine.build(BUILD, tag="built:1")
    _done(done, "build")
    c = engine.containers.create("built:1", name="work")
    _done(done, "create")
    c.write_file("/data.txt", b"written from python\n")
    _done(done, "write")
    c.commit(repository="committed", tag="1")
    _done(done, "commit")
    engine.images.remove("loaded:1")
    _done(done, "rmi")


def worker(root: str, name: str, rounds: int) -> None:
    engine = Engine.open(root)
    for i in range(rounds):
        engine.build(BUILD + f"RUN echo {name}-{i} > /who\n", tag=f"{name}-{i}:1")
        c = engine.containers.run(f"{name}-{i}:1", "cat /who", name=f"{name}-run-{i}")
        assert c.output == f"{name}-{i}\n".encode(), c.output
        c.write_file("/note", name.encode())
        c.commit(repository=f"{name}-commit-{i}", tag="1")


if __name__ == "__main__":
    if sys.argv[1] == "crash":
        crash(*sys.argv[2:5])
    else:
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
