"""``back-stretch-coach serve`` stays responsive while slow clients hold connections open.

The real command runs as a subprocess on 127.0.0.1 (port 0: it logs the port the kernel picked). 64 clients
connect, send a request line and then one header byte a second for 15 s; meanwhile GET /health and a real,
signed Alexa LaunchRequest must each be answered within a second, again and again.

The Alexa request passes the real verifier of the server process, unchanged: it is signed with our own test
PKI (tests/certificates.py), and its ``SignatureCertChainUrl`` is the usual
``https://s3.amazonaws.com/echo.api/echo-api-cert.pem``. A test-only ``sitecustomize`` (written to a temporary
folder put on the server's PYTHONPATH) makes that host name resolve to a local HTTPS server that serves the
chain, and makes certifi's bundle, the verifier's trust store, our test root; ``SSL_CERT_FILE`` makes the
download's TLS trust the same root. Nothing under skill/ is patched or configured for the test.

Also a measuring tool, to compare server setups under the same load (figures in skill_dev/server.py)::

    .venv/bin/python -m tests.test_serve --setup readme --clients 2 4 64
    .venv/bin/python -m tests.test_serve --setup serve --clients 64

Every request has a timeout, every loop is bounded, only 127.0.0.1 is used, and each server is stopped by its
PID (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from skill_dev.envelopes import DEFAULT_SKILL_ID, Session
from skill_dev.gunicorn import stop_process

from .certificates import _aki, _leaf_key_usage, _name, intermediate_ca, root_ca, rsa_key, sign

ROOT = Path(__file__).resolve().parent.parent
CERT_HOST = "s3.amazonaws.com"
CERT_PATH = "/echo.api/echo-api-cert.pem"
CERT_URL = f"https://{CERT_HOST}{CERT_PATH}"
SLOW_CLIENTS = 64
TRICKLE_SECONDS = 15.0
WITHIN = 1.0  # seconds: what every answer must take at most while the slow clients hang on
STARTUP_TIMEOUT = 20.0
_LISTENING = re.compile(r"(?:Listening at: |serving on )http://127\.0\.0\.1:(\d+)", re.IGNORECASE)

SITECUSTOMIZE = '''\
"""Test-only (tests/test_serve.py): s3.amazonaws.com is the local certificate host; certifi's bundle is the
test root. Imported by Python at start-up because this folder is on PYTHONPATH."""
import os
import socket

_port = int(os.environ["BSC_TEST_CERT_HOST_PORT"])
_getaddrinfo = socket.getaddrinfo


def _local_cert_host(host, port, *args, **kwargs):
    if isinstance(host, str) and host.lower() == "s3.amazonaws.com":
        host, port = "127.0.0.1", _port
    return _getaddrinfo(host, port, *args, **kwargs)


socket.getaddrinfo = _local_cert_host

import certifi  # noqa: E402

certifi.where = lambda: os.environ["BSC_TEST_TRUST_ROOTS"]
'''


# --- Alexa's signing, with our own PKI and a local certificate host ---------------------------------------


def _leaf(key_name: str, common_name: str, sans: list[str], now: datetime):
    """A leaf certificate under the test intermediate, valid around the real clock (the server's)."""
    issuer = intermediate_ca()
    key = rsa_key(key_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name) for name in sans]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_aki(issuer), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return certificate, key


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


