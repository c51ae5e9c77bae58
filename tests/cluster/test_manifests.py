"""Kubernetes YAML in: the accepted subset, strict errors naming the field, nothing half-applied."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from simulator.cluster import Cluster, ManifestError, Node, load_manifests

from .test_scheduler import DEPLOYMENT

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: one
  labels: {app: one}
spec:
  containers:
  - name: c
    image: busybox:1.36
    imagePullPolicy: IfNotPresent
    resources:
      requests: {cpu: 250m, memory: 64Mi}
      limits: {cpu: 500m, memory: 128Mi}
  tolerations:
  - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
          - {key: disk, operator: In, values: [ssd]}
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 10
        preference:
          matchExpressions:
          - {key: zone, operator: In, values: [a]}
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: DoNotSchedule
    labelSelector: {matchLabels: {app: one}}
"""


def cluster() -> Cluster:
    return Cluster([Node(f"n{i}", labels={"disk": "ssd"}) for i in range(3)])


def test_a_full_pod_is_read():
    (pod,) = load_manifests(POD)
    assert pod.requests == {"cpu": 250, "memory": 64 * 2**20}
    assert pod.containers[0].limits["cpu"] == 500
    assert pod.tolerations[0].value == "gpu"
    assert pod.required_terms[0].match_expressions[0].values == ("ssd",)
    assert pod.preferred_terms[0].weight == 10
    assert pod.topology_spread[0].max_skew == 1


def test_apply_creates_and_schedules():
    c = cluster()
    c.apply(DEPLOYMENT + "---\n" + POD)
    c.settle()
    assert len(c.pods) == 4 and all(p.ready for p in c.pods.values())
    assert c.pod("one").node


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (
            ("imagePullPolicy: IfNotPresent", "imagePullPolcy: IfNotPresent"),
            "spec.containers[0].imagePullPolcy",
            'strict decoding error: unknown field "spec.containers[0].imagePullPolcy"',
        ),
        (("kind: Pod", "kind: Pood"), "kind", 'no matches for kind "Pood" in version "v1"'),
        (
            ("apiVersion: v1", "apiVersion: apps/v1"),
            "apiVersion",
            'no matches for kind "Pod" in version "apps/v1"',
        ),
        (
            ("cpu: 250m,", "cpu: 250x,"),
            "spec.containers[0].resources.requests[cpu]",
            "quantities must match the regular expression",
        ),
        (
            ("cpu: 250m,", "cpu: 2,"),
            "spec.containers[0].resources.requests",
            "must be less than or equal to cpu limit of 500m",
        ),
        (("operator: In", "operator: Within"), "", 'Unsupported value: "Within"'),
        (("  name: one\n", "  namespace: default\n"), "metadata.name", "name or generateName is required"),
        (
            ("image: busybox:1.36", "image: ' busybox'"),
            "spec.containers[0].image",
            "must not have leading or trailing whitespace",
        ),
        (
            ("maxSkew: 1", "maxSkew: 0"),
            "spec.topologySpreadConstraints[0].maxSkew",
            "must be greater than zero",
        ),
    ],
)
def test_bad_pods_name_the_field(edit, field, words):
    text = POD.replace(*edit)
    assert text != POD
    with pytest.raises(ManifestError) as err:
        load_manifests(text)
    assert words in str(err.value)
    if field:
        assert err.value.field == field
    assert err.value.kind in ("Pod", "")


def test_deployment_errors():
    with pytest.raises(ManifestError, match=r"`selector` does not match template `labels`") as err:
        load_manifests(DEPLOYMENT.replace("labels: {app: web}", "labels: {app: other}"))
    assert err.value.field == "spec.template.metadata.labels"
    with pytest.raises(
        ManifestError, match=r'unknown field "spec.template.spec.containers\[0\].imagePullPolcy"'
    ):
        load_manifests(DEPLOYMENT.replace("image: app:1", "image: app:1\n        imagePullPolcy: Always"))
    with pytest.raises(ManifestError, match=r"spec.replicas: Invalid value: -1"):
        load_manifests(DEPLOYMENT.replace("replicas: 3", "replicas: -1"))
    with pytest.raises(ManifestError, match=r'no matches for kind "Deployment" in version "v1"'):
        load_manifests(DEPLOYMENT.replace("apps/v1", "v1"))
    with pytest.raises(ManifestError, match=r"spec.strategy.rollingUpdate.maxSurge"):
        load_manifests(
            DEPLOYMENT.replace(
                "  replicas: 3\n", "  replicas: 3\n  strategy:\n    rollingUpdate: {maxSurge: 'lots'}\n"
            )
        )


