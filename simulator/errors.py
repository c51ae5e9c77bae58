"""The exception tree of layerlab.

File operations inside a container raise the builtin ``OSError`` subclasses with a real
``errno`` (``FileNotFoundError``, ``IsADirectoryError``, ``OSError(errno.EXDEV, ...)`` ...), so the
in-memory model and the real overlayfs backend are interchangeable.  Everything else raises a
subclass of :class:`SimulatorError`, which also inherits the builtin whose contract it honours::

    SimulatorError (Exception)
    ├── InvalidPath (ValueError)            a path that is not absolute, has a NUL byte, ...
    ├── InvalidArgument (ValueError)        a chmod mode beyond 0o7777, open flags not modelled
    ├── InvalidReference (ValueError)       an image name that is not ``name[:tag]``
    ├── InvalidContainerName (ValueError)   a container name Docker refuses
    ├── NotFound (LookupError)
    │   ├── ImageNotFound
    │   ├── ContainerNotFound
    │   └── LayerNotFound
    ├── Conflict (RuntimeError)             removing an image a container uses, a name taken twice
    ├── ContainerStateError (RuntimeError)  an operation the container's state forbids
    ├── InvalidResource (ValueError)        a resource option Docker would refuse (names the field)
    ├── WaitTimeout (TimeoutError)          ``container.wait(timeout=...)`` ran out of time
    ├── DockerfileError (ValueError)        parse errors: file, line, column, caret, hint
    ├── BuildError (RuntimeError)           a step failed: the Dockerfile line and the reason
    ├── ImageFormatError (ValueError)       bad OCI / docker-save input
    ├── NotCanonicalJSON (ValueError)       a value canonical_json cannot write (lone surrogate ...)
    ├── BackendUnavailable (RuntimeError)   the real overlayfs backend cannot run here, and why
    └── StoreError (OSError)                a store on disk that cannot be used, and why
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "BuildError",
    "Conflict",
    "ContainerNotFound",
    "ContainerStateError",
    "DockerfileError",
    "FileTooLarge",
    "ImageFormatError",
    "ImageNotFound",
    "InvalidArgument",
    "InvalidContainerName",
    "InvalidPath",
    "InvalidReference",
    "InvalidResource",
    "LayerNotFound",
    "NotCanonicalJSON",
    "NotFound",
    "PlatformNotFound",
    "RegistryError",
    "RegistryUnreachable",
    "SimulatorError",
    "StoreError",
    "WaitTimeout",
]


class SimulatorError(Exception):
    """Root of every error layerlab raises on purpose (file-system errors are ``OSError``)."""


class InvalidPath(SimulatorError, ValueError):
    """A path argument is malformed: not absolute, contains NUL, not a string ..."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"invalid path {path!r}: {reason}")


class InvalidArgument(SimulatorError, ValueError):
    """An argument of a file-system call that the call does not take: a mode outside
    ``0..0o7777`` for ``chmod``, an ``open`` mode string or flags the simulator does not model."""


class InvalidReference(SimulatorError, ValueError):
    """An image reference is not a non-empty ``name[:tag]`` string."""

    def __init__(self, ref: object, reason: str = "") -> None:
        self.ref = ref
        self.reason = reason
        super().__init__(
            f"invalid image reference {ref!r}: "
            + (reason or "use a non-empty string like 'alpine' or 'alpine:3.20'")
        )


