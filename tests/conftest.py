"""Shared fixtures: a moto S3 server on loopback (own process), fixture portals, temporary projects."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"
os.environ.pop("DAGSTER_HOME", None)


def _test_keys() -> None:
    """Every publish signs its manifest: the tests' region gets a fresh key pair (and a pseudonym key)."""
    from warehouse.signing import generate_key_pair

    private, public = generate_key_pair()
    os.environ["REGIONLINK_SIGNING_KEY"], os.environ["REGIONLINK_TEST_PUBLIC_KEY"] = private, public
    os.environ["REGIONLINK_PSEUDONYM_KEY"] = "test-pseudonym-key-" + uuid.uuid4().hex


_test_keys()
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's ThreadedMotoServer in a child process; yields its endpoint URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.moto_server", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready", "moto server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def s3_warehouse(s3_endpoint, monkeypatch):
    """A fresh bucket per test as the warehouse (created by regionlink itself), via the standard AWS_* vars."""
    from warehouse.config import WarehouseConfig

    bucket = f"hue-{uuid.uuid4().hex[:10]}"
    env = {"REGIONLINK_WAREHOUSE": f"s3://{bucket}/warehouse", "AWS_ENDPOINT_URL": s3_endpoint,
           "AWS_ACCESS_KEY_ID": "regionlink-test", "AWS_SECRET_ACCESS_KEY": "s3cr3t-value-never-logged",
           "AWS_REGION": "us-east-1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return WarehouseConfig.from_env()


@pytest.fixture
def local_warehouse(tmp_path, monkeypatch):
    from warehouse.config import WarehouseConfig

    monkeypatch.setenv("REGIONLINK_WAREHOUSE", str(tmp_path / "warehouse"))
    return WarehouseConfig.from_env()


@pytest.fixture
def portal(httpserver):
    from tests.support.portal import FixturePortal

    return FixturePortal(httpserver)


@pytest.fixture
def project_root(tmp_path, monkeypatch):
    """Settings pointing at ``tmp_path/registry`` and ``tmp_path/suites`` (write them with write_project)."""
    monkeypatch.setenv("REGIONLINK_REGISTRY", str(tmp_path / "registry"))
    monkeypatch.setenv("REGIONLINK_EXPECTATIONS", str(tmp_path / "suites"))
    monkeypatch.setenv("REGIONLINK_WORKDIR", str(tmp_path / "work"))
    return tmp_path


@pytest.fixture(scope="session")
def iam_s3():
    """A moto server enforcing signatures and IAM policies; yields endpoint and bootstrapped admin keys."""
    from tests.support.enforcing_moto import enforcing_moto_server

    with enforcing_moto_server() as server:
        yield server
