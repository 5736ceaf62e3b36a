"""pipelines.loader / pipelines.model: registry YAML → validated, merged Registry; errors name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.errors import RegistryError
from pipelines.loader import load_registry

REGION = {"code": "46", "name": "Thành phố Huế"}
PUBLISHERS = {"so-y-te": {"name": "Sở Y tế"}, "so-du-lich": {"name": "Sở Du lịch"}}


def dataset(**overrides) -> dict:
    ds = {"id": "health_facilities", "title": "Cơ sở khám bệnh, chữa bệnh", "publisher": "so-y-te",
          "theme": "health", "source": {"kind": "http", "url": "https://data.hue.gov.vn/files/co-so.csv"}}
    ds.update(overrides)
    return {k: v for k, v in ds.items() if v is not None}


def write(root: Path, files: dict[str, dict | str]) -> Path:
    registry = root / "registry"
    registry.mkdir()
    for name, content in files.items():
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
        (registry / name).write_text(text, encoding="utf-8")
    return registry


def single(*datasets: dict, **top) -> dict[str, dict]:
    """One file holding region, publishers and the datasets (plus any extra top-level keys)."""
    return {"region.yaml": {"region": REGION, "publishers": PUBLISHERS, "datasets": list(datasets), **top}}


def load_error(tmp_path: Path, files: dict, suites: Path | None = None) -> str:
    registry = write(tmp_path, files)
    with pytest.raises(RegistryError) as info:
        load_registry(registry, suites)
    return str(info.value)


# each case: files, then substrings the message must contain ({dir} → the registry directory)
ERROR_CASES = {
    "unknown top-level key": (single(dataset(), sources=[]), ["region.yaml", "sources", "Extra inputs"]),
    "unknown dataset key": (single(dataset(owner="x")), ["region.yaml", "datasets[0]", "health_facilities", "owner"]),
    "bad id": (single(dataset(id="Health-Facilities")), ["region.yaml", "datasets[0]", "Health-Facilities", ".id"]),
    "missing title": (single(dataset(title=None)), ["region.yaml", "health_facilities", ".title", "required"]),
    "empty title": (single(dataset(title="")), ["region.yaml", "health_facilities", ".title"]),
    "unknown publisher": (single(dataset(publisher="so-giao-thong")),
                          ["region.yaml", "health_facilities", "publisher", "so-giao-thong"]),
    "duplicate dataset id across files": (
        {"a.yaml": {"region": REGION, "publishers": PUBLISHERS},
         "b.yaml": {"datasets": [dataset()]}, "c.yaml": {"datasets": [dataset()]}},
        ["{dir}/b.yaml", "{dir}/c.yaml", "datasets[0].id", "duplicate dataset id 'health_facilities'"]),
    "duplicate publisher": (
        {"a.yaml": {"region": REGION, "publishers": PUBLISHERS},
         "b.yaml": {"publishers": {"so-y-te": {"name": "Sở Y tế"}}, "datasets": [dataset()]}},
        ["{dir}/b.yaml", "{dir}/a.yaml", "publishers.so-y-te", "duplicate publisher"]),
    "two files set region": (
        {"a.yaml": {"region": REGION, "publishers": PUBLISHERS},
         "b.yaml": {"region": {"code": "48", "name": "Đà Nẵng"}, "datasets": [dataset()]}},
        ["{dir}/b.yaml", "region", "already set in {dir}/a.yaml"]),
    "no region": ({"a.yaml": {"publishers": PUBLISHERS, "datasets": [dataset()]}}, ["{dir}: no file sets 'region'"]),
    "bad region code": ({"a.yaml": {"region": {"code": "046", "name": "Huế"}}}, ["a.yaml", "region.code"]),
    "merge without primary key": (single(dataset(write="merge")),
                                  ["region.yaml", "health_facilities", "merge", "primary_key"]),
    "unknown theme": (single(dataset(theme="sport")), ["region.yaml", "health_facilities", ".theme"]),
    "bad source kind": (single(dataset(source={"kind": "ftp", "url": "ftp://x/a.csv"})),
                        ["region.yaml", "health_facilities", ".source", "ftp"]),
    "ckan without package": (single(dataset(source={"kind": "ckan", "portal": "https://ckan.example"})),
                             ["region.yaml", "health_facilities", ".source.package", "required"]),
    "unknown encoding": (single(dataset(format={"encoding": "tcvn3"})),
                         ["region.yaml", "health_facilities", ".format.encoding", "tcvn3"]),
    "bad cron (hour 25)": (single(dataset(schedule="0 25 * * *")),
                           ["region.yaml", "health_facilities", ".schedule", "0 25 * * *"]),
    "bad cron (6 fields)": (single(dataset(schedule="0 0 2 * * *")), ["region.yaml", ".schedule", "cron"]),
    "unterminated ${": (single(dataset(source={"kind": "http", "url": "${DEMO_PORTAL/files/a.csv"})),
                        ["region.yaml", "health_facilities", ".source.url", "unterminated"]),
    "invalid ${name}": (single(dataset(source={"kind": "ckan", "portal": "${1PORTAL}", "package": "p"})),
                        ["region.yaml", "health_facilities", ".source.portal", "${1PORTAL}"]),
    "non-snake_case rename": (single(dataset(columns={"Mã cơ sở": {"name": "MaCoSo"}})),
                              ["region.yaml", "health_facilities", "columns.Mã cơ sở.name", "MaCoSo"]),
    "unknown column type": (single(dataset(columns={"Mã cơ sở": {"type": "text"}})),
                            ["region.yaml", "columns.Mã cơ sở.type"]),
    "invalid YAML": ({"a.yaml": "region: {code: '46'\n"}, ["{dir}/a.yaml", "not valid YAML"]),
    "top level is a list": ({"a.yaml": "- 1\n"}, ["{dir}/a.yaml", "mapping"]),
}


@pytest.mark.parametrize(("files", "expected"), list(ERROR_CASES.values()), ids=list(ERROR_CASES))
def test_registry_errors_name_file_and_key(tmp_path, files, expected):
    message = load_error(tmp_path, files)
    for part in expected:
        assert part.replace("{dir}", str(tmp_path / "registry")) in message, message


def test_every_problem_is_reported_at_once(tmp_path):
    files = {"a.yaml": {"region": REGION, "publishers": PUBLISHERS},
             "b.yaml": {"datasets": [dataset(theme="sport")]},
             "c.yaml": {"datasets": [dataset(id="schools", publisher="nobody")]}}
    registry = write(tmp_path, files)
    with pytest.raises(RegistryError) as info:
        load_registry(registry)
    assert len(info.value.problems) == 2
    assert "b.yaml" in info.value.problems[0] and "theme" in info.value.problems[0]
    assert "c.yaml" in info.value.problems[1] and "nobody" in info.value.problems[1]


def test_missing_suite_file_names_dataset_and_path(tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "health_facilities.json").write_text('{"expectations": []}')
    files = single(dataset(), dataset(id="schools", publisher="so-du-lich", expectations="truong_hoc"))
    message = load_error(tmp_path, files, suites)
    assert "region.yaml" in message and "schools" in message
    assert str(suites / "truong_hoc.json") in message
    assert "health_facilities" not in message


def test_registry_path_missing_or_empty(tmp_path):
    with pytest.raises(RegistryError, match="registry not found"):
        load_registry(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RegistryError, match="no .yaml files"):
        load_registry(tmp_path / "empty")


@pytest.fixture
def merged(tmp_path):
    files = {
        "region.yaml": {"region": REGION, "publishers": PUBLISHERS},
        "so-y-te.yaml": {"datasets": [dataset(columns={"Mã cơ sở": {"name": "facility_code", "type": "string"},
                                                       "Số giường bệnh": {"type": "integer"}},
                                              primary_key=["facility_code"])]},
        "nested/so-du-lich.yml": {"datasets": [
            dataset(id="tourist_sites", publisher="so-du-lich", theme="tourism", write="append",
                    expectations="diem_du_lich", schedule="0 2 * * *",
                    source={"kind": "ckan", "portal": "${CKAN_PORTAL}", "package": "diem-du-lich"}),
            dataset(id="ticket_prices", publisher="so-du-lich", theme="tourism")]},
    }
    (tmp_path / "registry" / "nested").mkdir(parents=True)
    for name, content in files.items():
        (tmp_path / "registry" / name).write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    suites = tmp_path / "suites"
    suites.mkdir()
    for name in ("health_facilities", "diem_du_lich", "ticket_prices"):
        (suites / f"{name}.json").write_text('{"expectations": []}')
    return load_registry(tmp_path / "registry", suites), tmp_path / "registry"


def test_happy_path_merges_files(merged):
    registry, root = merged
    assert registry.region.code == "46" and registry.region.name == "Thành phố Huế"
    assert set(registry.publishers) == {"so-y-te", "so-du-lich"}
    assert set(registry.datasets) == {"health_facilities", "tourist_sites", "ticket_prices"}
    assert registry.origin["health_facilities"] == str(root / "so-y-te.yaml")
    assert registry.origin["tourist_sites"] == str(root / "nested" / "so-du-lich.yml")


@pytest.mark.parametrize(("ds_id", "write_mode", "suite"), [
    ("health_facilities", "merge", "health_facilities"),  # primary key, no write → merge; suite = id
    ("ticket_prices", "replace", "ticket_prices"),  # no primary key → replace
    ("tourist_sites", "append", "diem_du_lich"),  # explicit write and expectations
])
def test_defaults(merged, ds_id, write_mode, suite):
    ds = merged[0].datasets[ds_id]
    assert ds.write_mode == write_mode
    assert ds.suite == suite


def test_dataset_fields(merged):
    registry = merged[0]
    health = registry.datasets["health_facilities"]
    assert health.renames == {"Mã cơ sở": "facility_code"}  # a type-only column is not a rename
    assert health.format.encoding == "utf-8" and health.format.delimiter == "," and health.format.header_row == 1
    tourist = registry.datasets["tourist_sites"]
    assert tourist.source.kind == "ckan" and tourist.source.portal == "${CKAN_PORTAL}"  # expanded later, not here
    assert tourist.schedule == "0 2 * * *"


def test_select(merged):
    registry = merged[0]
    assert [d.id for d in registry.select(None)] == list(registry.datasets)
    assert [d.id for d in registry.select([])] == list(registry.datasets)
    assert [d.id for d in registry.select(["ticket_prices", "health_facilities"])] == ["ticket_prices",
                                                                                     "health_facilities"]
    with pytest.raises(KeyError) as info:
        registry.select(["health_facilities", "hospital_beds"])
    message = str(info.value)
    assert "hospital_beds" in message and "known: health_facilities, ticket_prices, tourist_sites" in message


def test_single_file_registry(tmp_path):
    registry = write(tmp_path, single(dataset()))
    loaded = load_registry(registry / "region.yaml")
    assert list(loaded.datasets) == ["health_facilities"]


def test_the_shipped_registry_loads():
    root = Path(__file__).resolve().parents[2]
    registry = load_registry(root / "pipelines" / "registry", root / "expectations" / "suites")
    assert registry.region.code == "46"
    assert len(registry.datasets) >= 10
    assert all(ds.publisher in registry.publishers for ds in registry.datasets.values())
