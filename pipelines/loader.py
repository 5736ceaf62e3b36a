"""Load and merge the registry YAML files, failing with the file and key of every problem."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from pipelines.errors import RegistryError
from pipelines.model import Dataset, Partner, Publisher, Region, Registry, RegistryFile


def registry_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise RegistryError([f"{path}: registry not found (set REGIONLINK_REGISTRY to a directory of YAML files)"])
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise RegistryError([f"{path}: no .yaml files in the registry directory"])
    return files


def _location(data: object, loc: tuple) -> str:
    """``datasets[3] (health_facilities).source.url`` from a pydantic error location."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node) and isinstance(node[key], dict) and "id" in node[key]:
                label += f" (id: {node[key]['id']})"
            parts.append(label)
        elif key in ("http", "ckan", "rest", "sql", "dcat", "partner") and parts and parts[-1].endswith("source"):
            continue
        else:
            parts.append(("." if parts else "") + str(key))
        node = node[key] if isinstance(node, (dict, list)) and _has(node, key) else None
    return "".join(parts)


def _has(node: dict | list, key: object) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


def _parse(path: Path, problems: list[str]) -> RegistryFile | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid YAML: {exc}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: top level must be a mapping (region / publishers / datasets)")
        return None
    try:
        return RegistryFile.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(f"{path}: {_location(data, err['loc'])}: {err['msg']}")
        return None


def load_registry(path: Path, suites_dir: Path | None = None) -> Registry:
    """Read every YAML file under ``path``; with ``suites_dir``, also require each dataset's suite file."""
    problems: list[str] = []
    region: tuple[Region, Path] | None = None
    publishers: dict[str, tuple[Publisher, Path]] = {}
    partners: dict[str, tuple[Partner, Path]] = {}
    datasets: dict[str, tuple[Dataset, Path]] = {}
    for file in registry_files(path):
        parsed = _parse(file, problems)
        if parsed is None:
            continue
        if parsed.region is not None:
            if region is not None:
                problems.append(f"{file}: region: already set in {region[1]}")
            else:
                region = (parsed.region, file)
        for pid, pub in parsed.publishers.items():
            if pid in publishers:
                problems.append(f"{file}: publishers.{pid}: duplicate publisher (also in {publishers[pid][1]})")
            publishers[pid] = (pub, file)
        for code, partner in parsed.partners.items():
            if code in partners:
                problems.append(f"{file}: partners.{code}: duplicate partner (also in {partners[code][1]})")
            partners[code] = (partner, file)
        for index, ds in enumerate(parsed.datasets):
            if ds.id in datasets:
                problems.append(f"{file}: datasets[{index}].id: duplicate dataset id '{ds.id}' (also in {datasets[ds.id][1]})")
            datasets[ds.id] = (ds, file)
    if region is None and not problems:
        problems.append(f"{path}: no file sets 'region' (exactly one must)")
    if region is not None and region[0].code in partners:
        problems.append(f"{partners[region[0].code][1]}: partners.{region[0].code}: that is this region's own code")
    for ds_id, (ds, file) in datasets.items():
        if ds.publisher not in publishers:
            problems.append(f"{file}: datasets ({ds_id}).publisher: unknown publisher '{ds.publisher}'")
        for code in ds.share_with:
            if code not in partners:
                problems.append(f"{file}: datasets ({ds_id}).share_with: '{code}' is not under partners "
                                f"(known: {', '.join(sorted(partners)) or 'none'})")
        if ds.source.kind == "partner" and ds.source.region not in partners:
            problems.append(f"{file}: datasets ({ds_id}).source.region: '{ds.source.region}' is not under partners "
                            f"(its public_key is needed to verify what it publishes)")
        if suites_dir is not None and not (suites_dir / f"{ds.suite}.json").is_file():
            problems.append(f"{file}: datasets ({ds_id}).expectations: suite file {suites_dir / (ds.suite + '.json')} not found")
    if problems:
        raise RegistryError(problems)
    assert region is not None
    return Registry(
        region=region[0],
        publishers={k: v for k, (v, _) in publishers.items()},
        partners={k: v for k, (v, _) in partners.items()},
        datasets={k: v for k, (v, _) in datasets.items()},
        origin={k: str(f) for k, (_, f) in datasets.items()},
    )
