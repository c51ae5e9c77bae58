"""The cluster's errors: each names the field, the object or the status it is about.

::

    ClusterError (SimulatorError)
    ├── InvalidQuantity (ValueError)   "500x" is not a Kubernetes resource quantity
    ├── ManifestError (ValueError)     a YAML document outside the accepted subset: names the field
    └── ObjectNotFound (LookupError)   no node, pod, deployment or service of that name
"""

from __future__ import annotations

from ..errors import SimulatorError

__all__ = ["ClusterError", "InvalidQuantity", "ManifestError", "ObjectNotFound"]


class ClusterError(SimulatorError):
    """Root of the cluster's own errors."""


class InvalidQuantity(ClusterError, ValueError):
    """A resource quantity that ``resource.ParseQuantity`` would reject (apimachinery's wording)."""

    def __init__(self, text: object, reason: str = "") -> None:
        self.text = text
        self.reason = reason or (
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        )
        super().__init__(f"{text!r}: {self.reason}")


class ManifestError(ClusterError, ValueError):
    """A manifest the cluster will not apply; ``field`` is the path in the document.

    The message has the API server's shape: ``Deployment "web": spec.replicas: Invalid value: -1:
    must be greater than or equal to 0`` or ``strict decoding error: unknown field "spec.foo"``.
    """

    def __init__(self, message: str, *, field: str = "", kind: str = "", name: str = "", document: int = 0):
        self.field = field
        self.kind = kind
        self.name = name
        self.document = document
        where = f'{kind} "{name}": ' if kind and name else (f"{kind}: " if kind else "")
        doc = f"document {document}: " if document else ""
        super().__init__(f"{doc}{where}{message}")


class ObjectNotFound(ClusterError, LookupError):
    """No object of that kind and name; lists the names there are."""

    def __init__(self, kind: str, name: str, known: list[str] | tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.name = name
        shown = ", ".join(sorted(known)[:10]) or "none"
        super().__init__(f'{kind.lower()}s "{name}" not found; known: {shown}')
