"""The cluster's objects: containers, pods, nodes (with their image stores), replica sets,
deployments and services.

Specs are plain data; a pod's and a node's *status* change as the cluster runs (binding, pulls,
readiness, failure).  Resource amounts are kept as the integers the scheduler uses: CPU in
millicores, everything else in units (bytes, pods).

Examples:
    >>> MiB = 1024**2
    >>> n = Node("n0", cpu="4", memory="8Gi", images={"app:1": 500 * MiB})
    >>> n.allocatable["cpu"], n.allocatable["memory"], n.allocatable["pods"]
    (4000, 8589934592, 110)
    >>> p = Pod("web", image="app:1", cpu="500m", memory="1Gi")
    >>> p.requests, p.containers[0].image_pull_policy
    ({'cpu': 500, 'memory': 1073741824}, 'IfNotPresent')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ClusterError, ObjectNotFound
from .labels import (
    HOSTNAME,
    LabelSelector,
    NodeSelectorTerm,
    PreferredTerm,
    Taint,
    Toleration,
)
from .quantity import resource_value

__all__ = [
    "DEFAULT_MEMORY_REQUEST",
    "DEFAULT_MILLI_CPU_REQUEST",
    "SAFE_ALPHABET",
    "Container",
    "Deployment",
    "Node",
    "Pod",
    "PodTemplate",
    "ReplicaSet",
    "Service",
    "TopologySpreadConstraint",
    "default_pull_policy",
    "normalized_image_name",
    "pod_template_hash",
]

# pkg/scheduler/util: what a container with no request counts for *scoring* (never for fitting).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
# kubelet default maxPods.
DEFAULT_MAX_PODS = 110
# kubelet nodeStatusMaxImages: the node status lists at most this many images, largest first.
NODE_STATUS_MAX_IMAGES = 50


def normalized_image_name(name: str) -> str:
    """ImageLocality's ``normalizedImageName``: add ``:latest`` when the last ``:`` is not after the last ``/``.

    >>> normalized_image_name("gcr.io:5000/root"), normalized_image_name("root:tag")
    ('gcr.io:5000/root:latest', 'root:tag')
    """
    return name + ":latest" if name.rfind(":") <= name.rfind("/") else name


def _tag_of(image: str) -> str:
    """The tag ``parsers.ParseImageName`` finds: ``latest`` when neither tag nor digest is given."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "" if digest else "latest"


def default_pull_policy(image: str) -> str:
    """``SetDefaults_Container``: ``Always`` for ``:latest`` or no tag, else ``IfNotPresent``.

    >>> default_pull_policy("nginx"), default_pull_policy("nginx:latest"), default_pull_policy("nginx:1.27")
    ('Always', 'Always', 'IfNotPresent')
    >>> default_pull_policy("nginx@sha256:" + "0" * 64)
    'IfNotPresent'
    """
    return "Always" if _tag_of(image) == "latest" else "IfNotPresent"


