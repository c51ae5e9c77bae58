"""``engine.images``: the local image store, its tags, and builds, ``docker save`` and ``docker load``.

Three indexes keep every lookup and every ``docker images``/``docker system df`` row linear in
what it shows: tag -> image ID, image ID -> its tags, and image ID -> the images made from it
(the parent links ``docker history`` walks).  Every writer goes through :meth:`ImageCollection._set_tag`,
:meth:`ImageCollection._untag` or :meth:`ImageCollection._set_parent`, so the indexes agree with each
other after any sequence of add/tag/remove/prune (``tests/engine`` checks it against full scans).
"""

from __future__ import annotations

import atexit
import builtins
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, Unpack

from .._locking import synchronize
from ..builder.builder import BuildOptions
from ..builder.host import ContextSource
from ..builder.result import BuildResult
from ..clock import parse_time
from ..digest import Digest, short_id
from ..errors import Conflict, ImageNotFound
from ..model.image import Image
from ..oci import ImportLimits, LayoutImage, read_layout, write_layout
from ..reference import familiar_name, parse_reference
from ..store.skopeo import copy_to_layout, local_name, transport_of
from ..text import ellipsis, human_duration, human_size, table, truncate_id
from .df import images_table
from .persist import operation, reads
from .pull_lines import default_tag_line, library_pull_lines, pulled_name

if TYPE_CHECKING:
    from ..registry import PushResult, Registry
    from . import Engine

__all__ = ["ImageCollection", "ProgressReport", "load_images", "save_image"]


class ProgressReport(Protocol):
    """How the engine reports coarse progress of long work (a load: per layer read and stored).

    Called with the units done so far, the total (which may grow once known) and what is being
    done.  Front ends turn it into a bar: :class:`simulator.cli.progress.Progress` on a
    terminal, :class:`simulator.widgets.progress.WidgetProgress` in Jupyter; None shows nothing.
    """

    def __call__(self, done: int, total: int, what: str) -> None: ...


