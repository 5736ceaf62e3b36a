"""Partner grants on MinIO: the admin API calls MinioAdmin makes, against a recording stand-in server."""

from __future__ import annotations

import json

import pytest

from tests.support.minio_admin_recorder import MinioAdminRecorder
from warehouse.config import WarehouseConfig
from warehouse.grants import GrantError, PartnerGrant, partner_policy
from warehouse.grants_minio import MinioBackend

pytestmark = pytest.mark.integration

LOCATION = "s3://hue-warehouse/hue"


@pytest.fixture
def recorder():
    with MinioAdminRecorder() as server:
        yield server


@pytest.fixture
def backend(recorder):
    config = WarehouseConfig(location=LOCATION, endpoint_url=recorder.endpoint,
                             access_key_id=recorder.access_key, secret_access_key=recorder.secret_key)
    return MinioBackend.from_config(config)


def _calls(recorder: MinioAdminRecorder) -> list[tuple[str, str, dict]]:
    return [(c.method, c.command, c.query) for c in recorder.calls]


def test_apply_new_partner_then_again_then_revoke(recorder, backend):
    grant = PartnerGrant("48", "Tây Ninh", ("a",))
    policy = partner_policy(LOCATION, grant)
    key = backend.apply(grant, policy)

    assert key is not None and key.partner == "48" and key.access_key_id == "regionlink-48"
    assert 8 <= len(key.secret_access_key) <= 40
    assert _calls(recorder) == [
        ("PUT", "add-canned-policy", {"name": "regionlink-48-read"}),
        ("GET", "user-info", {"accessKey": "regionlink-48"}),
        ("PUT", "add-user", {"accessKey": "regionlink-48"}),
        ("POST", "idp/builtin/policy/attach", {}),
    ]
    add_policy, _, add_user, attach = recorder.calls
    assert add_policy.body == policy
    assert add_user.body == {"status": "enabled", "secretKey": key.secret_access_key}
    assert attach.body == {"policies": ["regionlink-48-read"], "user": "regionlink-48"}
    assert recorder.users["regionlink-48"]["policies"] == ["regionlink-48-read"]
    assert set(json.loads(key.to_json_line())) == {"partner", "access_key_id", "secret_access_key"}

    recorder.calls.clear()
    wider = PartnerGrant("48", "Tây Ninh", ("a", "b"))
    assert backend.apply(wider, partner_policy(LOCATION, wider)) is None
    assert _calls(recorder) == [
        ("PUT", "add-canned-policy", {"name": "regionlink-48-read"}),
        ("GET", "user-info", {"accessKey": "regionlink-48"}),
    ]
    assert recorder.policies["regionlink-48-read"] == partner_policy(LOCATION, wider)
    assert recorder.users["regionlink-48"]["secretKey"] == key.secret_access_key

    recorder.calls.clear()
    assert backend.revoke("48") is True
    assert _calls(recorder) == [
        ("DELETE", "remove-user", {"accessKey": "regionlink-48"}),
        ("DELETE", "remove-canned-policy", {"name": "regionlink-48-read"}),
    ]
    assert not recorder.users and not recorder.policies
    assert backend.revoke("48") is False


def test_existing_user_without_the_policy_gets_it_attached(recorder, backend):
    recorder.users["regionlink-44"] = {"secretKey": "old-secret", "status": "enabled", "policies": []}
    grant = PartnerGrant("44", "Quảng Trị")
    assert backend.apply(grant, partner_policy(LOCATION, grant)) is None
    assert [c.command for c in recorder.calls] == ["add-canned-policy", "user-info", "idp/builtin/policy/attach"]
    assert recorder.users["regionlink-44"] == {"secretKey": "old-secret", "status": "enabled",
                                               "policies": ["regionlink-44-read"]}


def test_already_applied_attach_is_not_an_error(recorder, backend):
    recorder.users["regionlink-45"] = {"secretKey": "old-secret", "status": "enabled", "policies": []}
    recorder.fail_next("idp/builtin/policy/attach", 400, "XMinioAdminPolicyChangeAlreadyApplied",
                       "The specified policy change is already in effect.")
    grant = PartnerGrant("45", "x", ("a",))
    assert backend.apply(grant, partner_policy(LOCATION, grant)) is None


def test_server_errors_become_grant_errors(recorder, backend):
    grant = PartnerGrant("48", "Tây Ninh", ("a",))
    recorder.fail_next("add-canned-policy", 400, "XMinioMalformedJSON", "The JSON you provided was not well-formed")
    with pytest.raises(GrantError, match=r"partner 48 \(400 XMinioMalformedJSON: The JSON you provided"):
        backend.apply(grant, partner_policy(LOCATION, grant))
    assert not recorder.users

    recorder.fail_next("remove-user", 403, "AccessDenied", "Access Denied.")
    with pytest.raises(GrantError, match="cannot revoke partner 48 .*403 AccessDenied"):
        backend.revoke("48")


def test_a_new_user_whose_policy_cannot_be_attached_is_removed_again(recorder, backend):
    grant = PartnerGrant("47", "x", ("a",))
    recorder.fail_next("idp/builtin/policy/attach", 404, "XMinioAdminNoSuchPolicy", "The canned policy does not exist.")
    with pytest.raises(GrantError, match="XMinioAdminNoSuchPolicy"):
        backend.apply(grant, partner_policy(LOCATION, grant))
    assert "regionlink-47" not in recorder.users
    assert backend.apply(grant, partner_policy(LOCATION, grant)) is not None


def test_wrong_admin_key_is_refused_without_leaking_the_secret(recorder):
    secret = "not-the-admin-secret"
    backend = MinioBackend(recorder.endpoint, "someone-else", secret)
    grant = PartnerGrant("48", "Tây Ninh", ("a",))
    with pytest.raises(GrantError, match="InvalidAccessKeyId") as info:
        backend.apply(grant, partner_policy(LOCATION, grant))
    assert secret not in str(info.value) and secret not in repr(backend)


def test_missing_or_malformed_endpoint_is_refused():
    with pytest.raises(ValueError, match="MinIO grants need the MinIO endpoint"):
        MinioBackend.from_config(WarehouseConfig(location=LOCATION, access_key_id="k", secret_access_key="s"))
    with pytest.raises(ValueError, match="expected http"):
        MinioBackend("127.0.0.1:9000", "k", "s")
