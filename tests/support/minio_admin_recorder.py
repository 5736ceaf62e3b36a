"""A loopback stand-in for MinIO's admin API v3: enough of it for ``MinioAdmin`` as the grants backend uses it.

Every call is recorded (method, path, query, JSON body, decrypted where MinIO encrypts it with the admin
secret); users and canned policies live in memory; statuses and error bodies follow MinIO's. Signatures
are not verified, only the access key named in the Authorization header.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from minio.crypto import decrypt, encrypt

PREFIX = "/minio/admin/v3/"
ENCRYPTED_REQUESTS = {"add-user", "idp/builtin/policy/attach", "idp/builtin/policy/detach"}
ERRORS = {
    "XMinioAdminNoSuchUser": (404, "The specified user does not exist."),
    "XMinioAdminNoSuchPolicy": (404, "The canned policy does not exist."),
    "XMinioAdminPolicyChangeAlreadyApplied": (400, "The specified policy change is already in effect."),
    "XMinioIAMPolicyInUse": (400, "The policy cannot be removed, as it is in use"),
    "InvalidAccessKeyId": (403, "The Access Key Id you provided does not exist in our records."),
}


@dataclass(frozen=True)
class AdminCall:
    method: str
    path: str
    query: dict[str, str]
    body: object = None

    @property
    def command(self) -> str:
        return self.path.removeprefix(PREFIX)


class _Body(io.BytesIO):
    """What ``minio.crypto.decrypt`` expects of a response, around a request body."""

    def release_conn(self) -> None:
        pass


@dataclass
class MinioAdminRecorder:
    access_key: str = "recorder-admin"
    secret_key: str = "recorder-admin-secret"
    calls: list[AdminCall] = field(default_factory=list)
    users: dict[str, dict] = field(default_factory=dict)
    policies: dict[str, dict] = field(default_factory=dict)
    _failures: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    def fail_next(self, command: str, status: int, code: str, message: str) -> None:
        """Answer the next call of ``command`` (e.g. ``"add-canned-policy"``) with this MinIO error."""
        self._failures[command] = (status, code, message)

    def _error(self, path: str, code: str, status: int | None = None, message: str | None = None):
        default_status, default_message = ERRORS.get(code, (400, code))
        body = {"Code": code, "Message": message or default_message, "Resource": path,
                "RequestId": "17F00000RECORDER", "HostId": ""}
        return status or default_status, "application/json", json.dumps(body).encode()

    def handle(self, method: str, target: str, headers, raw: bytes) -> tuple[int, str, bytes]:
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        command = path.removeprefix(PREFIX)
        credential = headers.get("Authorization", "").partition("Credential=")[2].partition("/")[0]
        if credential != self.access_key:
            self.calls.append(AdminCall(method, path, query))
            return self._error(path, "InvalidAccessKeyId")
        body: object = None
        if raw:
            plain = decrypt(_Body(raw), self.secret_key) if command in ENCRYPTED_REQUESTS else raw
            body = json.loads(plain)
        self.calls.append(AdminCall(method, path, query, body))
        if command in self._failures:
            status, code, message = self._failures.pop(command)
            return self._error(path, code, status, message)
        handler = getattr(self, f"_{method.lower()}_{command.replace('/', '_').replace('-', '_')}", None)
        if handler is None:
            return self._error(path, "NotImplemented", 501, f"the recorder does not implement {method} {path}")
        return handler(path, query, body)

    def _ok(self, payload: object = None, encrypted: bool = False) -> tuple[int, str, bytes]:
        if payload is None:
            return 200, "application/octet-stream", b""
        data = json.dumps(payload).encode()
        if encrypted:
            return 200, "application/octet-stream", encrypt(data, self.secret_key)
        return 200, "application/json", data

    def _put_add_canned_policy(self, path, query, body):
        self.policies[query["name"]] = body
        return self._ok()

    def _delete_remove_canned_policy(self, path, query, body):
        name = query["name"]
        if name not in self.policies:
            return self._error(path, "XMinioAdminNoSuchPolicy")
        if any(name in user["policies"] for user in self.users.values()):
            return self._error(path, "XMinioIAMPolicyInUse")
        del self.policies[name]
        return self._ok()

    def _get_user_info(self, path, query, body):
        user = self.users.get(query["accessKey"])
        if user is None:
            return self._error(path, "XMinioAdminNoSuchUser")
        info = {"status": user["status"]}
        if user["policies"]:
            info["policyName"] = ",".join(user["policies"])
        return self._ok(info)

    def _put_add_user(self, path, query, body):
        existing = self.users.get(query["accessKey"], {"policies": []})
        self.users[query["accessKey"]] = {"secretKey": body["secretKey"], "status": body["status"],
                                          "policies": existing["policies"]}
        return self._ok()

    def _delete_remove_user(self, path, query, body):
        if self.users.pop(query["accessKey"], None) is None:
            return self._error(path, "XMinioAdminNoSuchUser")
        return self._ok()

    def _post_idp_builtin_policy_attach(self, path, query, body):
        user = self.users.get(body.get("user", ""))
        if user is None:
            return self._error(path, "XMinioAdminNoSuchUser")
        missing = [p for p in body["policies"] if p not in self.policies]
        if missing:
            return self._error(path, "XMinioAdminNoSuchPolicy")
        added = [p for p in body["policies"] if p not in user["policies"]]
        if not added:
            return self._error(path, "XMinioAdminPolicyChangeAlreadyApplied")
        user["policies"] += added
        return self._ok({"policiesAttached": added, "updatedAt": "2025-01-01T00:00:00Z"}, encrypted=True)

    def __enter__(self) -> MinioAdminRecorder:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, content_type, data = recorder.handle(self.command, self.path, self.headers, raw)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"