def test_nothing_half_applied():
    c = cluster()
    bad = DEPLOYMENT + "---\n" + POD.replace("kind: Pod", "kind: CronJob")
    with pytest.raises(ManifestError) as err:
        c.apply(bad)
    assert err.value.document == 2
    assert not c.pods and not c.deployments and c.time == 0


def test_malformed_image_reference_is_a_pod_status():
    c = cluster()
    c.apply(POD.replace("image: busybox:1.36", "image: Busy Box"))
    pod = c.pod("one")
    assert pod.reason == "InvalidImageName"
    assert "invalid reference format" in pod.message and not pod.ready


def test_node_documents():
    text = """\
apiVersion: v1
kind: Node
metadata: {name: big, labels: {zone: a}}
spec:
  taints: [{key: gpu, value: "yes", effect: NoSchedule}]
status:
  capacity: {cpu: "8", memory: 32Gi, pods: "110"}
  allocatable: {cpu: 7500m, memory: 30Gi}
  images:
  - names: [docker.io/library/nginx:1.27, nginx:1.27]
    sizeBytes: 72000000
"""
    (node,) = load_manifests(text)
    assert node.allocatable["cpu"] == 7500 and node.capacity["cpu"] == 8000
    assert node.images["nginx:1.27"] == 72000000 and node.taints[0].key == "gpu"


# `kubectl create deployment web --image=nginx:1.27 --replicas=3 --dry-run=client -o yaml`
# (kubectl 1.20, Debian's kubernetes-client; `kubectl run` needs a server, so its output is kept here)
KUBECTL_RUN = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: p
  name: p
spec:
  containers:
  - image: busybox
    name: p
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"""


def test_kubectl_run_output_is_accepted():
    (pod,) = load_manifests(KUBECTL_RUN)
    assert pod.containers[0].image_pull_policy == "Always"  # no tag: latest: Always


@pytest.mark.real
@pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl not installed (Debian: kubernetes-client)"
)
def test_real_kubectl_output_is_accepted():
    binary = shutil.which("kubectl")
    assert binary

    def kubectl(*args: str) -> str:
        done = subprocess.run(
            [binary, *args, "--dry-run=client", "-o", "yaml"],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "KUBECONFIG": "/dev/null", "HOME": "/tmp"},
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    deploy = kubectl("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3")
    svc = kubectl("create", "service", "clusterip", "web", "--tcp=80:8080")
    c = Cluster([Node(f"n{i}") for i in range(3)])
    c.apply(deploy + "---\n" + svc)
    c.settle()
    assert len(c.endpoints("web")) == 3
    assert c.pick("web").name.startswith("web-")


def test_references_are_checked_before_anything_is_applied():
    c = cluster()
    with pytest.raises(LookupError, match='nodes "nowhere" not found'):
        c.apply(
            DEPLOYMENT
            + "---\n"
            + POD.replace("spec:\n  containers:", "spec:\n  nodeName: nowhere\n  containers:")
        )
    assert not c.deployments and not c.pods
    with pytest.raises(ValueError, match="appears twice"):
        c.apply(POD + "---\n" + POD)
    assert not c.pods


def test_a_pod_naming_a_full_node_is_rejected_by_its_kubelet():
    c = Cluster([Node("small", cpu="100m")])
    c.apply(POD.replace("spec:\n  containers:", "spec:\n  nodeName: small\n  containers:"))
    pod = c.pod("one")
    assert (pod.phase, pod.reason) == ("Failed", "OutOfcpu")
    assert (
        pod.message
        == "Pod was rejected: Node didn't have enough resource: cpu, requested: 250, used: 0, capacity: 100"
    )
