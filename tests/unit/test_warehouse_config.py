"""warehouse.config.WarehouseConfig: location parsing, S3 options, secrets kept out of text."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from warehouse.config import WarehouseConfig

SECRET = "wJalrXUtnFEMI-s3cr3t-never-logged"
S3_ENV = {"REGIONLINK_WAREHOUSE": "s3://regionlink-hue/warehouse/prod/", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
          "AWS_ACCESS_KEY_ID": "regionlink", "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "ap-southeast-1"}


@pytest.mark.parametrize(("location", "expected", "is_s3", "bucket", "prefix"), [
    (None, ".warehouse", False, "", ""),
    ("", ".warehouse", False, "", ""),
    ("/srv/regionlink/warehouse/", "/srv/regionlink/warehouse", False, "", ""),
    ("/", "/", False, "", ""),
    ("s3://regionlink-hue", "s3://regionlink-hue", True, "regionlink-hue", ""),
    ("s3://regionlink-hue/", "s3://regionlink-hue", True, "regionlink-hue", ""),
    ("s3://regionlink-hue/warehouse/prod/", "s3://regionlink-hue/warehouse/prod", True, "regionlink-hue", "warehouse/prod"),
])
def test_location(location, expected, is_s3, bucket, prefix):
    env = {} if location is None else {"REGIONLINK_WAREHOUSE": location}
    config = WarehouseConfig.from_env(env)
    assert (config.location, config.is_s3) == (expected, is_s3)
    if is_s3:
        assert (config.bucket, config.prefix) == (bucket, prefix)
    else:
        assert config.delta_options() == {} and config.dlt_credentials() is None


@pytest.mark.parametrize("location", ["gs://x", "https://minio.local/bucket", "file:///tmp/w", "s3://", "s3:///prefix"])
def test_invalid_location(location):
    with pytest.raises(ValidationError, match="warehouse"):
        WarehouseConfig.from_env({"REGIONLINK_WAREHOUSE": location})


def test_s3_from_env():
    config = WarehouseConfig.from_env(S3_ENV)
    assert config.endpoint_url == "http://127.0.0.1:9000"
    assert config.access_key_id == "regionlink" and config.region == "ap-southeast-1"
    assert config.secret_access_key.get_secret_value() == SECRET


@pytest.mark.parametrize(("extra", "endpoint", "region"), [
    ({"AWS_ENDPOINT_URL_S3": "https://s3.minio.hue.gov.vn"}, "https://s3.minio.hue.gov.vn", "ap-southeast-1"),
    ({"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"}, "http://127.0.0.1:9000", "eu-west-1"),
    ({"AWS_REGION": "", "AWS_ENDPOINT_URL": ""}, None, "us-east-1"),
])
def test_env_precedence(extra, endpoint, region):
    config = WarehouseConfig.from_env({**S3_ENV, **extra})
    assert (config.endpoint_url, config.region) == (endpoint, region)


def test_secret_never_in_text():
    config = WarehouseConfig.from_env(S3_ENV)
    for text in (repr(config), str(config), config.model_dump_json(), f"{config}", str(config.model_dump())):
        assert SECRET not in text
    assert "regionlink" in repr(config)  # the key id is not secret


@pytest.mark.parametrize(("endpoint", "allow_http"), [("http://127.0.0.1:9000", "true"), ("https://s3.hue.gov.vn", "false")])
def test_delta_options(endpoint, allow_http):
    options = WarehouseConfig.from_env({**S3_ENV, "AWS_ENDPOINT_URL": endpoint}).delta_options()
    assert options == {"AWS_ACCESS_KEY_ID": "regionlink", "AWS_SECRET_ACCESS_KEY": SECRET,
                       "AWS_REGION": "ap-southeast-1", "conditional_put": "etag", "AWS_ENDPOINT_URL": endpoint,
                       "AWS_ALLOW_HTTP": allow_http}


def test_delta_options_without_endpoint():
    options = WarehouseConfig.from_env({**S3_ENV, "AWS_ENDPOINT_URL": ""}).delta_options()
    assert "AWS_ENDPOINT_URL" not in options and "AWS_ALLOW_HTTP" not in options


def test_dlt_credentials():
    assert WarehouseConfig.from_env(S3_ENV).dlt_credentials() == {
        "aws_access_key_id": "regionlink", "aws_secret_access_key": SECRET, "region_name": "ap-southeast-1",
        "endpoint_url": "http://127.0.0.1:9000"}


@pytest.mark.parametrize("missing", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
def test_require_credentials(missing):
    config = WarehouseConfig.from_env({k: v for k, v in S3_ENV.items() if k != missing})
    with pytest.raises(ValueError) as info:
        config.require_credentials()
    message = str(info.value)
    assert "AWS_ACCESS_KEY_ID" in message and "AWS_SECRET_ACCESS_KEY" in message and "s3://regionlink-hue" in message
    assert SECRET not in message


def test_require_credentials_ok():
    WarehouseConfig.from_env(S3_ENV).require_credentials()
    WarehouseConfig.from_env({"REGIONLINK_WAREHOUSE": "/tmp/w"}).require_credentials()  # local needs none
