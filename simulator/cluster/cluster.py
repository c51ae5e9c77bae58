"""A cluster scheduled like Kubernetes: nodes with image stores, pods, deployments, services,
kube-scheduler's default profile, and the control loops — all in logical time.

Examples:
    >>> MiB = 1024**2
    >>> nodes = [
    ...     Node(f"n{i}", cpu="4", memory="8Gi", images={"app:1": 500 * MiB} if i < 2 else {})
    ...     for i in range(10)
    ... ]
    >>> cluster = Cluster(nodes)
    >>> d = cluster.schedule(Pod("web", image="app:1", cpu="500m", memory="1Gi"))
    >>> d.node in ("n0", "n1"), d.filtered["n3"], d.scores["n0"]["ImageLocality"], d.final["n0"]
    (True, 'passed', 7, 494)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import controllers
from .errors import ClusterError, ManifestError, ObjectNotFound
from .labels import LabelSelector
from .objects import (
    SAFE_ALPHABET,
    Deployment,
    Node,
    Pod,
    PodTemplate,
    ReplicaSet,
    Service,
    normalized_image_name,
    pod_template_hash,
    valid_reference,
)
from .scheduler import Decision, Scheduler, default_selector
from .scheduler.noderesources import fit_filter
from .scheduler.podtopologyspread import SelectorIndex

__all__ = ["Cluster", "Event", "PodTemplate", "pod_template_hash"]

MiB = 1024**2


@dataclass(frozen=True)
class Event:
    """A Kubernetes-style event: when, on what, the reason and the message."""

    time: float
    kind: str
    name: str
    reason: str
    message: str

    def __str__(self) -> str:
        return f"{self.time:7.1f}s  {self.kind}/{self.name}  {self.reason}: {self.message}"


@dataclass
class _Pull:
    node: str
    image: str
    bytes: int
    seconds: float
    time: float = 0.0


class Cluster:
    """Nodes, the objects applied to them, a scheduler and the control loops.

    ``puller(node, image) -> bytes`` is the seam for a registry: it is called when a pod's image
    has to be pulled onto a node and returns the bytes transferred.  By default the size comes from
    ``registry`` (``{reference: bytes}``), else from a node that already holds the image, else 0.
    """

    def __init__(
        self,
        nodes: Iterable[Node] = (),
        *,
        seed: int = 0,
        registry: dict[str, int] | None = None,
        puller: Callable[[Node, str], int] | None = None,
        weights: dict[str, int] | None = None,
        scoring_strategy: str = "LeastAllocated",
        percentage_of_nodes_to_score: int | None = None,
        pull_bandwidth: int = 100 * MiB,
        startup_seconds: float = 1.0,
        node_monitor_grace_period: float = controllers.NODE_MONITOR_GRACE_PERIOD,
        keep_decisions: bool = True,
    ) -> None:
        self.nodes: list[Node] = []
        self.pods: dict[str, Pod] = {}
        self.deployments: dict[str, Deployment] = {}
        self.replica_sets: dict[str, ReplicaSet] = {}
        self.services: dict[str, Service] = {}
        self.events: list[Event] = []
        self.pulls: list[_Pull] = []
        self.time = 0.0
        self.rng = random.Random(seed)
        self.registry = {normalized_image_name(k): v for k, v in (registry or {}).items()}
        self.puller = puller
        self.pull_bandwidth = pull_bandwidth
        self.startup_seconds = startup_seconds
        self.node_monitor_grace_period = node_monitor_grace_period
        self.keep_decisions = keep_decisions
        self.index = SelectorIndex()
        self.image_counts: dict[str, int] = {}
        self.topology_version = 0
        self.services_version = 0
        self._created = 0
        self._pending: list[Pod] = []
        self._nodes_by_name: dict[str, Node] = {}
        self._default_selectors: dict[tuple[Any, ...], LabelSelector] = {}
        self.scheduler = Scheduler(
            self,
            seed=seed,
            weights=weights,
            scoring_strategy=scoring_strategy,
            percentage_of_nodes_to_score=percentage_of_nodes_to_score,
        )
        for node in nodes:
            self.add_node(node)

    # -- bookkeeping -------------------------------------------------------------------------

    def event(self, kind: str, name: str, reason: str, message: str) -> None:
        self.events.append(Event(self.time, kind, name, reason, message))

    def topology_changed(self) -> None:
        self.topology_version += 1
        self.index.clear()

    def node(self, name: str) -> Node:
        found = self._nodes_by_name.get(name)
        if found is None:
            raise ObjectNotFound("Node", name, [n.name for n in self.nodes])
        return found

    def pod(self, name: str, namespace: str = "default") -> Pod:
        try:
            return self.pods[f"{namespace}/{name}"]
        except KeyError:
            raise ObjectNotFound("Pod", name, [p.name for p in self.pods.values()]) from None

    def deployment(self, name: str, namespace: str = "default") -> Deployment:
        try:
            return self.deployments[f"{namespace}/{name}"]
        except KeyError:
            raise ObjectNotFound("Deployment", name, [d.name for d in self.deployments.values()]) from None

    def service(self, name: str, namespace: str = "default") -> Service:
        try:
            return self.services[f"{namespace}/{name}"]
        except KeyError:
            raise ObjectNotFound("Service", name, [s.name for s in self.services.values()]) from None

    def add_node(self, node: Node) -> Node:
        if node.name in self._nodes_by_name:
            raise ClusterError(f'nodes "{node.name}" already exists')
        self.nodes.append(node)
        self._nodes_by_name[node.name] = node
        for ref in node.status_images():
            self.image_counts[ref] = self.image_counts.get(ref, 0) + 1
        self.topology_changed()
        return node

    def _images_changed(self, node: Node, before: dict[str, int]) -> None:
        after = node.status_images()
        for ref in before.keys() - after.keys():
            self.image_counts[ref] -= 1
        for ref in after.keys() - before.keys():
            self.image_counts[ref] = self.image_counts.get(ref, 0) + 1
        node.version += 1

    def _add_image(self, node: Node, ref: str, size: int) -> None:
        before = dict(node.status_images())
        node.images[ref] = size
        node.image_first_seen.setdefault(ref, self.time)
        node.image_last_used[ref] = self.time
        self._images_changed(node, before)

    def _remove_image(self, node: Node, ref: str) -> None:
        before = dict(node.status_images())
        del node.images[ref]
        node.image_first_seen.pop(ref, None)
        node.image_last_used.pop(ref, None)
        self._images_changed(node, before)

    def default_selector(self, pod: Pod) -> LabelSelector:
        rs = self.replica_sets.get(f"{pod.namespace}/{pod.owner}") if pod.owner else None
        key = (pod.namespace, tuple(sorted(pod.labels.items())), pod.owner, len(self.services))
        cached = self._default_selectors.get(key)
        if cached is None:
            cached = default_selector(pod, list(self.services.values()), [rs] if rs else [])
            self._default_selectors[key] = cached
        return cached

    # -- scheduling and binding ------------------------------------------------------------

    def schedule(self, pod: Pod) -> Decision:
        """What the scheduler would decide for ``pod`` now; a what-if: nothing is bound, and the
        scheduler's state (where the next cycle starts, its random generator) is left as it was."""
        scheduler = self.scheduler
        start, rng = scheduler.next_start, scheduler.rng.getstate()
        try:
            return scheduler.schedule(pod)
        finally:
            scheduler.next_start = start
            scheduler.rng.setstate(rng)

    def create_pod(self, pod: Pod) -> Pod:
        """Admit ``pod`` (default tolerations), then schedule and bind it at the next step."""
        if pod.key in self.pods:
            raise ClusterError(f'pods "{pod.name}" already exists')
        pod.tolerations = controllers.default_tolerations(pod.tolerations)
        pod.created_at = self.time
        self._created += 1
        self.pods[pod.key] = pod
        if pod.spec_node_name:  # a pod naming its node skips the scheduler: the kubelet admits it
            node = self.node(pod.spec_node_name)
            short = fit_filter(pod.requests, node)
            if short and short[1] != "Too many pods":
                resource = short[1].split(", ")[0].removeprefix("Insufficient ")
                pod.phase, pod.reason = "Failed", f"OutOf{resource}"
                pod.message = (
                    f"Pod was rejected: Node didn't have enough resource: {resource}, requested: "
                    f"{pod.requests.get(resource, 0)}, used: {node.requested.get(resource, 0)}, "
                    f"capacity: {node.allocatable.get(resource, 0)}"
                )
                self.event("Pod", pod.name, pod.reason, pod.message)
            else:
                self.bind(pod, node)
        else:
            self._pending.append(pod)
        return pod

    def schedule_pending(self) -> None:
        """One scheduling pass over the pending pods, oldest first."""
        pending, self._pending = self._pending, []
        for pod in pending:
            if pod.key not in self.pods or pod.node:
                continue
            decision = self.scheduler.schedule(pod)
            if self.keep_decisions:
                pod.decision = decision
            if decision.node:
                self.bind(pod, self.node(decision.node))
            else:
                pod.reason, pod.message = "Unschedulable", decision.message
                self.event("Pod", pod.name, "FailedScheduling", decision.message)
                self._pending.append(pod)

    def bind(self, pod: Pod, node: Node) -> None:
        """Bind ``pod`` to ``node``; the node's kubelet pulls its images by pull policy."""
        pod.node = node.name
        pod.bound_at = self.time
        pod.reason = pod.message = ""
        node.add_pod(pod)
        self.index.pod_changed(pod, node, +1)
        self.event("Pod", pod.name, "Scheduled", f"Successfully assigned {pod.key} to {node.name}")
        seconds = 0.0
        for c in (*pod.init_containers, *pod.containers):
            took = self._pull(pod, c, node)
            if took is None:
                return
            seconds += took
        pod.phase = "Pending"
        pod.ready_at = self.time + seconds + self.startup_seconds

    def _pull(self, pod: Pod, container: Any, node: Node) -> float | None:
        image = container.image
        if not valid_reference(image):
            pod.reason = "InvalidImageName"
            pod.message = f'Failed to apply default image tag "{image}": couldn\'t parse image name "{image}": invalid reference format'
            self.event("Pod", pod.name, "InspectFailed", pod.message)
            return None
        ref = normalized_image_name(image)
        present = ref in node.images
        policy = container.image_pull_policy
        if policy == "Never" and not present:
            pod.reason = "ErrImageNeverPull"
            pod.message = f'Container image "{image}" is not present with pull policy of Never'
            self.event("Pod", pod.name, "ErrImageNeverPull", pod.message)
            return None
        if present and policy != "Always":
            node.image_last_used[ref] = self.time
            self.event("Pod", pod.name, "Pulled", f'Container image "{image}" already present on machine')
            return 0.0
        try:
            size = self.puller(node, image) if self.puller else self._default_pull(node, ref)
        except LookupError as exc:
            pod.reason = "ErrImagePull"
            pod.message = f'Failed to pull image "{image}": {exc}'
            self.event("Pod", pod.name, "Failed", pod.message)
            return None
        moved = 0 if present else size  # Always on a present image: the digest matches, no layer moves
        seconds = moved / self.pull_bandwidth if self.pull_bandwidth else 0.0
        self.event("Pod", pod.name, "Pulling", f'Pulling image "{image}"')
        self.event(
            "Pod",
            pod.name,
            "Pulled",
            f'Successfully pulled image "{image}" in {seconds:.3f}s. Image size: {size} bytes.',
        )
        self.pulls.append(_Pull(node.name, ref, moved, seconds, self.time))
        if present:
            node.image_last_used[ref] = self.time
        else:
            self._add_image(node, ref, size)
        return seconds

    def _default_pull(self, node: Node, ref: str) -> int:
        if ref in self.registry:
            return self.registry[ref]
        if self.registry:
            raise LookupError(f"rpc error: code = NotFound desc = {ref}: not found")
        for other in self.nodes:
            if ref in other.images:
                return other.images[ref]
        return 0

    def delete_pod(self, name: str, namespace: str = "default", reason: str = "Deleted") -> None:
        pod = self.pod(name, namespace)
        del self.pods[pod.key]
        if pod.node:
            node = self.node(pod.node)
            node.remove_pod(pod)
            self.index.pod_changed(pod, node, -1)
            for image in pod.images:
                ref = normalized_image_name(image)
                if ref in node.images:
                    node.image_last_used[ref] = self.time
        pod.phase, pod.ready, pod.reason = "Deleted", False, reason
        if pod.owner:
            rs = self.replica_sets.get(f"{namespace}/{pod.owner}")
            if rs and pod in rs.pods:
                rs.pods.remove(pod)
        self.event("Pod", pod.name, "Killing", f"Stopping container ({reason})")

    # -- workloads ---------------------------------------------------------------------------

    def create_deployment(self, d: Deployment) -> Deployment:
        if d.key in self.deployments:
            raise ClusterError(f'deployments.apps "{d.name}" already exists')
        self.deployments[d.key] = d
        return d

    def set_image(
        self, deployment: str, image: str, container: str | None = None, namespace: str = "default"
    ) -> None:
        """``kubectl set image deployment/NAME CONTAINER=IMAGE``: starts a rollout."""
        d = self.deployment(deployment, namespace)
        d.template = d.template.with_image(image, container)

    def scale(self, deployment: str, replicas: int, namespace: str = "default") -> None:
        self.deployment(deployment, namespace).replicas = replicas

    def create_service(self, svc: Service) -> Service:
        self.services[f"{svc.namespace}/{svc.name}"] = svc
        self._default_selectors.clear()
        self.services_version += 1
        return svc

    def endpoints(self, service: str, namespace: str = "default") -> list[Pod]:
        """The Service's endpoints: Ready pods it selects on Ready nodes (sorted by name)."""
        svc = self.service(service, namespace)
        sel = svc.label_selector
        return sorted(
            (
                p
                for p in self.pods.values()
                if p.namespace == namespace and p.ready and svc.selector and sel.matches(p.labels)
            ),
            key=lambda p: p.name,
        )

    def pick(self, service: str, namespace: str = "default") -> Pod:
        """One request through the Service: kube-proxy's iptables mode picks an endpoint uniformly."""
        ready = self.endpoints(service, namespace)
        if not ready:
            raise ClusterError(
                f'service "{service}" has no ready endpoints (no Ready pod matches its selector)'
            )
        return ready[self.rng.randrange(len(ready))]

    def _replica_sets_of(self, d: Deployment) -> tuple[ReplicaSet, list[ReplicaSet]]:
        template_hash = pod_template_hash(d.template)
        mine = sorted(
            (rs for rs in self.replica_sets.values() if rs.deployment == d.key), key=lambda r: r.created
        )
        new = next((rs for rs in mine if rs.template_hash == template_hash), None)
        if new is None:
            selector = d.selector.merged(LabelSelector({"pod-template-hash": template_hash}))
            self._created += 1
            new = ReplicaSet(
                f"{d.name}-{template_hash}",
                d.namespace,
                d.key,
                template_hash,
                d.template,
                selector,
                0,
                self._created,
                len(mine) + 1,
            )
            self.replica_sets[f"{d.namespace}/{new.name}"] = new
            self.event("Deployment", d.name, "ScalingReplicaSet", f"Scaled up replica set {new.name} from 0")
        return new, [rs for rs in mine if rs is not new]

    def _create_rs_pod(self, rs: ReplicaSet) -> Pod:
        suffix = "".join(self.rng.choice(SAFE_ALPHABET) for _ in range(5))
        pod = rs.template.make(f"{rs.name}-{suffix}", rs.namespace, {"pod-template-hash": rs.template_hash})
        pod.owner = rs.name
        rs.pods.append(pod)
        return self.create_pod(pod)

    # -- nodes failing -----------------------------------------------------------------------

    def fail_node(self, name: str) -> None:
        """The node stops posting status (power loss, network partition)."""
        node = self.node(name)
        node.down_since = self.time
        self.event("Node", name, "NodeDown", "kubelet stopped posting node status")

    def recover_node(self, name: str) -> None:
        node = self.node(name)
        node.down_since = None
        node.ready, node.ready_status = True, "True"
        node.remove_taint(controllers.UNREACHABLE)
        self.topology_changed()
        self.event("Node", name, "NodeReady", f"Node {name} status is now: NodeReady")

    # -- time ----------------------------------------------------------------------------------

    def step(self) -> None:
        """One second of the control plane: node lifecycle, eviction, controllers, scheduler, kubelets."""
        controllers.node_lifecycle(self)
        controllers.taint_eviction(self)
        for d in list(self.deployments.values()):
            controllers.sync_deployment(self, d)
        for rs in list(self.replica_sets.values()):
            controllers.sync_replica_set(self, rs)
        self.schedule_pending()
        for node in self.nodes:
            if not node.ready:
                continue
            for pod in node.pods:
                if (
                    not pod.ready
                    and not pod.reason
                    and pod.ready_at is not None
                    and self.time >= pod.ready_at
                ):
                    pod.phase, pod.ready = "Running", True
            controllers.image_gc(self, node)
        for d in self.deployments.values():
            pods = [p for rs in self.replica_sets.values() if rs.deployment == d.key for p in rs.pods]
            d.history.append((self.time, len(pods), sum(1 for p in pods if p.ready)))

    def advance(self, seconds: float = 1.0) -> None:
        """Run the cluster for ``seconds`` of logical time, one-second steps (no real sleeping)."""
        end = self.time + seconds
        while self.time < end:
            self.step()
            self.time += 1.0
        self.step()

    def settle(self, limit: float = 3600.0) -> None:
        """Advance until every deployment has its replicas available and no pod is pending."""
        end = self.time + limit
        while self.time < end:
            self.step()
            if self._settled():
                return
            self.time += 1.0

    def _settled(self) -> bool:
        if self._pending:
            return False
        for d in self.deployments.values():
            new, old = self._replica_sets_of(d)
            if (
                any(rs.pods for rs in old)
                or new.available_replicas != d.replicas
                or len(new.pods) != d.replicas
            ):
                return False
        return all(p.ready or p.reason for p in self.pods.values())

    # -- input -------------------------------------------------------------------------------

    def apply(self, text: str) -> list[Any]:
        """Apply Kubernetes YAML (Pods, Deployments, Services, Nodes) and run one control-plane
        step.  Every document is checked before any is applied, so a bad one leaves the cluster
        unchanged.  A Deployment that exists already is updated (a new template starts a rollout)."""
        from .manifests import load_manifests

        objects = load_manifests(text)
        # Everything that could fail is checked before anything changes: nothing is half-applied.
        seen: set[tuple[str, str]] = set()
        node_names = {n.name for n in self.nodes} | {o.name for o in objects if isinstance(o, Node)}
        for obj in objects:
            kind = type(obj).__name__
            key = (kind, f"{getattr(obj, 'namespace', '')}/{obj.name}")
            if key in seen:
                raise ManifestError("appears twice in the manifest", kind=kind, name=obj.name)
            seen.add(key)
            if isinstance(obj, Pod) and obj.key in self.pods:
                raise ClusterError(f'pods "{obj.name}" already exists')
            if isinstance(obj, Node) and obj.name in self._nodes_by_name:
                raise ClusterError(f'nodes "{obj.name}" already exists')
            if isinstance(obj, Pod) and obj.spec_node_name and obj.spec_node_name not in node_names:
                raise ObjectNotFound("Node", obj.spec_node_name, sorted(node_names))
        created = []
        for obj in objects:
            if isinstance(obj, Node):
                self.add_node(obj)
            elif isinstance(obj, Pod):
                self.create_pod(obj)
            elif isinstance(obj, Service):
                self.create_service(obj)
            elif isinstance(obj, Deployment):
                if obj.key in self.deployments:  # `kubectl apply` of a changed deployment: a rollout
                    current = self.deployments[obj.key]
                    current.template, current.replicas = obj.template, obj.replicas
                    current.max_surge, current.max_unavailable = obj.max_surge, obj.max_unavailable
                    current.strategy = obj.strategy
                    obj = current
                else:
                    self.create_deployment(obj)
            created.append(obj)
        self.step()
        return created

    def __repr__(self) -> str:
        return f"<Cluster {len(self.nodes)} nodes, {len(self.pods)} pods, t={self.time:.0f}s>"