class AlexaSigner:
    """Signs requests like Alexa and serves the signing chain at https://s3.amazonaws.com/echo.api/… on a
    local port; ``env()`` is what a server process needs to reach it and trust it."""

    def __init__(self, workdir: Path):
        workdir = Path(workdir)
        now = datetime.now(timezone.utc)
        if now > intermediate_ca().certificate.not_valid_after_utc - timedelta(days=31):
            raise RuntimeError("the test intermediate CA in tests/certificates.py has expired: move its dates")
        intermediate = intermediate_ca().certificate
        leaf, self.key = _leaf("serve-signing", "echo-api.amazon.com", ["echo-api.amazon.com"], now)
        self.chain_pem = _pem(leaf, intermediate)
        tls_leaf, tls_key = _leaf("serve-tls", CERT_HOST, [CERT_HOST], now)
        self.roots = workdir / "test-root.pem"
        self.roots.write_bytes(_pem(root_ca().certificate))
        tls_chain, tls_key_path = workdir / "cert-host.pem", workdir / "cert-host.key"
        tls_chain.write_bytes(_pem(tls_leaf, intermediate))
        tls_key_path.write_bytes(tls_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
        self.shim = workdir / "shim"
        self.shim.mkdir(exist_ok=True)
        (self.shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self.downloads = 0
        signer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                found = self.path == CERT_PATH
                body = signer.chain_pem if found else b"not found"
                signer.downloads += found
                self.send_response(200 if found else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_chain, tls_key_path)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def env(self) -> dict:
        path = os.pathsep.join(filter(None, [str(self.shim), os.environ.get("PYTHONPATH")]))
        return {"PYTHONPATH": path, "SSL_CERT_FILE": str(self.roots), "BSC_TEST_TRUST_ROOTS": str(self.roots),
                "BSC_TEST_CERT_HOST_PORT": str(self.server.server_port)}

    def headers(self, body: bytes) -> dict:
        return {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(self.key, body)}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- A server process ----------------------------------------------------------------------------------------


def serve_command(*args: str) -> list[str]:
    """The real ``back-stretch-coach serve`` (the console script's function, run with this Python)."""
    return [sys.executable, "-m", "skill_dev.cli", "serve", *args]


def base_env(**extra: str) -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra}
    for name in ("ASK_SDK_VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP", "ALLOW_ANY_SKILL_ID", "DYNAMODB_TABLE",
                 "PERSISTENCE", "SKILL_ID"):
        if name not in extra:
            env.pop(name, None)
    return env


class ServerProcess:
    """A server command on 127.0.0.1 port 0; ``start()`` waits for its log to name the port and for /health."""

    def __init__(self, command: list[str], env: dict, log_path: Path):
        self.command, self.env, self.log_path = command, env, Path(log_path)
        self.process: subprocess.Popen | None = None
        self.url = ""

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def start(self) -> str:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command} exited with {self.process.returncode}:\n{self.log()}")
            match = _LISTENING.search(self.log())
            if match and request("GET", f"http://127.0.0.1:{match.group(1)}/health", timeout=2)[0] == 200:
                self.url = f"http://127.0.0.1:{match.group(1)}"
                return self.url
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.command} did not answer /health within {STARTUP_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        stop_process(self.process)  # SIGTERM by PID, SIGKILL after 10 s


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
            timeout: float = 5.0) -> tuple[int | str, bytes]:
    """(status, body), or (the exception's name, b"") on a transport error or a timeout."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, "/" + path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, b""
    finally:
        connection.close()


def alexa_post(url: str, signer: AlexaSigner | None, timeout: float) -> tuple[int | str, bytes]:
    """A LaunchRequest stamped now, signed (or unsigned if ``signer`` is None)."""
    body = json.dumps(Session(skill_id=DEFAULT_SKILL_ID).launch()).encode()
    headers = {"Content-Type": "application/json", **(signer.headers(body) if signer else {})}
    return request("POST", url + "/", body, headers, timeout)


# --- Slow clients, and timing the real requests meanwhile ---------------------------------------------------


class SlowClients:
    """``count`` connections that each send a request line, then one header byte a second, never finishing
    the headers; after ``seconds`` they all close. ``dropped`` counts those the server closed first."""

    def __init__(self, port: int, count: int, seconds: float = TRICKLE_SECONDS, interval: float = 1.0):
        self.port, self.count, self.seconds, self.interval = port, count, seconds, interval
        self.sockets: list[socket.socket] = []
        self.dropped = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self) -> "SlowClients":
        self.deadline = time.monotonic() + self.seconds
        for _ in range(self.count):
            client = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: ")
            self.sockets.append(client)
        self.thread.start()
        return self

    def _trickle(self) -> None:
        live = list(self.sockets)
        while not self.stopped.wait(self.interval) and time.monotonic() < self.deadline:
            for client in list(live):
                try:
                    client.send(b"a")
                except OSError:  # the server closed it (or its buffer is full: it stopped reading)
                    self.dropped += 1
                    live.remove(client)
        self.close()

    def close(self) -> None:
        self.stopped.set()
        for client in self.sockets:
            client.close()

    def __exit__(self, *exc) -> None:
        self.close()
        if self.thread.is_alive() and threading.current_thread() is not self.thread:
            self.thread.join(5)


def probe(url: str, signer: AlexaSigner | None, until: float, timeout: float) -> dict[str, list]:
    """GET /health and a signed Alexa POST, each in its own thread, again and again until ``until``
    (monotonic); each as (seconds taken, status, body)."""
    timings: dict[str, list] = {"health": [], "alexa": []}

    def repeat(kind: str) -> None:
        while time.monotonic() < until:
            started = time.monotonic()
            if kind == "health":
                status, body = request("GET", url + "/health", timeout=timeout)
            else:
                status, body = alexa_post(url, signer, timeout)
            timings[kind].append((time.monotonic() - started, status, body))
            time.sleep(0.1)

    threads = [threading.Thread(target=repeat, args=(kind,), daemon=True) for kind in timings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(until - time.monotonic() + timeout + 5)
    return timings


def under_slow_clients(url: str, signer: AlexaSigner | None, count: int, seconds: float = TRICKLE_SECONDS,
                       timeout: float = 30.0) -> dict:
    """Times the probes while ``count`` slow clients trickle for ``seconds``."""
    port = int(url.rsplit(":", 1)[1])
    with SlowClients(port, count, seconds) as slow:
        time.sleep(1.0)  # every slow client is connected and has sent bytes
        timings = probe(url, signer, slow.deadline, timeout)
        dropped = slow.dropped
    return {"clients": count, "dropped": dropped, "timings": timings}


def summary(result: dict) -> str:
    parts = [f"{result['clients']:>2} slow clients ({result['dropped']} dropped by the server):"]
    for kind, timings in result["timings"].items():
        seconds = [t for t, _, _ in timings]
        statuses = sorted({str(s) for _, s, _ in timings})
        parts.append(f"{kind} n={len(seconds)} median {statistics.median(seconds):.3f} s max {max(seconds):.3f} s "
                     f"over {WITHIN:.0f} s: {sum(t > WITHIN for t in seconds)} status {'/'.join(statuses)}")
    return "  ".join(parts)


# --- The tests --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory(prefix="bsc-serve-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def signer(workdir):
    signer = AlexaSigner(workdir)
    yield signer
    signer.close()


@pytest.fixture(scope="module")
def served(workdir, signer):
    env = base_env(SKILL_ID=DEFAULT_SKILL_ID, SQLITE_PATH=str(workdir / "serve.sqlite3"), **signer.env(),
                   OPERATOR_NAME=OPERATOR_NAME, OPERATOR_CONTACT=OPERATOR_CONTACT)
    server = ServerProcess(serve_command("--host", "127.0.0.1", "--port", "0"), env, workdir / "serve.log")
    server.start()
    yield server
    server.stop()
    assert server.process.returncode == 0, server.log()  # SIGTERM is a clean shutdown


def test_health_and_a_signed_alexa_request_answer_within_a_second_under_64_slow_clients(served, signer):
    started = time.monotonic()
    result = under_slow_clients(served.url, signer, SLOW_CLIENTS, timeout=5.0)
    print("\nserve, " + summary(result))
    assert time.monotonic() - started < TRICKLE_SECONDS + 6
    for kind, timings in result["timings"].items():
        assert len(timings) >= 10, (kind, len(timings))
        slow = [(round(t, 3), status) for t, status, _ in timings if t > WITHIN or status != 200]
        assert slow == [], (kind, slow, served.log()[-3000:])
    for _, _, body in result["timings"]["alexa"]:
        answer = json.loads(body)
        assert answer["version"] == "1.0" and answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert signer.downloads >= 1  # the real verifier downloaded the chain from the "s3.amazonaws.com" host
    assert result["dropped"] == 0  # the slow clients were held open, not just cut off


OPERATOR_NAME, OPERATOR_CONTACT = "Stretchwell Physio Ltd", "privacy@stretchwell.co.uk"


def test_serve_publishes_the_privacy_policy_and_terms_with_the_operators_details(served):
    """`serve` answers /privacy and /terms with docs/privacy.md and docs/terms.md as HTML (skill.policies), filled
    from OPERATOR_NAME and OPERATOR_CONTACT, with no verification (a browser asks for them)."""
    for page, heading in (("privacy", "privacy policy"), ("terms", "terms of use")):
        status, body = request("GET", f"{served.url}/{page}")
        text = body.decode("utf-8")
        assert status == 200 and text.startswith("<!doctype html>") and heading in text, (page, status)
        assert OPERATOR_NAME in text and OPERATOR_CONTACT in text and "{{" not in text
    assert request("POST", f"{served.url}/privacy", b"{}")[0] == 405
    assert request("GET", f"{served.url}/privacy.md")[0] == 404


def test_verification_is_on_an_unsigned_or_badly_signed_request_gets_400(served, signer):
    status, body = alexa_post(served.url, None, timeout=5)
    assert status == 400 and "signature" in json.loads(body)["error"]
    other = json.dumps(Session(skill_id=DEFAULT_SKILL_ID).launch()).encode()
    body = json.dumps(Session(skill_id=DEFAULT_SKILL_ID).launch()).encode()
    headers = {"Content-Type": "application/json", **signer.headers(other)}  # signature of other bytes
    status, answer = request("POST", served.url + "/", body, headers)
    assert status == 400 and "signature" in json.loads(answer)["error"]
    status, _ = alexa_post(served.url, signer, timeout=5)
    assert status == 200


def _run_serve(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(serve_command("--host", "127.0.0.1", "--port", "0", *args), cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20)


def test_serve_refuses_to_start_without_skill_id(workdir):
    result = _run_serve(base_env(SQLITE_PATH=str(workdir / "refused.sqlite3")))
    assert result.returncode != 0
    assert "SKILL_ID" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["ASK_SDK_VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP"])
def test_serve_cannot_be_told_to_skip_verification(workdir, name):
    result = _run_serve(base_env(SKILL_ID=DEFAULT_SKILL_ID, SQLITE_PATH=str(workdir / "refused.sqlite3"),
                                 **{name: "false"}))
    assert result.returncode != 0
    assert name in result.stderr and "Traceback" not in result.stderr


def test_serve_has_no_option_but_host_port_and_workers():
    help_text = subprocess.run(serve_command("--help"), cwd=ROOT, capture_output=True, text=True, timeout=20).stdout
    assert set(re.findall(r"--[a-z-]+", help_text)) == {"--help", "--host", "--port", "--workers"}


def test_serve_starts_with_allow_any_skill_id(workdir):
    server = ServerProcess(serve_command("--host", "127.0.0.1", "--port", "0"),
                           base_env(ALLOW_ANY_SKILL_ID="true", SQLITE_PATH=str(workdir / "any.sqlite3")),
                           workdir / "any.log")
    try:
        server.start()
        status, body = alexa_post(server.url, None, timeout=5)
        assert status == 400 and "signature" in json.loads(body)["error"]
    finally:
        server.stop()
    assert server.process.returncode == 0, server.log()


# --- Measuring other setups (not a test) ----------------------------------------------------------------------


def _setups(port: str = "0") -> dict[str, tuple[list[str], dict]]:
    gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    off = {"ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false"}
    return {
        # The README's production command before `serve`: verification on.
        "readme": ([*gunicorn, "--workers", "4", "skill.web:app"], {"SKILL_ID": DEFAULT_SKILL_ID}),
        # `make run`: verification off (the signed POST is then simply not checked).
        "make-run": ([*gunicorn, "--workers", "2", "--access-logfile", "-", "skill.web:app"], off),
        "gthread": ([*gunicorn, "--workers", "2", "--worker-class", "gthread", "--threads", "8", "skill.web:app"],
                    {"SKILL_ID": DEFAULT_SKILL_ID}),
        "serve": (serve_command("--host", "127.0.0.1", "--port", port), {"SKILL_ID": DEFAULT_SKILL_ID}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time /health and a signed Alexa POST under slow clients.")
    parser.add_argument("--setup", choices=sorted(_setups()), default="readme")
    parser.add_argument("--clients", type=int, nargs="+", default=[2, 4, 64])
    parser.add_argument("--seconds", type=float, default=TRICKLE_SECONDS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bsc-serve-measure-") as folder:
        workdir = Path(folder)
        signer = AlexaSigner(workdir)
        command, extra = _setups()[args.setup]
        server = ServerProcess(command, base_env(SQLITE_PATH=str(workdir / "m.sqlite3"), **extra, **signer.env()),
                               workdir / "server.log")
        try:
            url = server.start()
            for count in args.clients:
                for kind in ("health", "alexa"):  # warm: the chain is downloaded and cached by now
                    request("GET", url + "/health") if kind == "health" else alexa_post(url, signer, 10)
                print(f"{args.setup}: {summary(under_slow_clients(url, signer, count, args.seconds))}", flush=True)
                time.sleep(2)  # let the server recover between runs
        finally:
            server.stop()
            signer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
