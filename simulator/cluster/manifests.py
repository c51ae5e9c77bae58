"""Kubernetes YAML in: a documented subset of v1 Pod, apps/v1 Deployment, v1 Service and v1 Node.

Decoding is *strict*, as ``kubectl apply --validate=strict`` and the API server's strict field
validation are: a field outside the subset is an error naming its path
(``unknown field "spec.template.spec.containers[0].imagePullPolcy"``), never silently dropped.
Every document is decoded and validated before the cluster changes, so a bad document in a
multi-document file leaves nothing half-applied.  ``kubectl create ... --dry-run=client -o yaml``
output (``creationTimestamp: null``, ``resources: {}``, ``strategy: {}``, ``status: {}``) is accepted.

Fields marked *inert* are accepted and kept out of the model (commands, env, ports, probes'
absence is an error: they are not in the subset).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml  # type: ignore[import-untyped]  # (types-PyYAML is not installed)

from .errors import InvalidQuantity, ManifestError
from .labels import LabelSelector, NodeSelectorTerm, PreferredTerm, Requirement, Taint, Toleration
from .objects import Container, Deployment, Node, Pod, PodTemplate, Service, TopologySpreadConstraint
from .quantity import parse_quantity

__all__ = ["SCHEMA", "load_manifests"]

STR, INT, BOOL, MAP, QTY, ANY = "string", "integer", "boolean", "map[string]string", "quantities", "inert"
INTSTR = "int-or-string"

_META = {
    "name": STR,
    "namespace": STR,
    "labels": MAP,
    "annotations": MAP,
    "creationTimestamp": ANY,
    "generateName": STR,
}
_REQ = {"key": STR, "operator": STR, "values": [STR]}
_SELECTOR = {"matchLabels": MAP, "matchExpressions": [_REQ]}
_TERM = {"matchExpressions": [_REQ], "matchFields": [_REQ]}
_CONTAINER = {
    "name": STR,
    "image": STR,
    "imagePullPolicy": STR,
    "resources": {"requests": QTY, "limits": QTY},
    "command": [STR],
    "args": [STR],
    "env": [{"name": STR, "value": STR}],
    "ports": [{"containerPort": INT, "name": STR, "protocol": STR}],
    "workingDir": STR,
    "terminationMessagePath": ANY,
    "terminationMessagePolicy": ANY,
}
_POD_SPEC = {
    "containers": [_CONTAINER],
    "initContainers": [_CONTAINER],
    "nodeName": STR,
    "nodeSelector": MAP,
    "affinity": {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [_TERM]},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": INT, "preference": _TERM}],
        }
    },
    "tolerations": [{"key": STR, "operator": STR, "value": STR, "effect": STR, "tolerationSeconds": INT}],
    "topologySpreadConstraints": [
        {
            "maxSkew": INT,
            "topologyKey": STR,
            "whenUnsatisfiable": STR,
            "labelSelector": _SELECTOR,
            "minDomains": INT,
        }
    ],
    "overhead": QTY,
    "restartPolicy": STR,
    "dnsPolicy": ANY,
    "schedulerName": STR,
    "terminationGracePeriodSeconds": ANY,
}
SCHEMA: dict[str, dict[str, Any]] = {
    "v1/Pod": {"apiVersion": STR, "kind": STR, "metadata": _META, "spec": _POD_SPEC, "status": ANY},
    "apps/v1/Deployment": {
        "apiVersion": STR,
        "kind": STR,
        "metadata": _META,
        "spec": {
            "replicas": INT,
            "selector": _SELECTOR,
            "template": {"metadata": _META, "spec": _POD_SPEC},
            "strategy": {"type": STR, "rollingUpdate": {"maxSurge": INTSTR, "maxUnavailable": INTSTR}},
            "minReadySeconds": INT,
            "revisionHistoryLimit": INT,
            "progressDeadlineSeconds": INT,
        },
        "status": ANY,
    },
    "v1/Service": {
        "apiVersion": STR,
        "kind": STR,
        "metadata": _META,
        "spec": {
            "selector": MAP,
            "ports": [{"name": STR, "port": INT, "targetPort": INTSTR, "protocol": STR, "nodePort": INT}],
            "type": STR,
            "clusterIP": STR,
            "sessionAffinity": STR,
        },
        "status": ANY,
    },
    "v1/Node": {
        "apiVersion": STR,
        "kind": STR,
        "metadata": _META,
        "spec": {"taints": [{"key": STR, "value": STR, "effect": STR}], "unschedulable": BOOL},
        "status": {"capacity": QTY, "allocatable": QTY, "images": [{"names": [STR], "sizeBytes": INT}]},
    },
}
_VERSIONS = {"Pod": "v1", "Deployment": "apps/v1", "Service": "v1", "Node": "v1"}


class _Doc:
    def __init__(self, index: int, kind: str, name: str) -> None:
        self.index, self.kind, self.name = index, kind, name

    def error(self, message: str, field: str = "") -> ManifestError:
        text = f"{field}: {message}" if field and not message.startswith("strict") else message
        return ManifestError(text, field=field, kind=self.kind, name=self.name, document=self.index)


def _check(doc: _Doc, value: Any, schema: Any, path: str) -> None:
    """Strict decoding: every key known, every value of its declared type."""
    if schema == ANY or value is None:
        return
    if isinstance(schema, dict):
        if not isinstance(value, Mapping):
            raise doc.error(f"Invalid value: {value!r}: must be an object", path)
        for key, sub in value.items():
            child = f"{path}.{key}" if path else str(key)
            if key not in schema:
                raise doc.error(f'strict decoding error: unknown field "{child}"', child)
            _check(doc, sub, schema[key], child)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            raise doc.error(f"Invalid value: {value!r}: must be a list", path)
        for i, item in enumerate(value):
            _check(doc, item, schema[0], f"{path}[{i}]")
    elif schema in (MAP, QTY):
        if not isinstance(value, Mapping):
            raise doc.error(f"Invalid value: {value!r}: must be a map", path)
        for k, v in value.items():
            if schema == MAP and not isinstance(v, str):
                raise doc.error(f'Invalid value: {v!r}: must be a string (quote it: "{v}")', f"{path}.{k}")
            if schema == QTY:
                try:
                    q = parse_quantity(v)
                except InvalidQuantity as exc:
                    raise doc.error(f"Invalid value: {v!r}: {exc.reason}", f"{path}[{k}]") from None
                if q.amount < 0:
                    raise doc.error(
                        f"Invalid value: {v!r}: must be greater than or equal to 0", f"{path}[{k}]"
                    )
    elif schema == STR and not isinstance(value, str):
        raise doc.error(f"Invalid value: {value!r}: must be a string", path)
    elif schema == INT and (not isinstance(value, int) or isinstance(value, bool)):
        raise doc.error(f"Invalid value: {value!r}: must be an integer", path)
    elif schema == BOOL and not isinstance(value, bool):
        raise doc.error(f"Invalid value: {value!r}: must be a boolean", path)
    elif schema == INTSTR and (not isinstance(value, int | str) or isinstance(value, bool)):
        raise doc.error(f"Invalid value: {value!r}: must be an integer or a percentage", path)


def _requirements(
    doc: _Doc, items: list[Any] | None, path: str, ops: tuple[str, ...]
) -> tuple[Requirement, ...]:
    out = []
    for i, r in enumerate(items or []):
        where = f"{path}[{i}]"
        if not r.get("key"):
            raise doc.error("Required value", f"{where}.key")
        op = r.get("operator", "")
        if op not in ops:
            raise doc.error(
                f'Unsupported value: "{op}": supported values: {", ".join(repr(o) for o in ops)}',
                f"{where}.operator",
            )
        values = tuple(r.get("values") or ())
        if op in ("In", "NotIn") and not values:
            raise doc.error(
                "Required value: must be specified when `operator` is 'In' or 'NotIn'", f"{where}.values"
            )
        if op in ("Exists", "DoesNotExist") and values:
            raise doc.error(
                "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                f"{where}.values",
            )
        if op in ("Gt", "Lt") and (len(values) != 1 or not values[0].lstrip("-").isdigit()):
            raise doc.error(
                "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
                f"{where}.values",
            )
        out.append(Requirement(r["key"], op, values))
    return tuple(out)


def _selector(doc: _Doc, raw: Mapping[str, Any] | None, path: str) -> LabelSelector:
    raw = raw or {}
    return LabelSelector(
        raw.get("matchLabels") or {},
        _requirements(
            doc,
            raw.get("matchExpressions"),
            f"{path}.matchExpressions",
            ("In", "NotIn", "Exists", "DoesNotExist"),
        ),
    )


def _term(doc: _Doc, raw: Mapping[str, Any], path: str) -> NodeSelectorTerm:
    ops = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")
    fields = _requirements(doc, raw.get("matchFields"), f"{path}.matchFields", ("In", "NotIn"))
    for i, r in enumerate(fields):
        if r.key != "metadata.name":
            raise doc.error(
                f'Invalid value: "{r.key}": not a valid field selector key', f"{path}.matchFields[{i}].key"
            )
    return NodeSelectorTerm(
        _requirements(doc, raw.get("matchExpressions"), f"{path}.matchExpressions", ops), fields
    )


def _containers(doc: _Doc, items: list[Any] | None, path: str) -> tuple[Container, ...]:
    out = []
    names: set[str] = set()
    for i, c in enumerate(items or []):
        where = f"{path}[{i}]"
        for key in ("name", "image"):
            if not c.get(key):
                raise doc.error("Required value", f"{where}.{key}")
        if c["name"] in names:
            raise doc.error(f'Duplicate value: "{c["name"]}"', f"{where}.name")
        names.add(c["name"])
        image = c["image"]
        if image != image.strip():
            raise doc.error(
                f'Invalid value: "{image}": must not have leading or trailing whitespace', f"{where}.image"
            )
        policy = c.get("imagePullPolicy", "")
        if policy and policy not in ("Always", "IfNotPresent", "Never"):
            raise doc.error(
                f'Unsupported value: "{policy}": supported values: "Always", "IfNotPresent", "Never"',
                f"{where}.imagePullPolicy",
            )
        res = c.get("resources") or {}
        requests, limits = res.get("requests") or {}, res.get("limits") or {}
        container = Container.of(c["name"], image, requests=requests, limits=limits, image_pull_policy=policy)
        for r, limit in container.limits.items():
            if r in requests and container.requests[r] > limit:
                raise doc.error(
                    f'Invalid value: "{requests[r]}": must be less than or equal to {r} limit of {limits[r]}',
                    f"{where}.resources.requests",
                )
        out.append(container)
    return tuple(out)


def _pod_kwargs(doc: _Doc, spec: Mapping[str, Any], path: str) -> dict[str, Any]:
    containers = _containers(doc, spec.get("containers"), f"{path}.containers")
    if not containers:
        raise doc.error("Required value", f"{path}.containers")
    if spec.get("restartPolicy", "Always") not in ("Always", "OnFailure", "Never"):
        raise doc.error(f'Unsupported value: "{spec["restartPolicy"]}"', f"{path}.restartPolicy")
    affinity = ((spec.get("affinity") or {}).get("nodeAffinity")) or {}
    required = None
    req_raw = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if req_raw is not None:
        terms = req_raw.get("nodeSelectorTerms") or []
        where = (
            f"{path}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
        )
        if not terms:
            raise doc.error("Required value: must have at least one node selector term", where)
        required = tuple(_term(doc, t or {}, f"{where}[{i}]") for i, t in enumerate(terms))
    preferred = []
    for i, p in enumerate(affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        where = f"{path}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
        weight = p.get("weight", 0)
        if not 1 <= weight <= 100:
            raise doc.error(f"Invalid value: {weight}: must be in the range 1-100", f"{where}.weight")
        preferred.append(PreferredTerm(weight, _term(doc, p.get("preference") or {}, f"{where}.preference")))
    tolerations = []
    for i, t in enumerate(spec.get("tolerations") or []):
        where = f"{path}.tolerations[{i}]"
        op = t.get("operator", "Equal")
        if op not in ("Equal", "Exists"):
            raise doc.error(
                f'Unsupported value: "{op}": supported values: "Equal", "Exists"', f"{where}.operator"
            )
        if op == "Exists" and t.get("value"):
            raise doc.error(
                "Invalid value: value must be empty when `operator` is 'Exists'", f"{where}.operator"
            )
        effect = t.get("effect", "")
        if effect not in ("", "NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise doc.error(f'Unsupported value: "{effect}"', f"{where}.effect")
        tolerations.append(
            Toleration(t.get("key", ""), op, t.get("value", ""), effect, t.get("tolerationSeconds"))
        )
    spread = []
    for i, c in enumerate(spec.get("topologySpreadConstraints") or []):
        where = f"{path}.topologySpreadConstraints[{i}]"
        for key in ("maxSkew", "topologyKey", "whenUnsatisfiable"):
            if key not in c:
                raise doc.error("Required value", f"{where}.{key}")
        if c["maxSkew"] < 1:
            raise doc.error(f"Invalid value: {c['maxSkew']}: must be greater than zero", f"{where}.maxSkew")
        if c["whenUnsatisfiable"] not in ("DoNotSchedule", "ScheduleAnyway"):
            raise doc.error(f'Unsupported value: "{c["whenUnsatisfiable"]}"', f"{where}.whenUnsatisfiable")
        selector = (
            _selector(doc, c["labelSelector"], f"{where}.labelSelector") if "labelSelector" in c else None
        )
        spread.append(
            TopologySpreadConstraint(
                c["maxSkew"], c["topologyKey"], c["whenUnsatisfiable"], selector, c.get("minDomains", 1)
            )
        )
    return {
        "containers": containers,
        "init_containers": _containers(doc, spec.get("initContainers"), f"{path}.initContainers"),
        "node_selector": spec.get("nodeSelector") or {},
        "required_terms": required,
        "preferred_terms": tuple(preferred),
        "tolerations": tuple(tolerations),
        "topology_spread": tuple(spread),
        "node_name": spec.get("nodeName", ""),
        "overhead": spec.get("overhead"),
    }


def _build(doc: _Doc, body: Mapping[str, Any]) -> Any:
    meta = body.get("metadata") or {}
    ns = meta.get("namespace", "default")
    spec = body.get("spec") or {}
    if doc.kind == "Pod":
        kwargs = _pod_kwargs(doc, spec, "spec")
        return Pod(doc.name, labels=meta.get("labels") or {}, namespace=ns, **kwargs)
    if doc.kind == "Deployment":
        template = spec.get("template") or {}
        tmeta = template.get("metadata") or {}
        labels = tmeta.get("labels") or {}
        selector = _selector(doc, spec.get("selector"), "spec.selector")
        if "selector" not in spec:
            raise doc.error("Required value", "spec.selector")
        if selector.empty:
            raise doc.error("Invalid value: empty selector is invalid for deployment", "spec.selector")
        if not selector.matches(labels):
            raise doc.error(
                "Invalid value: `selector` does not match template `labels`", "spec.template.metadata.labels"
            )
        kwargs = _pod_kwargs(doc, template.get("spec") or {}, "spec.template.spec")
        kwargs.pop("node_name")
        replicas = spec.get("replicas", 1)
        if replicas < 0:
            raise doc.error(f"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")
        strategy = spec.get("strategy") or {}
        kind = strategy.get("type", "RollingUpdate")
        if kind not in ("RollingUpdate", "Recreate"):
            raise doc.error(
                f'Unsupported value: "{kind}": supported values: "Recreate", "RollingUpdate"',
                "spec.strategy.type",
            )
        rolling = strategy.get("rollingUpdate") or {}
        for key in ("maxSurge", "maxUnavailable"):
            v = rolling.get(key)
            if isinstance(v, str) and not (v.endswith("%") and v[:-1].isdigit()):
                raise doc.error(
                    f"Invalid value: \"{v}\": a valid percent string must be a numeric string followed by an ending '%'",
                    f"spec.strategy.rollingUpdate.{key}",
                )
        return Deployment(
            doc.name,
            PodTemplate.of(labels, **kwargs),
            replicas,
            selector,
            ns,
            kind,
            rolling.get("maxSurge", "25%"),
            rolling.get("maxUnavailable", "25%"),
            spec.get("revisionHistoryLimit", 10),
            spec.get("progressDeadlineSeconds", 600),
            spec.get("minReadySeconds", 0),
            dict(meta.get("labels") or {}),
        )
    if doc.kind == "Service":
        return Service(
            doc.name,
            dict(spec.get("selector") or {}),
            list(spec.get("ports") or []),
            ns,
            spec.get("type", "ClusterIP"),
            dict(meta.get("labels") or {}),
        )
    status = body.get("status") or {}
    capacity = dict(status.get("capacity") or {"cpu": "4", "memory": "8Gi", "pods": "110"})
    taints = []
    for i, t in enumerate(spec.get("taints") or []):
        if t.get("effect") not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise doc.error(f'Unsupported value: "{t.get("effect")}"', f"spec.taints[{i}].effect")
        taints.append(Taint(t["key"], t.get("value", ""), t["effect"]))
    images = {}
    for img in status.get("images") or []:
        for name in img.get("names") or []:
            images[name] = img.get("sizeBytes", 0)
    pods = int(parse_quantity(capacity.pop("pods", 110)).value())
    return Node(
        doc.name,
        cpu=capacity.pop("cpu", "4"),
        memory=capacity.pop("memory", "8Gi"),
        pods=pods,
        resources=capacity,
        allocatable=status.get("allocatable"),
        labels=meta.get("labels") or {},
        taints=taints,
        unschedulable=bool(spec.get("unschedulable")),
        images=images,
    )


def load_manifests(text: str) -> list[Any]:
    """Decode and validate every document of ``text``; raise :class:`ManifestError` on the first bad one."""
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        raise ManifestError(f"error converting YAML to JSON: {exc}") from None
    objects = []
    for i, body in enumerate(documents, 1):
        doc = _Doc(i, "", "")
        if not isinstance(body, Mapping):
            raise doc.error(f"Object 'Kind' is missing in '{body!r}'")
        kind, version = body.get("kind"), body.get("apiVersion")
        if not kind:
            raise doc.error("Object 'Kind' is missing", "kind")
        if not version:
            raise doc.error("Object 'apiVersion' is missing", "apiVersion")
        if kind not in _VERSIONS:
            raise doc.error(
                f'no matches for kind "{kind}" in version "{version}" (this cluster knows {", ".join(sorted(_VERSIONS))})',
                "kind",
            )
        if _VERSIONS[kind] != version:
            raise doc.error(
                f'no matches for kind "{kind}" in version "{version}" (use apiVersion: {_VERSIONS[kind]})',
                "apiVersion",
            )
        doc.kind = kind
        name = (body.get("metadata") or {}).get("name") if isinstance(body.get("metadata"), Mapping) else None
        doc.name = name or ""
        _check(doc, body, SCHEMA[f"{version}/{kind}"], "")
        if not name:
            raise doc.error("Required value: name or generateName is required", "metadata.name")
        objects.append(_build(doc, body))
    return objects
