"""Several regions in one test: each with its own registry, suites, keys and warehouse bucket.

A region's settings are environment variables, as in production; :meth:`Region.active` switches the test
process to one region (for in-process syncs) and :meth:`Region.cli` runs the real CLI as that region.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from warehouse.signing import generate_key_pair

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Region:
    code: str
    name: str
    root: Path
    location: str  # the region's warehouse: s3://bucket/prefix
    endpoint: str
    access_key_id: str
    secret_access_key: str
    publishers: dict = field(default_factory=lambda: {"so-du-lich": {"name": "Sở Du lịch"}})
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.private_key, self.public_key = generate_key_pair()
        self.pseudonym_key = f"pseudonym-key-of-{self.code}-{uuid.uuid4().hex}"

    def write(self, datasets: list[dict], suites: dict[str, list[dict]], partners: dict[str, Region]) -> None:
        registry, suite_dir = self.root / "registry", self.root / "suites"
        registry.mkdir(parents=True, exist_ok=True)
        suite_dir.mkdir(parents=True, exist_ok=True)
        head = {"region": {"code": self.code, "name": self.name}, "publishers": self.publishers,
                "partners": {code: {"name": p.name, "public_key": p.public_key} for code, p in partners.items()}}
        (registry / "region.yaml").write_text(yaml.safe_dump(head, allow_unicode=True), encoding="utf-8")
        (registry / "datasets.yaml").write_text(yaml.safe_dump({"datasets": datasets}, allow_unicode=True,
                                                               sort_keys=False), encoding="utf-8")
        for dataset in datasets:
            body = {"name": dataset["id"], "expectations": suites.get(dataset["id"], []), "meta": {}}
            (suite_dir / f"{dataset['id']}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {"REGIONLINK_REGISTRY": str(self.root / "registry"), "REGIONLINK_EXPECTATIONS": str(self.root / "suites"),
                "REGIONLINK_WORKDIR": str(self.root / "work"), "REGIONLINK_WAREHOUSE": self.location,
                "REGIONLINK_SIGNING_KEY": self.private_key, "REGIONLINK_PSEUDONYM_KEY": self.pseudonym_key,
                "AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": self.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.secret_access_key, "AWS_REGION": "us-east-1", **self.extra_env}

    @contextmanager
    def active(self):
        saved = {k: os.environ.get(k) for k in self.env()}
        os.environ.update(self.env())
        try:
            yield self
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REGIONLINK_", "AWS_"))}
        env.update(self.env(), COLUMNS="200")
        done = subprocess.run([sys.executable, "-m", "orchestration.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=600)
        if check:
            assert done.returncode == 0, f"regionlink {' '.join(args)} as {self.code}:\n{done.stdout}\n{done.stderr}"
        return done

    def warehouse(self):
        from warehouse.config import WarehouseConfig
        from warehouse.store import Warehouse

        return Warehouse(WarehouseConfig(location=self.location, endpoint_url=self.endpoint,
                                         access_key_id=self.access_key_id, secret_access_key=self.secret_access_key))
