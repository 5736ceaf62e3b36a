"""A moto server (own process) that checks signatures and IAM policies, with a bootstrapped admin user.

moto enforces authentication once ``INITIAL_NO_AUTH_ACTION_COUNT`` requests have been served: every request
that reaches an action's authorization check (IAM and S3 alike, failed ones included) counts until then.
The bootstrap below spends exactly those requests: CreateUser, CreatePolicy, AttachUserPolicy, CreateAccessKey.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_ACTIONS = 4
ADMIN_USER = "regionlink-admin"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class EnforcingMoto:
    endpoint: str
    admin_access_key_id: str
    admin_secret_access_key: str

    def client(self, service: str, access_key_id: str | None = None, secret_access_key: str | None = None):
        """A boto3 client at this server, as the admin unless other keys are given (S3 path-style)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service, endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=access_key_id or self.admin_access_key_id,
            aws_secret_access_key=secret_access_key or self.admin_secret_access_key,
            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bootstrap(endpoint: str) -> tuple[str, str]:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    # Unauthenticated requests: any keys do, but a retried call would spend the budget twice.
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bootstrap",
                       aws_secret_access_key="bootstrap", config=Config(retries={"total_max_attempts": 1}))
    iam.create_user(UserName=ADMIN_USER)
    arn = iam.create_policy(PolicyName=f"{ADMIN_USER}-all", PolicyDocument=json.dumps(ALLOW_ALL))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=ADMIN_USER, PolicyArn=arn)
    key = iam.create_access_key(UserName=ADMIN_USER)["AccessKey"]
    try:
        iam.list_users()
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "InvalidClientTokenId":
            raise
    else:
        raise RuntimeError("moto is not enforcing IAM after the bootstrap requests")
    return key["AccessKeyId"], key["SecretAccessKey"]


@contextmanager
def enforcing_moto_server() -> Iterator[EnforcingMoto]:
    port = _free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(BOOTSTRAP_ACTIONS)}
    for name in ("MOTO_ACCOUNT_ID", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_S3"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.moto_server", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready", "moto server did not start"
        endpoint = f"http://127.0.0.1:{port}"
        access_key_id, secret_access_key = _bootstrap(endpoint)
        yield EnforcingMoto(endpoint, access_key_id, secret_access_key)
    finally:
        proc.terminate()
        proc.wait(10)
