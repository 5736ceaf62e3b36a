"""Registry keys for exchange: partners, sharing classes, personal data, the partner source kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.errors import RegistryError
from pipelines.loader import load_registry
from tests.unit.test_loader import dataset, single, write
from warehouse.signing import generate_key_pair

PUBLIC = generate_key_pair()[1]
PARTNERS = {"48": {"name": "Thành phố Đà Nẵng", "public_key": PUBLIC}}
PARTNER_SOURCE = {"kind": "partner", "region": "48", "warehouse": "s3://danang", "dataset": "tourist_sites",
                  "access_key_id": "${DANANG_KEY_ID}", "secret_access_key": "${DANANG_SECRET}"}


def _error(tmp_path: Path, files: dict) -> str:
    with pytest.raises(RegistryError) as info:
        load_registry(write(tmp_path, files))
    return str(info.value)


CASES = {
    "shared without audience": (dict(sharing="shared"), ["datasets[0]", "share_with"]),
    "audience without shared": (dict(sharing="open", share_with=["48"]), ["share_with only applies", "open"]),
    "unknown partner": (dict(sharing="shared", share_with=["44"]), ["share_with", "'44' is not under partners", "48"]),
    "bad code": (dict(sharing="shared", share_with=["Đà Nẵng"]), ["2-digit region codes"]),
    "unknown class": (dict(sharing="public"), ["sharing", "open", "shared", "internal"]),
    "keep without reason": (dict(personal_data={"phone": "keep"}), ["personal_data.phone", "give a reason"]),
    "unknown treatment": (dict(personal_data={"phone": "hash"}), ["personal_data.phone", "pseudonymize"]),
    "kind off generalize": (dict(personal_data={"phone": {"treatment": "drop", "kind": "phone"}}),
                            ["kind only applies to treatment: generalize"]),
    "literal secret": (dict(source={**PARTNER_SOURCE, "secret_access_key": "hunter2-plain"}),
                       ["source.secret_access_key", "${VAR} reference"]),
    "partner not registered": (dict(source={**PARTNER_SOURCE, "region": "49"}),
                               ["source.region", "'49' is not under partners"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_sharing_keys_fail_naming_file_and_key(tmp_path, case):
    overrides, expected = CASES[case]
    message = _error(tmp_path, single(dataset(**overrides), partners=PARTNERS))
    for part in ["region.yaml", *expected]:
        assert part in message, (case, message)
    assert "hunter2-plain" not in message


def test_bad_partner_entries(tmp_path):
    bad = {"48": {"name": "Đà Nẵng", "public_key": "not base64!"}}
    message = _error(tmp_path, single(dataset(), partners=bad))
    assert "partners.48.public_key" in message and "base64" in message
    (tmp_path / "a").mkdir()
    message = _error(tmp_path / "a", single(dataset(), partners={"4x": {"name": "?", "public_key": PUBLIC}}))
    assert "'4x'" in message and "2-digit" in message
    short = {"48": {"name": "Đà Nẵng", "public_key": "AAAA"}}
    (tmp_path / "b").mkdir()
    assert "decodes to 3 bytes" in _error(tmp_path / "b", single(dataset(), partners=short))


def test_own_code_and_duplicate_partners_are_refused(tmp_path):
    own = {"46": {"name": "Huế", "public_key": PUBLIC}}
    assert "partners.46: that is this region's own code" in _error(tmp_path, single(dataset(), partners=own))
    files = {"a.yaml": {"region": {"code": "46", "name": "Huế"}, "publishers": {"so-y-te": {"name": "Sở Y tế"}},
                        "partners": PARTNERS},
             "b.yaml": {"partners": PARTNERS, "datasets": [dataset()]}}
    (tmp_path / "c").mkdir()
    assert "partners.48: duplicate partner" in _error(tmp_path / "c", files)


def test_a_valid_exchange_registry(tmp_path):
    files = single(dataset(sharing="shared", share_with=[48], personal_data={
                       "phone": "pseudonymize", "birth": {"treatment": "generalize", "kind": "date"},
                       "hotline": {"treatment": "keep", "reason": "đường dây nóng công khai"}}),
                   dataset(id="from_danang", source=PARTNER_SOURCE, primary_key=["site_id"]),
                   dataset(id="stats"), partners={48: PARTNERS["48"]})
    registry = load_registry(write(tmp_path, files))
    shared = registry.datasets["health_facilities"]
    assert shared.share_with == ["48"] and list(registry.partners) == ["48"]
    assert shared.personal_data["phone"].treatment == "pseudonymize"
    assert shared.personal_data["hotline"].reason == "đường dây nóng công khai"
    assert registry.datasets["stats"].sharing == "internal"
    assert registry.datasets["from_danang"].write_mode == "replace"  # a partner version is a whole snapshot
    assert registry.datasets["from_danang"].source.display_url == "s3://danang#tourist_sites"


def test_partner_grants_follow_the_sharing_classes(tmp_path):
    from orchestration.sharing_steps import partner_grants

    partners = {**PARTNERS, "44": {"name": "Tỉnh Quảng Trị", "public_key": PUBLIC}}
    files = single(dataset(id="a", sharing="shared", share_with=["48"]), dataset(id="b", sharing="open"),
                   dataset(id="c", sharing="shared", share_with=["44", "48"]), dataset(id="d"), partners=partners)
    registry = load_registry(write(tmp_path, files))
    grants = {g.code: g.datasets for g in partner_grants(registry)}
    assert grants == {"44": ("b", "c"), "48": ("a", "b", "c")}
    with pytest.raises(KeyError, match="unknown partner"):
        partner_grants(registry, ["01"])
