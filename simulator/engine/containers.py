"""``engine.containers``: create, run, look up and prune containers, with Docker's names.

Two indexes keep creating and looking up linear in the number of containers: name -> container
(a free generated name is found without scanning) and image ID -> the containers using it (for
``docker rmi``'s conflict check and the CONTAINERS column of ``docker system df``).  Every writer
goes through :meth:`ContainerCollection._index` and :meth:`ContainerCollection._forget`.
"""

from __future__ import annotations

import builtins
import hashlib
import itertools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._locking import synchronize
from ..clock import rfc3339
from ..digest import Digest
from ..errors import Conflict, ContainerNotFound, InvalidContainerName
from ..limits import Limits
from ..model.container import Container, State
from ..model.image import Image
from ..runtime.resources import Resources
from ..runtime.restart import RestartPolicy
from ..runtime.workload import Workload, workload_for
from .df import ps_table
from .persist import operation, reads

# moby daemon/names/names.go: RestrictedNameChars and RestrictedNamePattern (anchored, one or
# more of the second class, so a name has at least two characters); the daemon checks the name
# with one leading "/" trimmed (daemon/names.go reserveName, daemon/rename.go).
_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+")


def _valid_name(name: object) -> str:
    """``name`` as stored (without a leading ``/``), or :class:`InvalidContainerName`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name.removeprefix("/")):
        raise InvalidContainerName(name)
    return name.removeprefix("/")


if TYPE_CHECKING:
    from . import Engine

__all__ = ["ContainerCollection"]

_ADJECTIVES = (
    "brave",
    "calm",
    "eager",
    "fond",
    "gentle",
    "happy",
    "jolly",
    "keen",
    "lucid",
    "merry",
    "nifty",
    "quirky",
    "serene",
    "tender",
    "vivid",
    "witty",
)
_NAMES = (
    "babbage",
    "curie",
    "dijkstra",
    "euler",
    "franklin",
    "goldberg",
    "hopper",
    "knuth",
    "lamarr",
    "lovelace",
    "noether",
    "ritchie",
    "shannon",
    "thompson",
    "turing",
    "wozniak",
)


@synchronize
class ContainerCollection:
    """``engine.containers``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._containers: dict[str, Container] = {}  # ID -> container, oldest first
        self._by_name: dict[str, Container] = {}
        self._by_image: dict[Digest, dict[str, Container]] = {}  # image ID -> {ID: container} (never empty)
        self._counter = itertools.count(1)

    # -- the indexes' only writers --------------------------------------------------------------
    def _index(self, container: Container) -> None:
        self._containers[container.id] = container
        self._by_name[container.name] = container
        self._by_image.setdefault(container.image.id, {})[container.id] = container

    def _forget(self, container: Container) -> None:
        """Drop ``container`` from every index (the container calls this when it is removed)."""
        persist = self._engine._persist
        if persist is not None and not persist.store.in_transaction:
            with persist.operation():  # a container removed from Python is one operation
                self._forget(container)
            return
        if self._unindex(container) and persist is not None:
            persist.container_removed(container.id)

    def _unindex(self, container: Container) -> bool:
        if self._containers.pop(container.id, None) is None:
            return False
        if self._by_name.get(container.name) is container:
            del self._by_name[container.name]
        users = self._by_image[container.image.id]
        del users[container.id]
        if not users:
            del self._by_image[container.image.id]
        return True

    # -- creation -------------------------------------------------------------------------------
    def _new_name(self, n: int) -> str:
        a = _ADJECTIVES[n % len(_ADJECTIVES)]
        b = _NAMES[(n // len(_ADJECTIVES)) % len(_NAMES)]
        suffix = n // (len(_ADJECTIVES) * len(_NAMES))
        return f"{a}_{b}" + (str(suffix) if suffix else "")

    @operation
    def create(
        self,
        image: str | Image,
        command: str | Iterable[str] | None = None,
        *,
        name: str | None = None,
        restart_policy: Any = None,
        **resources: Any,
    ) -> Container:
        """A new container (state ``created``) from ``image``; base images are pulled if missing.

        ``resources``: the Docker SDK's ``mem_limit``, ``memswap_limit``, ``mem_reservation``,
        ``nano_cpus`` (or ``cpus``), ``cpu_period``, ``cpu_quota``, ``cpu_shares``, ``pids_limit``;
        ``restart_policy``: ``{"Name": "on-failure", "MaximumRetryCount": 3}`` or ``"on-failure:3"``.

        Raises:
            InvalidResource: an option Docker refuses (nothing is created).
            InvalidContainerName: ``name`` is not ``[a-zA-Z0-9][a-zA-Z0-9_.-]+`` (Docker's rule).
        """
        if name is not None:
            name = _valid_name(name)
        limits = Resources.from_options(host_cpus=self._engine.host.cpus, **resources)
        policy = RestartPolicy.parse(restart_policy)
        img = self._engine.images.get_or_pull(image)
        n = next(self._counter)
        if name is None:
            name = self._new_name(n)
            while name in self._by_name:
                n = next(self._counter)
                name = self._new_name(n)
        elif name in self._by_name:
            raise Conflict(
                f'the container name "/{name}" is already in use; remove that container or choose another name'
            )
        if isinstance(command, str):
            argv: tuple[str, ...] | None = ("/bin/sh", "-c", command)
        elif command is None:
            argv = (*(img.config.entrypoint or ()), *(img.config.cmd or ())) or None
        elif isinstance(command, (list, tuple)) and all(isinstance(a, str) for a in command):
            argv = tuple(command)
        else:
            raise TypeError(
                f"command must be a string (run by /bin/sh -c) or a list of strings, not {command!r}"
            )
        cid = hashlib.sha256(f"layerlab-container-{n}-{name}".encode()).hexdigest()  # reproducible
        container = self._engine._new_container(
            img, id=cid, name=name, command=argv, created=rfc3339(self._engine.now()), on_remove=self._forget
        )
        container.resources = limits
        container.restart_policy = policy
        self._index(container)
        if self._engine._persist is not None:
            self._engine._persist.container_created(container, n)
        return container

    @operation
    def run(
        self,
        image: str | Image,
        command: str | Iterable[str] | None = None,
        *,
        name: str | None = None,
        remove: bool = False,
        limits: Limits | None = None,
        detach: bool = False,
        workload: Workload | None = None,
        restart_policy: Any = None,
        init: bool = False,
        stop_timeout: int | None = None,
        **resources: Any,
    ) -> Container:
        """Create and start a container, run ``command`` in its shell, and stop it.

        ``limits`` bounds what the command may use (default: ``engine.limits``). Returns the
        container (its ``output`` and ``exit_code`` attributes hold the result).

        A long-running main process (``sleep 1000``, ``stress --vm 1 ...``, or an explicit
        ``workload``), ``detach=True`` or a ``restart_policy`` start the container on
        ``engine.host`` instead: it runs as the host's clock advances (``engine.host.advance``),
        and ``stop``/``kill``/``wait``/``logs`` act on it.  ``resources`` are the Docker SDK's
        options (see :meth:`create`); ``init`` is ``--init``; ``stop_timeout`` is ``--stop-timeout``.
        """
        if workload is not None and not isinstance(workload, Workload):
            raise TypeError(f"workload must be a simulator.runtime.Workload, not {workload!r}")
        container = self.create(image, command, name=name, restart_policy=restart_policy, **resources)
        process = workload or workload_for(container.command)
        if process is None and not detach and container.restart_policy.name == "no":
            return self._engine.run_in(container, remove=remove, limits=limits)
        self._engine.start_on_host(container, process, init=init, stop_timeout=stop_timeout, limits=limits)
        if not detach:
            container.wait()
            if remove and container.status == "exited":
                container.remove()
        return container

    @operation
    def rename(self, ref: str | Container, name: str) -> Container:
        """``docker rename``: give the container ``ref`` (a name, ID or unique ID prefix) a new name.

        Raises:
            Conflict: another container has that name.
            InvalidContainerName: ``name`` is not ``[a-zA-Z0-9][a-zA-Z0-9_.-]+`` (Docker's rule).
        """
        container = self.get(ref) if isinstance(ref, str) else ref
        name = _valid_name(name)
        if container.name == name:
            return container
        if name in self._by_name:
            raise Conflict(
                f'the container name "/{name}" is already in use; remove that container or choose another name'
            )
        self._unindex(container)
        container.name = name
        self._index(container)
        if self._engine._persist is not None:
            self._engine._persist.save_container(container)
        return container

    # -- lookup ---------------------------------------------------------------------------------
    @reads
    def get(self, ref: str) -> Container:
        """A container by name, full ID or unique ID prefix."""
        found = self._by_name.get(ref)
        if found is None:
            found = self._containers.get(ref)
        if found is not None:
            return found
        matches = [c for c in self._containers.values() if len(ref) >= 4 and c.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(sorted(self._by_name)) or "none"
        raise ContainerNotFound(f"no container {ref!r}; known containers: {known}")

    @reads
    def list(self, all: bool = False) -> builtins.list[Container]:
        """Running containers (all of them with ``all=True``), newest first."""
        live = (State.RUNNING, State.PAUSED, State.RESTARTING)
        items = [c for c in self._containers.values() if all or c.state in live]
        return builtins.list(reversed(items))

    def users_of(self, image: Image) -> builtins.list[Container]:
        """The containers made from ``image``, oldest first."""
        return builtins.list(self._by_image.get(image.id, {}).values())

    @reads
    def __len__(self) -> int:
        return len(self._containers)

    # -- removal --------------------------------------------------------------------------------
    @operation
    def prune(self) -> dict[str, Any]:
        """Remove every stopped (created or exited) container."""
        deleted, reclaimed = [], 0
        for c in builtins.list(self._containers.values()):
            if c.state in (State.CREATED, State.EXITED):
                reclaimed += c.size_rw
                deleted.append(c.id)
                c.remove()
        return {"ContainersDeleted": deleted, "SpaceReclaimed": reclaimed}

    # -- text -----------------------------------------------------------------------------------
    @reads
    def table(self, all: bool = False, size: bool = False) -> str:
        """``docker ps [-a] [-s]``."""
        return ps_table(self._engine, all=all, size=size)