class InvalidContainerName(SimulatorError, ValueError):
    """A container name Docker refuses: it must match ``[a-zA-Z0-9][a-zA-Z0-9_.-]+`` (so at least
    two characters), optionally after one leading ``/`` (moby ``daemon/names``,
    ``RestrictedNamePattern``; the message is the daemon's)."""

    def __init__(self, name: object) -> None:
        self.name = name
        super().__init__(f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")


class NotFound(SimulatorError, LookupError):
    """Something looked up by name or id does not exist."""

    def __str__(self) -> str:  # LookupError would quote the message like KeyError does not; keep plain
        return str(self.args[0]) if self.args else ""


class ImageNotFound(NotFound):
    """No image with that name, tag or id."""


class ContainerNotFound(NotFound):
    """No container with that name or id."""


class LayerNotFound(NotFound):
    """No layer with that digest."""


class Conflict(SimulatorError, RuntimeError):
    """The request conflicts with the engine's state (like Docker's HTTP 409)."""


class ContainerStateError(SimulatorError, RuntimeError):
    """The container's lifecycle state does not allow the operation."""


class DockerfileError(SimulatorError, ValueError):
    """A Dockerfile cannot be parsed.

    Carries ``filename``, ``line`` and ``column`` (1-based), the offending ``source_line`` and an
    optional ``hint``; ``str()`` quotes the line with a caret under the column.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str = "Dockerfile",
        line: int = 0,
        column: int = 1,
        source_line: str = "",
        hint: str = "",
    ) -> None:
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column
        self.source_line = source_line
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.filename}:{self.line}:{self.column}" if self.line else self.filename
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" — {self.hint}"
        if self.source_line:
            text += f"\n    {self.source_line}\n    {' ' * max(self.column - 1, 0)}^"
        return text


class BuildError(SimulatorError, RuntimeError):
    """A build step failed; the message names the Dockerfile line and the reason."""

    def __init__(self, message: str, *, filename: str = "Dockerfile", line: int = 0, step: str = "") -> None:
        self.message = message
        self.filename = filename
        self.line = line
        self.step = step
        where = f"{filename}:{line}: " if line else ""
        super().__init__(f"{where}{step + ': ' if step else ''}{message}")


class ImageFormatError(SimulatorError, ValueError):
    """An OCI layout or docker-save archive is malformed or unsafe; names the file and entry."""


class NotCanonicalJSON(SimulatorError, ValueError):
    """A value has no canonical JSON bytes (a lone surrogate, nesting too deep); ``where`` is its path."""

    def __init__(self, message: str, *, where: str = "$") -> None:
        self.where = where
        super().__init__(f"{where}: {message}")


class BackendUnavailable(SimulatorError, RuntimeError):
    """The real overlayfs backend cannot run on this host; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the overlayfs backend is not available here: {reason}")


class PlatformNotFound(NotFound):
    """A multi-platform index has no manifest for the wanted platform (``linux/arm64`` ...)."""


class RegistryError(SimulatorError, RuntimeError):
    """A registry answered an error: ``status`` (HTTP) and ``code`` (OCI error code) say which.

    ``code`` is one of the distribution spec's error codes (``BLOB_UNKNOWN``, ``MANIFEST_UNKNOWN``,
    ``NAME_UNKNOWN`` ...) or ``""`` when the answer carried none.
    """

    def __init__(self, message: str, *, status: int = 0, code: str = "", url: str = "") -> None:
        self.message = message
        self.status = status
        self.code = code
        self.url = url
        head = f"{status} {code}".strip() if status or code else ""
        super().__init__(f"{head}: {message}" if head else message)


class RegistryUnreachable(SimulatorError, ConnectionError):
    """No registry answers at that address (refused, timed out, not HTTP)."""


class StoreError(SimulatorError, OSError):
    """A store on disk (``Engine(root=...)``) that cannot be opened or used: not a store, a newer
    schema, a missing or corrupt blob, a lock held too long.  The message names the path."""


class InvalidResource(SimulatorError, ValueError):
    """A resource option (``mem_limit``, ``cpus``, ``restart_policy`` ...) Docker would refuse.

    ``field`` names the option, ``value`` is what was given; nothing was applied.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}={value!r}: {reason}")


class WaitTimeout(SimulatorError, TimeoutError):
    """``container.wait(timeout=...)``: the container was still running when the time ran out."""


class FileTooLarge(SimulatorError, MemoryError):
    """``container.read_file(path)`` of a file bigger than the engine's memory limit (a sparse
    terabyte, say): returning it whole would hold it all in memory.  The message gives the size,
    the limit and the way to read it in pieces (``container.open(path, "rb").read(n)``)."""
