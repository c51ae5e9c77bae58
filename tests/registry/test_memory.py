"""The in-memory registry answers the spec's requests with the spec's statuses and error codes.

Expectations are transcribed from opencontainers/distribution-spec spec.md v1.1.1 (endpoint
table end-1 ... end-12, error codes code-1 ... code-14); tests/registry/test_real.py asks Debian's
docker-registry the same questions and compares.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from simulator.digest import sha256_digest
from simulator.registry import Registry
from simulator.registry.spec import ERRORS

BLOB = b"hello blob"
DIGEST = sha256_digest(BLOB)
MISSING = "sha256:" + "0" * 64


def code(response) -> str:
    return json.loads(response.body)["errors"][0]["code"]


def header(response, name: str) -> str:
    return {k.lower(): v for k, v in response.headers.items()}[name.lower()]


def upload(reg: Registry, name: str, data: bytes) -> str:
    started = reg.handle("POST", f"/v2/{name}/blobs/uploads/")
    assert started.status == 202
    location = header(started, "Location")
    patched = reg.handle("PATCH", location, {"Content-Range": f"0-{len(data) - 1}"}, data)
    assert patched.status == 202
    assert header(patched, "Range") == f"0-{len(data) - 1}"
    digest = sha256_digest(data)
    done = reg.handle("PUT", f"{header(patched, 'Location')}?digest={digest}")
    assert done.status == 201
    assert header(done, "Docker-Content-Digest") == digest
    return digest


def manifest_for(config: str, config_size: int, layers: list[tuple[str, int]]) -> bytes:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config,
                "size": config_size,
            },
            "layers": [
                {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s}
                for d, s in layers
            ],
        }
    ).encode()


@pytest.fixture
def reg() -> Registry:
    return Registry()


def test_base_endpoint_answers_200(reg: Registry) -> None:  # end-1
    response = reg.handle("GET", "/v2/")
    assert response.status == 200
    assert header(response, "Docker-Distribution-API-Version") == "registry/2.0"


def test_head_blob_404_then_200_after_upload_with_length_and_digest(reg: Registry) -> None:  # end-2, 4a, 5, 6
    assert reg.handle("HEAD", f"/v2/web/blobs/{DIGEST}").status == 404
    upload(reg, "web", BLOB)
    head = reg.handle("HEAD", f"/v2/web/blobs/{DIGEST}")
    assert head.status == 200 and head.body == b""
    assert header(head, "Content-Length") == str(len(BLOB))
    assert header(head, "Docker-Content-Digest") == DIGEST
    assert reg.handle("GET", f"/v2/web/blobs/{DIGEST}").body == BLOB


def test_a_blob_is_visible_only_in_repositories_it_was_pushed_or_mounted_to(reg: Registry) -> None:
    upload(reg, "web", BLOB)
    other = reg.handle("GET", f"/v2/other/blobs/{DIGEST}")
    assert (other.status, code(other)) == (404, "BLOB_UNKNOWN")


def test_monolithic_post_with_digest_is_201(reg: Registry) -> None:  # end-4b
    response = reg.handle("POST", f"/v2/web/blobs/uploads/?digest={DIGEST}", {}, BLOB)
    assert response.status == 201
    assert header(response, "Location") == f"/v2/web/blobs/{DIGEST}"


def test_put_with_a_wrong_digest_is_400_digest_invalid_and_stores_nothing(reg: Registry) -> None:
    location = header(reg.handle("POST", "/v2/web/blobs/uploads/"), "Location")
    reg.handle("PATCH", location, {}, BLOB)
    response = reg.handle("PUT", f"{location}?digest={MISSING}")
    assert (response.status, code(response)) == (400, "DIGEST_INVALID")
    assert reg.handle("HEAD", f"/v2/web/blobs/{MISSING}").status == 404
    assert reg.blob_bytes_total() == 0


def test_unknown_upload_session_is_404_blob_upload_unknown(reg: Registry) -> None:
    response = reg.handle("PATCH", "/v2/web/blobs/uploads/no-such-session", {}, b"x")
    assert (response.status, code(response)) == (404, "BLOB_UPLOAD_UNKNOWN")


def test_chunk_out_of_order_is_416(reg: Registry) -> None:  # end-5 failure
    location = header(reg.handle("POST", "/v2/web/blobs/uploads/"), "Location")
    assert reg.handle("PATCH", location, {"Content-Range": "5-9"}, b"hello").status == 416


def test_chunked_upload_in_two_patches(reg: Registry) -> None:
    location = header(reg.handle("POST", "/v2/web/blobs/uploads/"), "Location")
    first = reg.handle("PATCH", location, {"Content-Range": "0-4"}, BLOB[:5])
    second = reg.handle("PATCH", header(first, "Location"), {"Content-Range": f"5-{len(BLOB) - 1}"}, BLOB[5:])
    assert header(second, "Range") == f"0-{len(BLOB) - 1}"
    assert reg.handle("PUT", f"{location}?digest={DIGEST}").status == 201


def test_mount_is_201_when_the_source_has_the_blob_else_202_with_a_session(reg: Registry) -> None:  # end-11
    upload(reg, "web", BLOB)
    mounted = reg.handle("POST", f"/v2/copy/blobs/uploads/?mount={DIGEST}&from=web")
    assert mounted.status == 201
    assert header(mounted, "Location") == f"/v2/copy/blobs/{DIGEST}"
    assert reg.handle("HEAD", f"/v2/copy/blobs/{DIGEST}").status == 200
    fallback = reg.handle("POST", f"/v2/third/blobs/uploads/?mount={DIGEST}&from=nowhere")
    assert fallback.status == 202
    assert "/v2/third/blobs/uploads/" in header(fallback, "Location")


def test_manifest_put_get_head_by_tag_and_digest(reg: Registry) -> None:  # end-3, end-7
    config = upload(reg, "web", b"{}")
    layer = upload(reg, "web", BLOB)
    body = manifest_for(config, 2, [(layer, len(BLOB))])
    put = reg.handle(
        "PUT", "/v2/web/manifests/1", {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body
    )
    assert put.status == 201
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    assert header(put, "Docker-Content-Digest") == digest
    for ref in ("1", digest):
        got = reg.handle("GET", f"/v2/web/manifests/{ref}")
        assert got.status == 200 and got.body == body
        assert header(got, "Content-Type") == "application/vnd.oci.image.manifest.v1+json"
        assert header(got, "Docker-Content-Digest") == digest
    assert reg.handle("HEAD", "/v2/web/manifests/1").body == b""


def test_manifest_naming_an_unknown_blob_is_manifest_blob_unknown(reg: Registry) -> None:
    body = manifest_for(MISSING, 2, [])
    response = reg.handle(
        "PUT", "/v2/web/manifests/1", {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body
    )
    assert (response.status, code(response)) == (400, "MANIFEST_BLOB_UNKNOWN")
    assert reg.repositories() == []  # nothing half-applied


def test_manifest_that_is_not_json_is_manifest_invalid(reg: Registry) -> None:
    response = reg.handle(
        "PUT", "/v2/web/manifests/1", {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, b"{"
    )
    assert (response.status, code(response)) == (400, "MANIFEST_INVALID")


def test_unknown_manifest_and_unknown_repository(reg: Registry) -> None:
    upload(reg, "web", BLOB)
    missing = reg.handle("GET", "/v2/web/manifests/nope")
    assert (missing.status, code(missing)) == (404, "MANIFEST_UNKNOWN")
    tags = reg.handle("GET", "/v2/nobody/tags/list")
    assert (tags.status, code(tags)) == (404, "NAME_UNKNOWN")


def test_invalid_repository_name_is_name_invalid(reg: Registry) -> None:
    response = reg.handle("GET", "/v2/Web/tags/list")
    assert (response.status, code(response)) == (400, "NAME_INVALID")


def test_tags_list_sorted_and_paginated_with_link(reg: Registry) -> None:  # end-8a/8b
    config = upload(reg, "web", b"{}")
    body = manifest_for(config, 2, [])
    for tag in ("b", "a", "c"):
        reg.handle(
            "PUT",
            f"/v2/web/manifests/{tag}",
            {"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
            body,
        )
    assert json.loads(reg.handle("GET", "/v2/web/tags/list").body) == {"name": "web", "tags": ["a", "b", "c"]}
    page = reg.handle("GET", "/v2/web/tags/list?n=2")
    assert json.loads(page.body)["tags"] == ["a", "b"]
    assert header(page, "Link") == '</v2/web/tags/list?n=2&last=b>; rel="next"'
    assert json.loads(reg.handle("GET", "/v2/web/tags/list?n=2&last=b").body)["tags"] == ["c"]


def test_delete_manifest_202_then_404(reg: Registry) -> None:  # end-9
    config = upload(reg, "web", b"{}")
    body = manifest_for(config, 2, [])
    put = reg.handle(
        "PUT", "/v2/web/manifests/1", {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body
    )
    digest = header(put, "Docker-Content-Digest")
    assert reg.handle("DELETE", f"/v2/web/manifests/{digest}").status == 202
    assert reg.handle("GET", "/v2/web/manifests/1").status == 404


def test_delete_disabled_is_405_unsupported() -> None:
    reg = Registry(delete_enabled=False)
    upload(reg, "web", BLOB)
    response = reg.handle("DELETE", f"/v2/web/blobs/{DIGEST}")
    assert (response.status, code(response)) == (405, "UNSUPPORTED")


def test_referrers_lists_manifests_whose_subject_is_the_digest(reg: Registry) -> None:  # end-12
    config = upload(reg, "web", b"{}")
    body = manifest_for(config, 2, [])
    subject = header(
        reg.handle(
            "PUT", "/v2/web/manifests/1", {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}, body
        ),
        "Docker-Content-Digest",
    )
    referrer = json.loads(body)
    referrer["artifactType"] = "application/vnd.example.sbom"
    referrer["subject"] = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": subject,
        "size": len(body),
    }
    raw = json.dumps(referrer).encode()
    put = reg.handle(
        "PUT",
        f"/v2/web/manifests/{sha256_digest(raw)}",
        {"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        raw,
    )
    assert header(put, "OCI-Subject") == subject
    listed = json.loads(reg.handle("GET", f"/v2/web/referrers/{subject}").body)
    assert [m["digest"] for m in listed["manifests"]] == [sha256_digest(raw)]
    assert listed["manifests"][0]["artifactType"] == "application/vnd.example.sbom"
    filtered = reg.handle("GET", f"/v2/web/referrers/{subject}?artifactType=other")
    assert json.loads(filtered.body)["manifests"] == []
    assert header(filtered, "OCI-Filters-Applied") == "artifactType"


def test_error_table_has_the_fourteen_codes_of_the_spec() -> None:
    assert len(ERRORS) == 14
    assert ERRORS["TOOMANYREQUESTS"].status == 429


def test_every_request_is_logged(reg: Registry) -> None:
    reg.handle("GET", "/v2/")
    reg.handle("HEAD", f"/v2/web/blobs/{DIGEST}")
    assert [(e.method, e.path, e.status) for e in reg.log] == [
        ("GET", "/v2/", 200),
        ("HEAD", f"/v2/web/blobs/{DIGEST}", 404),
    ]
