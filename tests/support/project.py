"""Write a registry and its suites into a temporary folder and point regionlink's settings at them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

REGION = {"code": "46", "name": "Thành phố Huế"}
PUBLISHERS = {"so-y-te": {"name": "Sở Y tế"}, "so-van-hoa-the-thao": {"name": "Sở Văn hóa và Thể thao"},
              "so-giao-duc-dao-tao": {"name": "Sở Giáo dục và Đào tạo"}}


def expectation(kind: str, severity: str = "critical", **kwargs) -> dict:
    return {"type": kind, "kwargs": kwargs, "severity": severity}


def write_project(root: Path, datasets: list[dict], suites: dict[str, list[dict]]) -> tuple[Path, Path]:
    """``root/registry/{region,datasets}.yaml`` and ``root/suites/<name>.json``; returns both folders."""
    registry, suite_dir = root / "registry", root / "suites"
    registry.mkdir(parents=True, exist_ok=True)
    suite_dir.mkdir(parents=True, exist_ok=True)
    (registry / "region.yaml").write_text(yaml.safe_dump({"region": REGION, "publishers": PUBLISHERS}, allow_unicode=True), encoding="utf-8")
    (registry / "datasets.yaml").write_text(yaml.safe_dump({"datasets": datasets}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for dataset in datasets:
        name = dataset.get("expectations", dataset["id"])
        body = {"name": name, "expectations": suites.get(name, []), "meta": {}}
        (suite_dir / f"{name}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return registry, suite_dir