# A docker reference, simplified from distribution/reference: lower-case path components, an
# optional registry host[:port], an optional tag, an optional digest.
_REFERENCE = re.compile(
    r"^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


def valid_reference(image: str) -> bool:
    return bool(_REFERENCE.match(image))


def _parse_resources(values: Mapping[str, Any] | None) -> dict[str, int]:
    return {str(k): resource_value(str(k), v) for k, v in (values or {}).items()}


@dataclass(frozen=True, slots=True)
class Container:
    """A container: image, pull policy, requests and limits (as the scheduler's integers)."""

    name: str
    image: str
    requests: Mapping[str, int] = field(default_factory=dict)
    limits: Mapping[str, int] = field(default_factory=dict)
    image_pull_policy: str = ""

    @classmethod
    def of(
        cls,
        name: str,
        image: str,
        *,
        requests: Mapping[str, Any] | None = None,
        limits: Mapping[str, Any] | None = None,
        image_pull_policy: str = "",
    ) -> Container:
        """Build from quantity strings: ``Container.of("c", "app:1", requests={"cpu": "250m"})``."""
        policy = image_pull_policy or default_pull_policy(image)
        if policy not in ("Always", "IfNotPresent", "Never"):
            raise ClusterError(
                f'imagePullPolicy: Unsupported value: "{policy}": supported values: "Always", "IfNotPresent", "Never"'
            )
        limits_i = _parse_resources(limits)
        requests_i = _parse_resources(requests)
        for k, v in limits_i.items():  # SetDefaults: a limit with no request requests the limit
            requests_i.setdefault(k, v)
        return cls(name, image, requests_i, limits_i, policy)


@dataclass(frozen=True, slots=True)
class TopologySpreadConstraint:
    """``topologySpreadConstraints[]``: maxSkew, topologyKey, whenUnsatisfiable, labelSelector."""

    max_skew: int
    topology_key: str
    when_unsatisfiable: str = "DoNotSchedule"
    selector: LabelSelector | None = None  # None: the API's nil selector, which matches no pod
    min_domains: int = 1


def _sum_max(
    containers: Iterable[Container], init: Iterable[Container], resource: str, default: int | None
) -> int:
    def req(c: Container) -> int:
        if resource in c.requests:
            return c.requests[resource]
        return default or 0

    total = sum(req(c) for c in containers)
    for c in init:
        total = max(total, req(c))
    return total


class Pod:
    """A pod: its spec (containers, scheduling constraints) and its status on the cluster.

    ``Pod("web", image="app:1", cpu="500m", memory="1Gi")`` is a one-container pod; pass
    ``containers=[Container.of(...), ...]`` for more.  ``cpu``/``memory`` left out are *missing*
    requests (scoring then counts 100m / 200Mi for them), not zero ones.
    """

    def __init__(
        self,
        name: str,
        image: str | None = None,
        *,
        cpu: str | int | None = None,
        memory: str | int | None = None,
        containers: Iterable[Container] = (),
        init_containers: Iterable[Container] = (),
        labels: Mapping[str, str] | None = None,
        namespace: str = "default",
        node_selector: Mapping[str, str] | None = None,
        required_terms: Iterable[NodeSelectorTerm] | None = None,
        preferred_terms: Iterable[PreferredTerm] = (),
        tolerations: Iterable[Toleration] = (),
        topology_spread: Iterable[TopologySpreadConstraint] = (),
        node_name: str = "",
        image_pull_policy: str = "",
        overhead: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.namespace = namespace
        self.labels: dict[str, str] = dict(labels or {})
        built = list(containers)
        if image is not None:
            requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
            built.insert(0, Container.of(name, image, requests=requests, image_pull_policy=image_pull_policy))
        elif cpu is not None or memory is not None:
            raise ClusterError("Pod(cpu=..., memory=...) needs image=...; or pass containers=[...]")
        self.containers: tuple[Container, ...] = tuple(built)
        self.init_containers: tuple[Container, ...] = tuple(init_containers)
        self.node_selector: dict[str, str] = dict(node_selector or {})
        self.required_terms: tuple[NodeSelectorTerm, ...] | None = (
            None if required_terms is None else tuple(required_terms)
        )
        self.preferred_terms: tuple[PreferredTerm, ...] = tuple(preferred_terms)
        self.tolerations: tuple[Toleration, ...] = tuple(tolerations)
        self.topology_spread: tuple[TopologySpreadConstraint, ...] = tuple(topology_spread)
        self.spec_node_name = node_name
        self.overhead: dict[str, int] = _parse_resources(overhead)
        # status
        self.node: str = ""  # where it is bound
        self.phase = "Pending"
        self.ready = False
        self.reason = ""  # e.g. Unschedulable, ErrImageNeverPull, InvalidImageName, Evicted
        self.message = ""
        self.owner: str = ""  # the ReplicaSet that owns it
        self.created_at = 0.0
        self.bound_at: float | None = None
        self.ready_at: float | None = None
        self.decision: Any = None  # the scheduler's last Decision for this pod
        self._requests: dict[str, int] | None = None
        self._nonzero: tuple[int, int] | None = None

    # -- resources -----------------------------------------------------------------------

    @property
    def requests(self) -> dict[str, int]:
        """``resource.PodRequests``: Σ containers, max with each init container, plus overhead."""
        if self._requests is None:
            names = {k for c in (*self.containers, *self.init_containers) for k in c.requests}
            out = {r: _sum_max(self.containers, self.init_containers, r, None) for r in sorted(names)}
            for r, v in self.overhead.items():
                out[r] = out.get(r, 0) + v
            self._requests = out
        return self._requests

    @property
    def nonzero_requests(self) -> tuple[int, int]:
        """(milliCPU, memory) for scoring: a container missing a request counts 100m / 200Mi."""
        if self._nonzero is None:
            cpu = _sum_max(self.containers, self.init_containers, "cpu", DEFAULT_MILLI_CPU_REQUEST)
            mem = _sum_max(self.containers, self.init_containers, "memory", DEFAULT_MEMORY_REQUEST)
            self._nonzero = (cpu + self.overhead.get("cpu", 0), mem + self.overhead.get("memory", 0))
        return self._nonzero

    @property
    def images(self) -> tuple[str, ...]:
        return tuple(c.image for c in (*self.init_containers, *self.containers))

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def scheduled(self) -> bool:
        return bool(self.node)

    def __repr__(self) -> str:
        where = f" on {self.node}" if self.node else ""
        ready = " Ready" if self.ready else ""
        why = f" ({self.reason})" if self.reason else ""
        return f"<Pod {self.name} {self.phase}{ready}{where}{why}>"


class Node:
    """A node: capacity, allocatable, labels, taints, its image store, and the pods bound to it.

    ``images`` states what the node already holds, ``{reference: size in bytes}`` — the sizes the
    kubelet reports in ``status.images`` and ImageLocality reads.  ``engine`` may hold a real
    image store (anything with an ``images`` attribute); the cluster never imports the engine.
    ``disk`` is the image file system's size, for kubelet image garbage collection.
    """

    def __init__(
        self,
        name: str,
        *,
        cpu: str | int = "4",
        memory: str | int = "8Gi",
        pods: int = DEFAULT_MAX_PODS,
        ephemeral_storage: str | int | None = None,
        resources: Mapping[str, Any] | None = None,
        allocatable: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        taints: Iterable[Taint] = (),
        unschedulable: bool = False,
        images: Mapping[str, int] | None = None,
        disk: str | int | None = None,
        engine: Any = None,
    ) -> None:
        self.name = name
        capacity: dict[str, Any] = {"cpu": cpu, "memory": memory, "pods": pods}
        if ephemeral_storage is not None:
            capacity["ephemeral-storage"] = ephemeral_storage
        capacity.update(resources or {})
        self.capacity = _parse_resources(capacity)
        self.allocatable = dict(self.capacity)
        self.allocatable.update(_parse_resources(allocatable))
        self.labels: dict[str, str] = {HOSTNAME: name, "kubernetes.io/os": "linux"}
        self.labels.update(labels or {})
        self.taints: list[Taint] = list(taints)
        self.unschedulable = unschedulable
        self.images: dict[str, int] = {normalized_image_name(k): int(v) for k, v in (images or {}).items()}
        self.image_last_used: dict[str, float] = {k: float("-inf") for k in self.images}
        self.image_first_seen: dict[str, float] = {k: float("-inf") for k in self.images}
        self.disk = resource_value("disk", disk) if disk is not None else None
        self.engine = engine
        self.ready = True
        self.ready_status = "True"  # the Ready condition: True, False or Unknown
        self.down_since: float | None = None
        self.pods: list[Pod] = []
        # what NodeInfo keeps: Requested and NonZeroRequested, updated as pods come and go
        self.requested: dict[str, int] = {}
        self.nonzero_cpu = 0
        self.nonzero_memory = 0
        self.version = 0  # bumped on every change (pods, images, spec): the scheduler's caches key on it
        self.spec_version = 0  # bumped when labels, taints, allocatable or cordoning change

    def changed(self) -> None:
        """Call after editing ``labels``, ``taints``, ``allocatable`` or ``unschedulable`` by hand."""
        self.spec_version += 1
        self.version += 1

    def cordon(self) -> None:
        """``kubectl cordon``: no new pods (NodeUnschedulable); running ones stay."""
        self.unschedulable = True
        self.changed()

    def uncordon(self) -> None:
        self.unschedulable = False
        self.changed()

    def add_taint(self, taint: Taint) -> None:
        if all((t.key, t.effect) != (taint.key, taint.effect) for t in self.taints):
            self.taints.append(taint)
            self.changed()

    def remove_taint(self, key: str, effect: str | None = None) -> None:
        kept = [t for t in self.taints if not (t.key == key and (effect is None or t.effect == effect))]
        if len(kept) != len(self.taints):
            self.taints = kept
            self.changed()

    def add_pod(self, pod: Pod) -> None:
        self.pods.append(pod)
        for r, v in pod.requests.items():
            self.requested[r] = self.requested.get(r, 0) + v
        cpu, mem = pod.nonzero_requests
        self.nonzero_cpu += cpu
        self.nonzero_memory += mem
        self.version += 1

    def remove_pod(self, pod: Pod) -> None:
        self.pods.remove(pod)
        for r, v in pod.requests.items():
            self.requested[r] -= v
        cpu, mem = pod.nonzero_requests
        self.nonzero_cpu -= cpu
        self.nonzero_memory -= mem
        self.version += 1

    def status_images(self) -> dict[str, int]:
        """``status.images`` as the kubelet reports it: the NODE_STATUS_MAX_IMAGES largest."""
        if len(self.images) <= NODE_STATUS_MAX_IMAGES:
            return self.images
        biggest = sorted(self.images.items(), key=lambda kv: (-kv[1], kv[0]))[:NODE_STATUS_MAX_IMAGES]
        return dict(biggest)

    @property
    def image_bytes(self) -> int:
        return sum(self.images.values())

    def __repr__(self) -> str:
        return (
            f"<Node {self.name} cpu {self.requested.get('cpu', 0)}m/{self.allocatable.get('cpu', 0)}m "
            f"pods {len(self.pods)} images {len(self.images)}{'' if self.ready else ' NotReady'}>"
        )


SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand: no vowels, no 0/1/3


def _fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def _safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: each byte mapped into the no-vowel alphabet."""
    return "".join(SAFE_ALPHABET[b % len(SAFE_ALPHABET)] for b in text.encode())


@dataclass(frozen=True)
class PodTemplate:
    """A deployment's pod template: labels and the keyword arguments of :class:`Pod`."""

    labels: tuple[tuple[str, str], ...]
    spec: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, labels: dict[str, str], **spec: Any) -> PodTemplate:
        return cls(tuple(sorted(labels.items())), tuple(sorted(spec.items())))

    def make(self, name: str, namespace: str, extra_labels: dict[str, str]) -> Pod:
        labels = dict(self.labels)
        labels.update(extra_labels)
        return Pod(name, labels=labels, namespace=namespace, **dict(self.spec))

    def with_image(self, image: str, container: str | None = None) -> PodTemplate:
        """``kubectl set image``: the same template with one container's image changed."""
        spec = dict(self.spec)
        containers = list(spec.get("containers", ()))
        if not containers:
            raise ClusterError("the template has no containers")
        idx = next(
            (i for i, c in enumerate(containers) if c.name == container), 0 if container is None else -1
        )
        if idx < 0:
            raise ObjectNotFound("Container", container or "", [c.name for c in containers])
        c = containers[idx]
        policy = c.image_pull_policy
        containers[idx] = Container(c.name, image, c.requests, c.limits, policy)
        spec["containers"] = tuple(containers)
        return PodTemplate(self.labels, tuple(sorted(spec.items())))


def pod_template_hash(template: PodTemplate, collision_count: int = 0) -> str:
    """FNV-32a of the template, encoded like ``controller.ComputeHash`` (the input bytes differ from Go's)."""
    h = _fnv32a(repr((template, collision_count)).encode())
    return _safe_encode(str(h))


@dataclass
class ReplicaSet:
    """A ReplicaSet a Deployment made: ``<deployment>-<pod-template-hash>``."""

    name: str
    namespace: str
    deployment: str
    template_hash: str
    template: Any  # the PodTemplate (a callable making pods) of its deployment revision
    selector: LabelSelector
    replicas: int = 0
    created: int = 0  # creation order
    revision: int = 0
    pods: list[Pod] = field(default_factory=list)

    @property
    def ready_replicas(self) -> int:
        return sum(1 for p in self.pods if p.ready)

    @property
    def available_replicas(self) -> int:
        return self.ready_replicas  # minReadySeconds 0: available == ready


@dataclass
class Deployment:
    """An apps/v1 Deployment: replicas, selector, a pod template and its rolling-update knobs."""

    name: str
    template: Any  # PodTemplate
    replicas: int = 1
    selector: LabelSelector = field(default_factory=LabelSelector)
    namespace: str = "default"
    strategy: str = "RollingUpdate"
    max_surge: int | str = "25%"
    max_unavailable: int | str = "25%"
    revision_history_limit: int = 10
    progress_deadline_seconds: int = 600
    min_ready_seconds: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    history: list[tuple[float, int, int]] = field(default_factory=list)  # (time, total pods, available)

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass
class Service:
    """A Service: a selector and ports; its endpoints are the Ready pods it selects."""

    name: str
    selector: dict[str, str] = field(default_factory=dict)
    ports: list[dict[str, Any]] = field(default_factory=list)
    namespace: str = "default"
    type: str = "ClusterIP"
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def label_selector(self) -> LabelSelector:
        return LabelSelector(self.selector)