@synchronize
class ImageCollection:
    """``engine.images``: the local image store with its tags."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._by_id: dict[Digest, Image] = {}
        self._tags: dict[str, Digest] = {}  # "name:tag" -> image ID
        self._tags_by_image: dict[Digest, set[str]] = {}  # image ID -> its "name:tag"s (never empty)
        self._parents: dict[Digest, Digest] = {}  # image ID -> the image it was committed on
        self._children: dict[Digest, set[Digest]] = {}  # image ID -> images whose parent it is (never empty)
        # image ID -> repositories it was pulled from: the graphdriver store's reference store keeps
        # "repo@digest" for pulled images only (kept in memory: not in the SQLite store)
        self._pulled: dict[Digest, set[str]] = {}
        # image ID -> the manifest digest its last pull printed after "Digest:" (BuildKit names a
        # FROM vertex with it: FROM docker.io/library/python:3.12@sha256:...)
        self._digests: dict[Digest, str] = {}
        # a front end's bar for long work (load): label -> a ProgressReport, or None for no bar
        # (simulator.widgets.progress.lab_engine sets the Jupyter one)
        self.progress: Callable[[str], ProgressReport | None] | None = None

    def _progress(self, progress: ProgressReport | None, label: str) -> ProgressReport | None:
        """The reports of one long operation: the caller's, else the front end's bar, else None."""
        if progress is None and self.progress is not None:
            return self.progress(label)
        return progress

    # -- the indexes' only writers --------------------------------------------------------------
    def _set_tag(self, full: str, image_id: Digest) -> None:
        if full in self._tags:
            self._untag(full)
        self._tags[full] = image_id
        self._tags_by_image.setdefault(image_id, set()).add(full)
        if self._engine._persist is not None and self._engine._persist.store.in_transaction:
            self._engine._persist.tagged(full, image_id)

    def _untag(self, full: str) -> None:
        image_id = self._tags.pop(full)
        if self._engine._persist is not None:
            self._engine._persist.untagged(full)
        tags = self._tags_by_image[image_id]
        tags.discard(full)
        if not tags:
            del self._tags_by_image[image_id]

    def _set_parent(self, child: Digest, parent: Digest | None) -> None:
        old = self._parents.pop(child, None)
        if old is not None:
            siblings = self._children[old]
            siblings.discard(child)
            if not siblings:
                del self._children[old]
        if parent is not None:
            self._parents[child] = parent
            self._children.setdefault(parent, set()).add(child)
        if self._engine._persist is not None and self._engine._persist.store.in_transaction:
            self._engine._persist.parent_set(child, parent)

    # -- registration -------------------------------------------------------------------------
    @operation
    def add(self, image: Image, tag: str | None = None, *, parent: Image | None = None) -> Image:
        """Store ``image`` (once per ID) and optionally tag it; returns the stored image."""
        stored = self._by_id.get(image.id)
        if stored is None:
            stored = self._engine.layers.intern(image)
            self._by_id[stored.id] = stored
            if self._engine._persist is not None:
                self._engine._persist.image_added(stored)
        if parent is not None and parent.id in self._by_id:
            self._set_parent(stored.id, parent.id)
        if tag:
            self.tag(stored, tag)
        return stored

    def _full_tag(self, ref: str) -> str:
        """``name:tag`` as the store keys it: Docker Hub's familiar name
        (``docker.io/library/python:3.12`` is ``python:3.12``), the default tag ``latest``."""
        name, tag = parse_reference(familiar_name(ref))
        return f"{name}:{tag}"

    @operation
    def tag(self, image: Image | str, repository: str, tag: str | None = None) -> bool:
        """Give ``image`` the name ``repository:tag`` (moving the name if another image had it)."""
        target = self.get(image) if isinstance(image, str) else image
        if target.id not in self._by_id:
            target = self.add(target)
        full = self._full_tag(repository if tag is None else f"{repository}:{tag}")
        self._set_tag(full, target.id)
        return True

    # -- lookup -------------------------------------------------------------------------------
    def _lookup(self, ref: str | Image) -> Image | None:
        if isinstance(ref, Image):
            return self._by_id.get(ref.id)
        full = self._full_tag(ref)
        if full in self._tags:
            return self._by_id[self._tags[full]]
        hexpart = ref.split(":", 1)[1] if ref.startswith("sha256:") else ref
        if len(hexpart) >= 4 and all(c in "0123456789abcdef" for c in hexpart):
            matches = [digest for digest in self._by_id if digest.split(":", 1)[1].startswith(hexpart)]
            if len(matches) == 1:
                return self._by_id[matches[0]]
            if not matches and self._engine.image_store == "containerd":
                # the containerd store's IMAGE ID is the manifest digest (moby daemon/containerd:
                # an ID or a prefix of it is matched against the image's target digest)
                from .df import image_id

                shown = [i for i in self._by_id.values() if image_id(i, "containerd")[7:].startswith(hexpart)]
                if len(shown) == 1:
                    return shown[0]
        return None

    @reads
    def get(self, ref: str | Image) -> Image:
        """An image by ``name[:tag]``, full ID or unique ID prefix.

        Raises:
            ImageNotFound: naming the known images and, for base images, how to pull them.
        """
        found = self._lookup(ref)
        if found is not None:
            return found
        known = ", ".join(sorted(self._tags)) or "none"
        hint = ""
        if isinstance(ref, str) and self._engine.library_has(ref):
            hint = f"; pull it first: engine.images.pull({ref!r})"
        raise ImageNotFound(f"no image {ref!r}; known images: {known}{hint}")

    @operation
    def pull(
        self,
        ref: str,
        registry: Registry | str | None = None,
        *,
        store: str | None = None,
        platform: str = "linux/amd64",
        quiet: bool = False,
        progress: ProgressReport | None = None,
    ) -> Image:
        """``docker pull``: from the built-in library, or else from a registry (no network).

        Without ``registry``, the built-in library is asked first, under any spelling of the name
        (``python:3.12``, ``docker.io/library/python:3.12``, ``index.docker.io/library/python:3.12``,
        ``mcr.microsoft.com/dotnet/sdk:8.0``, ``gcr.io/distroless/static-debian12``): it stands
        for Docker Hub and the registries its images come from.  A registry is used when one is
        given (an in-memory :class:`~simulator.registry.Registry` or ``"host:port"``) or when
        ``ref`` names one the library does not have (``localhost:5000/app:1``); only missing
        blobs are fetched.  Either way Docker's lines are printed unless ``quiet``::

            3.12: Pulling from library/python
            6f2f0108c0ba: Already exists
            b9951a43c1b0: Pulling fs layer
            ...
            Digest: sha256:...
            Status: Downloaded newer image for python:3.12
            docker.io/library/python:3.12

        with "Already exists" decided as ``store`` does (``"overlay2"``: by ChainID prefix,
        ``"containerd"``: by blob; default: the engine's ``image_store``).  The image is tagged
        with its familiar name (``python:3.12``).  ``progress`` is called with (done, total,
        what) per blob fetched from a registry (the config, then each layer), once for the library.
        """
        if registry is None:
            library_ref = self._library_ref(ref)
            if library_ref is not None or not _names_a_registry(ref):
                return self._pull_library(ref, library_ref, quiet=quiet, progress=progress)
        from ..registry import pull  # the registry's client needs sockets: loaded on first use

        store = self._engine.image_store if store is None else store
        result = pull(
            self._engine,
            ref,
            registry,
            store=store,
            platform=platform,
            quiet=True,
            progress=self._progress(progress, "Pulling"),
        )
        if not quiet:
            print("\n".join(default_tag_line(ref) + list(result.lines) + [pulled_name(ref, registry)]))
        self._pulled_from(result.image, ref)
        self._digests[result.image.id] = str(result.digest)
        return result.image

    def _library_ref(self, ref: str) -> str | None:
        """The library's name for ``ref`` if the built-in library has it, whatever the spelling
        (``docker.io/library/python:3.12``, ``index.docker.io/...``, ``mcr.microsoft.com/dotnet/sdk:8.0``,
        ``gcr.io/distroless/static-debian12``): the one lookup a pull and a build's ``FROM``
        (through :meth:`get_or_pull`) share, before any registry is asked."""
        if "@" in ref:
            return None  # a digest names one exact image: the library cannot have it
        return self._full_tag(ref) if self._engine.library_has(familiar_name(ref)) else None

    def _pull_library(
        self, ref: str, library_ref: str | None, *, quiet: bool, progress: ProgressReport | None
    ) -> Image:
        """``docker pull`` from the built-in library, Docker Hub's (or that registry's) stand-in:
        its lines as the real client prints them (checked against docker 20.10 pulling from a
        local docker-registry), "Already exists" by the engine's store rule."""
        if library_ref is None:  # not in the library: a name only this store has
            existing = self._lookup(ref)
            if existing is None:
                self._engine.library_image(ref)  # raises ImageNotFound with the library's names
                raise ImageNotFound(f"no image {ref!r}")  # pragma: no cover - library_image raised
            self._pulled_from(existing, ref)
            return existing
        image = self._engine.library_image(library_ref)
        previous = self._lookup(library_ref)
        up_to_date = previous is not None and previous.id == image.id
        report = self._progress(progress, "Pulling") or _no_progress
        lines: builtins.list[str] = []
        if not quiet:
            lines, digest = library_pull_lines(
                ref, image, up_to_date, self._by_id.values(), self._engine.image_store
            )
            self._digests[image.id] = digest
        report(0, 1, f"{library_ref}: pulling from the built-in library")
        stored = self.add(image, library_ref)
        self._pulled_from(stored, ref)
        report(1, 1, lines[-2] if lines else f"Status: pulled {library_ref}")
        if lines:
            print("\n".join(lines))
        return stored

    def resolved_digest(self, ref: str) -> str | None:
        """The manifest digest the last pull of ``ref``'s image printed (``Digest:``), if it was
        pulled under that repository: what BuildKit's resolver gives a ``FROM`` to name its vertex
        ``FROM docker.io/library/python:3.12@sha256:...``.  None for an image only built, tagged
        or imported here (Docker 20.10's BuildKit prints no digest for any local image)."""
        image = self._lookup(ref)
        if image is None or _repository(self._full_tag(ref)) not in self._pulled.get(image.id, ()):
            return None
        return self._digests.get(image.id)

    def _pulled_from(self, image: Image, ref: str) -> None:
        repo = _repository(self._full_tag(ref))
        self._pulled.setdefault(image.id, set()).add(repo)

    def repo_digests(self, image: Image, store: str | None = None) -> builtins.list[str]:
        """``RepoDigests`` of ``docker image inspect`` (and ``docker images --digests``), as
        ``store`` keeps them (default: the engine's ``image_store``):

        - ``"containerd"``: ``repo@<manifest digest>`` for every repository that tags the image
          (moby daemon/containerd/image_inspect.go ``collectRepoTagsAndDigests``: each tag's name
          with the image's target digest), built images included, none for a dangling image;
        - ``"overlay2"``: ``repo@<manifest digest>`` for the repositories it was pulled from only
          (the graphdriver's reference store records the digest at pull); a built image has none.

        The digest is the manifest's, the one ``docker pull`` prints after "Digest:" (the
        simulator's images are single-platform: no index)."""
        from .df import image_id

        store = self._engine.image_store if store is None else store
        if store == "containerd":
            repos = {_repository(t) for t in self.tags_of(image)}
        else:
            repos = set(self._pulled.get(image.id, ()))
        digest = image_id(image, "containerd")
        return [f"{repo}@{digest}" for repo in sorted(repos)]

    def push(
        self,
        ref: str,
        registry: Registry | str | None = None,
        *,
        quiet: bool = False,
        progress: ProgressReport | None = None,
    ) -> PushResult:
        """``docker push``: upload the image's missing blobs and its manifest; Docker's lines are printed
        (unless ``quiet``) and kept in the result.  ``progress`` is called with (done, total, what)
        per blob (each layer, then the config)."""
        from ..registry import push

        return push(self._engine, ref, registry, quiet=quiet, progress=self._progress(progress, "Pushing"))

    @operation
    def get_or_pull(self, ref: str | Image) -> Image:
        if isinstance(ref, Image):
            return self.add(ref)
        found = self._lookup(ref)
        return found if found is not None else self.pull(ref, quiet=True)

    def tags_of(self, image: Image) -> builtins.list[str]:
        """The ``name:tag``s of ``image``, sorted (empty for a dangling image)."""
        return sorted(self._tags_by_image.get(image.id, ()))

    def parent_of(self, image: Image) -> Image | None:
        parent = self._parents.get(image.id)
        return self._by_id.get(parent) if parent else None

    @reads
    def list(self, all: bool = False) -> builtins.list[Image]:
        """Images newest first (``docker images``); dangling ones only with ``all=True``."""
        images = [img for img in self._by_id.values() if all or img.id in self._tags_by_image]
        return sorted(images, key=lambda i: (i.created, i.id), reverse=True)

    @reads
    def __len__(self) -> int:
        return len(self._by_id)

    @reads
    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, (str, Image)) and self._lookup(ref) is not None

    # -- removal ------------------------------------------------------------------------------
    @operation
    def remove(self, ref: str | Image, force: bool = False) -> builtins.list[str]:
        """``docker rmi``: untag, and delete the image when no tag and no container is left.

        Raises:
            Conflict: a container uses the image (unless ``force``, which only untags), or an ID
                names an image with several tags (unless ``force``).
        """
        image = self.get(ref)
        users = self._engine.containers.users_of(image)
        tags = self.tags_of(image)
        full = self._full_tag(ref) if isinstance(ref, str) else None
        by_tag = full is not None and full in self._tags
        events: builtins.list[str] = []
        if full is not None and by_tag and len(tags) > 1:
            self._untag(full)
            return [f"Untagged: {full}"]
        if users and not force:
            who = users[0]
            what = f'repository reference "{ref}"' if by_tag else f"image {short_id(image.id)}"
            raise Conflict(
                f"conflict: unable to remove {what} (must force) - container {who.id[:12]} "
                f"({who.name}) is using its referenced image {short_id(image.id)}"
            )
        if not by_tag and len(tags) > 1 and not force:
            raise Conflict(
                f"conflict: unable to delete {short_id(image.id)} (must be forced) - "
                "image is referenced in multiple repositories"
            )
        for t in tags:
            self._untag(t)
            events.append(f"Untagged: {t}")
        if users:
            return events  # forced: the image stays, dangling, for its containers
        if image.id in self._children:
            return events  # a child image still needs it as its parent
        del self._by_id[image.id]
        self._pulled.pop(image.id, None)
        self._digests.pop(image.id, None)
        self._set_parent(image.id, None)
        self._engine.layers.release(image)
        if self._engine._persist is not None:
            self._engine._persist.image_removed(image)
        events.append(f"Deleted: {image.id}")
        return events

    @operation
    def prune(self) -> dict[str, Any]:
        """Remove dangling images no container uses; returns what was deleted and reclaimed."""
        before = self._engine.df().layers_size
        deleted: builtins.list[str] = []
        changed = True
        while changed:
            changed = False
            tagged = set(self._tags_by_image)
            for image in builtins.list(self._by_id.values()):
                if image.id in tagged or self._engine.containers.users_of(image):
                    continue
                if image.id in self._children:
                    continue
                deleted.extend(self.remove(image))
                changed = True
        return {"ImagesDeleted": deleted, "SpaceReclaimed": before - self._engine.df().layers_size}

    # -- text ---------------------------------------------------------------------------------
    @reads
    def history(self, ref: str | Image, *, no_trunc: bool = False) -> str:
        """``docker history``: newest first; IDs walk the parent chain, else ``<missing>``."""
        image = self.get(ref)
        rows = []
        ids: builtins.list[str] = []
        current: Image | None = image
        while current is not None:
            ids.append(current.id)
            current = self.parent_of(current)
        now = self._engine.clock_peek()
        pairs = builtins.list(reversed(image.layer_history()))
        for i, (entry, layer) in enumerate(pairs):
            ident = truncate_id(ids[i], no_trunc) if i < len(ids) else "<missing>"
            created = parse_time(entry.created)
            since = (
                "N/A" if created.year <= 2000 else human_duration((now - created).total_seconds()) + " ago"
            )
            created_by = entry.created_by.replace("\t", " ")
            if not no_trunc:
                created_by = ellipsis(created_by, 45)
            size = human_size(layer.size) if layer is not None else "0B"
            rows.append([ident, since, created_by, size, entry.comment])
        return table(["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"], rows)

    @reads
    def table(self) -> str:
        """``docker images``."""
        return images_table(self._engine)

    # -- builds, save and load ----------------------------------------------------------------
    def build(
        self, dockerfile: str | None = None, context: ContextSource = None, **options: Unpack[BuildOptions]
    ) -> BuildResult:
        """``docker build``: the same as :meth:`Engine.build <simulator.engine.Engine.build>`."""
        return self._engine.build(dockerfile, context, **options)

    def save(
        self,
        ref: str | Image,
        path: str | os.PathLike[str],
        format: str = "oci",
        tar: bool | None = None,
        *,
        progress: ProgressReport | None = None,
    ) -> str:
        """``docker save``: write the image as an OCI layout (``format="oci"``) or docker-save archive.

        A tag (``web:1``) is saved with that name, an image ID or :class:`Image` without one (as
        ``docker save <id>`` does).  See :func:`simulator.oci.write_layout` for ``format`` and ``tar``;
        ``progress`` is called with (done, total, what) per layer written.
        """
        progress = self._progress(progress, "Saving")
        image = self.get(ref)
        tags: builtins.list[str] = []
        if isinstance(ref, str):
            full = self._full_tag(ref)
            if full in self._tags_by_image.get(image.id, ()):
                tags = [full]
        return write_layout(image, path, tags, format=format, tar=tar, progress=progress)

    def load(
        self,
        path: str | os.PathLike[str],
        *,
        limits: ImportLimits | None = None,
        progress: ProgressReport | None = None,
    ) -> builtins.list[Image]:
        """``docker load``: read an OCI layout (directory or tar) or a docker-save archive.

        ``path`` may also name an image in another store on this machine, in skopeo's transport
        syntax: ``containers-storage:NAME[:TAG]`` (podman's and buildah's store) or
        ``docker-daemon:NAME:TAG`` (a running dockerd); it is copied with ``skopeo copy`` (see
        :mod:`simulator.store.skopeo`) and tagged ``NAME:TAG`` here.

        Every image at ``path`` is read and checked first; nothing is registered unless all were
        (one store operation).  ``limits`` bounds what a hostile file may cost
        (:class:`~simulator.oci.ImportLimits`).  ``progress`` is called with (done, total, what)
        as the work goes: per layer read and per layer stored.
        """
        report = self._progress(progress, "Loading") or _no_progress
        transport = transport_of(path)
        if transport is not None:
            # the loaded image reads its files from the layout (as after any load): the copy stays
            # until the process exits (a store has copied the blobs; a new process reads those)
            tmp = tempfile.mkdtemp(prefix="layerlab-skopeo-")
            try:
                report(0, 1, f"skopeo copy {path}")
                copy_to_layout(os.fspath(path), os.path.join(tmp, "layout"))
                found = read_layout(os.path.join(tmp, "layout"), limits=limits)
                name = local_name(os.fspath(path))
                loaded = self._register(
                    [item._replace(tags=[name] if name else []) for item in found], report
                )
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            atexit.register(shutil.rmtree, tmp, ignore_errors=True)
            return loaded
        else:
            report(0, 1, f"reading {os.fspath(path)}")
            found = read_layout(path, limits=limits)
        return self._register(found, report)

    @operation
    def _register(self, found: builtins.list[LayoutImage], report: ProgressReport) -> builtins.list[Image]:
        total = sum(len(item.image.layers) for item in found) or 1
        done = 0
        loaded = []
        for item in found:
            stored = self.add(item.image)
            for tag in item.tags:
                self.tag(stored, tag)
            loaded.append(stored)
            done += len(item.image.layers)
            report(done, total, f"stored {(item.tags or [stored.id[:19]])[0]}")
        report(total, total, "loaded")
        return loaded


