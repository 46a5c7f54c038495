"""A real DynamoDB-compatible server for tests: moto_server on 127.0.0.1.

``MotoServer`` runs ``python -m moto.server`` (PyPI ``moto[server]``) in its own
process, waits until the DynamoDB API answers, and stops it by its process id.
It can be stopped and started again on the same port, to stage a real outage.
moto keeps its data in memory, so a restarted server has no tables.

Why moto and not dynalite: it is a Python package already in the test
environment (no Node), and its tables are ACTIVE as soon as CreateTable
returns, whereas dynalite needs ``--createTableMs 0`` or a wait before the
first GetItem finds the table.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .gunicorn import stop_process

REGION = "us-east-1"
#: Dummy credentials: botocore signs every request, moto does not check them.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}
START_TIMEOUT_SECONDS = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and a region for boto3 clients in this process; no proxy for loopback."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    no_proxy = ",".join(filter(None, [os.environ.get("NO_PROXY"), "127.0.0.1", "localhost"]))
    monkeypatch.setenv("NO_PROXY", no_proxy)
    monkeypatch.setenv("no_proxy", no_proxy)


def dynamodb_client(endpoint_url: str):
    """A plain boto3 DynamoDB client for the test's own reads and writes (no retries, short timeouts)."""
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=REGION,
                        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                        aws_session_token=CREDENTIALS["AWS_SESSION_TOKEN"],
                        config=Config(connect_timeout=1, read_timeout=5,
                                      retries={"max_attempts": 1, "mode": "standard"}))


def create_table(client, name: str) -> None:
    """A table like the SAM template's: partition key ``id`` (S), on-demand billing, the ``account`` index
    (keys only) that finds an account's records; waits until ACTIVE. (Time to live is DynamoDB's own
    background deletion, which moto does not run: the adapter's ``expires`` attribute is checked instead.)"""
    client.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                              {"AttributeName": "account", "AttributeType": "S"}],
                        GlobalSecondaryIndexes=[{"IndexName": "account",
                                                 "KeySchema": [{"AttributeName": "account", "KeyType": "HASH"}],
                                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                        BillingMode="PAY_PER_REQUEST")
    deadline = time.monotonic() + 10
    while client.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise AssertionError(f"table {name} did not become ACTIVE")
        time.sleep(0.05)


class MotoServer:
    """moto_server on ``127.0.0.1:port``; ``endpoint_url`` is its base URL."""

    def __init__(self, log_dir: Path, port: int | None = None):
        #: A port picked here may be taken by someone else before moto binds it: then start() picks another.
        self._pick_port = port is None
        self.port = port or free_port()
        self.log_dir = Path(log_dir)
        self.process: subprocess.Popen | None = None
        self._starts = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"moto_server.{self._starts}.log"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"

    def start(self) -> "MotoServer":
        """Starts the server and waits until the DynamoDB API answers; fails the test (never skips) if not.

        The first start on a port this object picked tries up to three ports; a restart keeps its port.
        """
        if self.running:
            raise RuntimeError("moto_server is already running")
        attempts = 3 if self._pick_port and self._starts == 0 else 1
        for attempt in range(1, attempts + 1):
            self._spawn()
            if attempt < attempts and self._lost_port_race():
                self.stop()
                self.port = free_port()
                continue
            break
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise
        self._pick_port = False
        return self

    def _lost_port_race(self) -> bool:
        """True if moto exited at once because its port was taken (it says so before it binds)."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return "in use" in self.log()
            if "Running on" in self.log():
                return False
            time.sleep(0.05)
        return False

    def _spawn(self) -> None:
        self._starts += 1
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        env = {**os.environ, **CREDENTIALS, "AWS_DEFAULT_REGION": REGION, "PYTHONUNBUFFERED": "1"}
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _wait_until_serving(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        client = dynamodb_client(self.endpoint_url)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"moto_server ({' '.join(self.process.args)}) exited with code "
                            f"{self.process.returncode}:\n{self.log()}", pytrace=False)
            try:
                client.list_tables()
                return
            except (BotoCoreError, ClientError) as exc:  # not accepting connections yet
                last_error = exc
            time.sleep(0.1)
        pytest.fail(f"moto_server on port {self.port} did not answer ListTables within "
                    f"{START_TIMEOUT_SECONDS:.0f}s (last error: {last_error}):\n{self.log()}", pytrace=False)

    def stop(self) -> None:
        """Terminates the server by its process id (SIGTERM, then SIGKILL if it lingers)."""
        stop_process(self.process)
        self.process = None