def save_image(
    engine: Engine,
    ref: str | Image,
    path: str | os.PathLike[str],
    format: str = "oci",
    tar: bool | None = None,
    *,
    progress: ProgressReport | None = None,
) -> str:
    """``docker save`` as a function: :meth:`ImageCollection.save` of ``engine``'s images."""
    return engine.images.save(ref, path, format=format, tar=tar, progress=progress)


def load_images(
    engine: Engine,
    path: str | os.PathLike[str],
    *,
    limits: ImportLimits | None = None,
    progress: ProgressReport | None = None,
) -> builtins.list[Image]:
    """``docker load`` as a function: :meth:`ImageCollection.load` into ``engine``'s images."""
    return engine.images.load(path, limits=limits, progress=progress)


def _no_progress(done: int, total: int, what: str) -> None:
    pass


def _names_a_registry(ref: str) -> bool:
    """Docker's rule: the first path component is a registry host when it has a ``.`` or a ``:``
    or is ``localhost`` (``docker.io`` is Docker Hub, which here is the built-in library)."""
    first, slash, _ = ref.partition("/")
    if not slash or first in ("docker.io", "index.docker.io"):
        return False
    return "." in first or ":" in first or first == "localhost"


def _repository(full: str) -> str:
    """The repository of a ``name:tag`` (``localhost:5000/app:1`` -> ``localhost:5000/app``)."""
    name, colon, tag = full.rpartition(":")
    return name if colon and "/" not in tag else full
