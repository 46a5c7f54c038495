"""Amazon's request verification for web-service skills, on pyca/cryptography.

Why not ask-sdk-webservice-support: it imports certvalidator -> oscrypto 1.3.0,
which cannot parse OpenSSL versions with a two-digit patch number (3.0.10 and
later) and fails at import time (see shared/alexa-platform-notes.md). The
rules are small, and ``cryptography`` (already a dependency of boto3's world
and maintained) has a real X.509 path validator, so we implement them here:

1. ``SignatureCertChainUrl``: https, host s3.amazonaws.com (any case), a
   normalised path under /echo.api/, port 443 if given. We download exactly
   the URL we checked, so instead of normalising we refuse what normalising
   would change (see :func:`check_cert_url`).
2. The chain at that URL validates to a trusted root, is within its dates, and
   the leaf carries ``echo-api.amazon.com`` in its SANs: a DNS-name entry equal
   to it, not a wildcard that matches it.
3. ``Signature-256`` is an RSA PKCS#1 v1.5 SHA-256 signature of the raw body.
4. The request timestamp is within 150 seconds of now; for a skill event (``AlexaSkillEvent.*``, such as
   SkillDisabled), within an hour: Amazon delivers those up to an hour late (the ASK SDK for Java's
   ``ServletConstants.TOLERANCE_SKILL_EVENTS_MILLIS``, citing "Use Skill Events", delivery of events).

Both verifiers are :class:`RequestVerifier` objects: ``verify(headers, body, envelope)`` returns for a request
that passes and raises :class:`VerificationError` for one that doesn't. The web endpoint runs the
configured ones in order, those that read only the raw body (the signature) before it parses the body.

Downloaded chains are cached per URL, in a bounded LRU cache, for as long as
every certificate of the validated chain is within its dates; a URL whose
chain failed is not tried again for FAILURE_MEMORY (also bounded). Downloads
end by one deadline (connecting, TLS, status line, headers and body), follow
redirects only to URLs that pass rule 1, and any failure is a
VerificationError (the endpoint answers 400), never a hang.

Times: every clock (``now``) may be aware in any zone or naive; naive means
UTC. cryptography's ``PolicyBuilder.time()`` reads a naive datetime as UTC and
converts an aware one to UTC, so it is given an aware UTC datetime.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import io
import re
import socket
import threading
import time
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, ClassVar, Mapping, Protocol, Sequence
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as _X509Error

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
ECHO_API_SAN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(hours=1)
#: The skill events the hour's tolerance applies to (the ASK SDK for Java's ``SKILL_EVENT_REQUESTS``).
SKILL_EVENTS = frozenset({"AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillDisabled",
                          "AlexaSkillEvent.SkillPermissionAccepted", "AlexaSkillEvent.SkillPermissionChanged",
                          "AlexaSkillEvent.SkillAccountLinked"})
DOWNLOAD_TIMEOUT_SECONDS = 2.0
MAX_CHAIN_BYTES = 64 * 1024
CACHE_SIZE = 8
FAILURE_CACHE_SIZE = 32
FAILURE_MEMORY = timedelta(minutes=3)
_VISIBLE_ASCII = re.compile(r"[!-~]+")  # no space, control or non-ASCII character anywhere


class VerificationError(Exception):
    """The request is not a genuine, fresh Alexa request."""


class RequestVerifier(Protocol):
    """One check of an incoming request, as the web endpoint runs it."""

    #: What it checks, named in the refusal and the log: ``"signature"``, ``"timestamp"``.
    checks: str
    #: False for a check of the headers and raw bytes only: it runs before the body is parsed, with
    #: ``envelope`` None, so a forged body is refused before anything reads it.
    needs_envelope: bool

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping | None) -> None:
        """Returns if the request passes; raises :class:`VerificationError` if not."""


def check_cert_url(url: str) -> str:
    """Amazon's rules for the certificate chain URL; returns the URL to download, rebuilt from the
    parts checked here, so what is fetched is exactly what was checked.

    Amazon's rules: scheme https and host s3.amazonaws.com (both any case), port 443 if given, and the
    normalised path starting /echo.api/ (case-sensitive). Normalising here while the server normalises
    (or not) there is how ``/evil-bucket/%2e%2e/echo.api/...`` passed our check yet fetched another
    bucket; so nothing is normalised, and whatever normalising would change or a server might read
    differently is refused: dot segments (also percent-encoded, any case), empty segments, slashes and
    backslashes encoded in a segment, backslashes. So is what the rules leave no room for: user info,
    a port other than exactly 443, a query or fragment, spaces, control or non-ASCII characters.
    """
    if not isinstance(url, str) or not url:
        raise VerificationError("missing certificate URL")
    if not _VISIBLE_ASCII.fullmatch(url) or any(c in url for c in "?#\\"):
        raise VerificationError("certificate URL has characters Amazon's URL never has")
    parts = urlsplit(url)
    if parts.scheme != "https":  # urlsplit lower-cases the scheme
        raise VerificationError("certificate URL must use https")
    if parts.netloc.lower() not in {"s3.amazonaws.com", "s3.amazonaws.com:443"}:
        raise VerificationError("certificate URL must be on s3.amazonaws.com, port 443 if any, without user info")
    if not parts.path.startswith("/echo.api/"):
        raise VerificationError("certificate URL path must start with /echo.api/")
    for segment in parts.path.split("/")[1:]:
        decoded = unquote(segment)
        if decoded in {"", ".", ".."} or "/" in decoded or "\\" in decoded:
            raise VerificationError("certificate URL path has a dot or empty segment or an encoded slash")
    return "https://s3.amazonaws.com" + parts.path


class _RedirectWithinRules(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL that itself passes :func:`check_cert_url`."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            newurl = check_cert_url(newurl)
        except VerificationError:
            fp.close()
            raise VerificationError("certificate URL redirects off s3.amazonaws.com/echo.api/") from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _time_left(deadline: float) -> float:
    """Seconds until ``deadline`` (a time.monotonic() value); TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("certificate download timed out")
    return left


class _ReadsUntil(io.RawIOBase):
    """A response's socket stream whose every read waits at most until the deadline.

    A socket timeout bounds each recv(), not their sum, and http.client reads the status line and
    headers with readline(), one recv() after another: a server sending a byte now and then would
    never time out. Setting the timeout to the time left before each read bounds them all."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float):
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self._sock.settimeout(_time_left(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _EndsByDeadline:
    """Mixed into http.client's connections: connecting (TCP, then TLS), sending the request and
    reading the response all end by ``deadline``. Name resolution keeps the system resolver's timeouts."""

    def __init__(self, *args, deadline: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline = deadline
        self._create_connection = self._connect  # http.client's hook for opening the socket

    def _connect(self, address, timeout=None, source_address=None) -> socket.socket:
        sock = socket.create_connection(address, _time_left(self.deadline), source_address)
        sock.settimeout(_time_left(self.deadline))  # ssl times the whole TLS handshake by this timeout
        return sock

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(_time_left(self.deadline))

    def response_class(self, sock, *args, **kwargs) -> http.client.HTTPResponse:
        """http.client calls ``self.response_class(sock, ...)``: a response that reads until the deadline."""
        response = http.client.HTTPResponse(sock, *args, **kwargs)
        response.fp = io.BufferedReader(_ReadsUntil(response.fp.detach(), sock, self.deadline))
        return response


class _HTTPConnection(_EndsByDeadline, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_EndsByDeadline, http.client.HTTPSConnection):
    pass


class _DeadlineHandler(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """urllib's http and https handlers (it adds no default ones next to this), with connections that
    end by one deadline for the whole download, redirects included."""

    def __init__(self, deadline: float):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):
        return self.do_open(_HTTPConnection, req, deadline=self.deadline)

    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, deadline=self.deadline)


def _default_fetch(url: str) -> bytes:
    """Download a chain, all of it (connecting, TLS, status line, headers, body, redirects) within
    DOWNLOAD_TIMEOUT_SECONDS; at most MAX_CHAIN_BYTES are read."""
    timeout = DOWNLOAD_TIMEOUT_SECONDS
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise VerificationError("certificate URL is not http(s)")
    opener = urllib.request.build_opener(_RedirectWithinRules, _DeadlineHandler(time.monotonic() + timeout))
    with opener.open(url, timeout=timeout) as response:  # noqa: S310 - scheme checked above, URL by the caller
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > MAX_CHAIN_BYTES:
            raise VerificationError("certificate chain is too large")
        chunks, size = [], 0
        while True:
            chunk = response.read1(MAX_CHAIN_BYTES + 1 - size)  # one socket read at most, by the deadline
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_CHAIN_BYTES:
                raise VerificationError("certificate chain is too large")
    return b"".join(chunks)


def _default_roots() -> list[x509.Certificate]:
    import certifi

    with open(certifi.where(), "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _header(headers: Any, name: str) -> str | None:
    """A header by name, case-insensitively, from werkzeug's Headers or a plain dict."""
    value = headers.get(name)
    if value is None and hasattr(headers, "items"):
        wanted = name.lower()
        for key, candidate in headers.items():
            if isinstance(key, str) and key.lower() == wanted:
                return candidate
    return value


@dataclass
class SignatureVerifier:
    """Checks the certificate chain and the body signature (rules 1-3): a :class:`RequestVerifier`."""

    checks: ClassVar[str] = "signature"
    needs_envelope: ClassVar[bool] = False

    roots: Sequence[x509.Certificate] | None = None
    fetch: Callable[[str], bytes] = _default_fetch
    now: Callable[[], datetime] = _utcnow
    cache_size: int = CACHE_SIZE
    failure_cache_size: int = FAILURE_CACHE_SIZE
    # url -> (leaf, valid from, valid until): the validity window shared by every certificate of the chain
    _cache: "OrderedDict[str, tuple[x509.Certificate, datetime, datetime]]" = field(default_factory=OrderedDict,
                                                                                    repr=False)
    # url -> when its chain last failed: not downloaded again for FAILURE_MEMORY after that
    _failed: "OrderedDict[str, datetime]" = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping | None = None) -> None:
        """Verifies ``body``, the raw bytes as received, against the headers; ``envelope`` is not read."""
        url = _header(headers, CERT_URL_HEADER)
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if not url or not signature_b64:
            raise VerificationError("missing signature headers")
        url = check_cert_url(url)  # from here on, the URL as checked
        try:
            signature = base64.b64decode(signature_b64, validate=True)
        except (binascii.Error, ValueError):
            raise VerificationError("signature is not base64") from None
        leaf = self._leaf_for(url)
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("certificate key is not RSA")
        try:
            key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationError("signature does not match the body") from None

    def _leaf_for(self, url: str) -> x509.Certificate:
        """The validated leaf for ``url``, from the cache if still valid. A URL that failed less than
        FAILURE_MEMORY ago fails again without a download, so repeating a bad URL costs nothing.
        (A passing failure on Amazon's own URL also lasts that long, but its chain is normally cached.)"""
        now = _as_utc(self.now())
        with self._lock:
            cached = self._cache.get(url)
            if cached and cached[1] <= now <= cached[2]:
                self._cache.move_to_end(url)
                return cached[0]
            failed_at = self._failed.get(url)
            if failed_at is not None and failed_at <= now < failed_at + FAILURE_MEMORY:
                raise VerificationError("certificate chain at this URL failed recently")
        try:
            leaf, valid_from, valid_until = self._validated_leaf(url, now)
        except VerificationError:
            with self._lock:
                self._failed[url] = now
                self._failed.move_to_end(url)
                while len(self._failed) > self.failure_cache_size:
                    self._failed.popitem(last=False)
            raise
        with self._lock:
            self._failed.pop(url, None)
            self._cache[url] = (leaf, valid_from, valid_until)
            self._cache.move_to_end(url)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return leaf

    def _validated_leaf(self, url: str, now: datetime) -> tuple[x509.Certificate, datetime, datetime]:
        """The leaf of the chain at ``url``, validated at ``now`` (aware UTC), and the window
        (latest notBefore, earliest notAfter over the validated chain) in which it stays valid."""
        try:
            pem = self.fetch(url)
        except VerificationError:
            raise
        except Exception as exc:  # timeouts, DNS, HTTP errors: all a client-side 400
            raise VerificationError(f"could not download the certificate chain: {type(exc).__name__}") from None
        if not isinstance(pem, (bytes, bytearray, memoryview)):
            raise VerificationError("certificate chain download gave no bytes")
        pem = bytes(pem)
        if len(pem) > MAX_CHAIN_BYTES:
            raise VerificationError("certificate chain is too large")
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationError("certificate chain is not valid PEM") from None
        if not chain:
            raise VerificationError("certificate chain is empty")
        leaf, intermediates = chain[0], chain[1:]
        verifier = (
            # Aware UTC: cryptography converts aware times to UTC and reads naive ones as UTC.
            PolicyBuilder().store(self._trust_store()).time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_SAN))
        )
        try:
            validated = verifier.verify(leaf, intermediates)
        except (_X509Error, ValueError) as exc:
            raise VerificationError(f"certificate chain rejected: {exc}") from None
        if not _names_echo_api(leaf):
            raise VerificationError(f"certificate chain rejected: the leaf has no DNS SAN {ECHO_API_SAN}")
        valid_from = max(cert.not_valid_before_utc for cert in validated)
        valid_until = min(cert.not_valid_after_utc for cert in validated)
        return leaf, valid_from, valid_until

    def _trust_store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(list(self.roots) if self.roots is not None else _default_roots())
            return self._store


def _names_echo_api(leaf: x509.Certificate) -> bool:
    """Amazon's rule: echo-api.amazon.com is in the leaf's SANs, as a DNS-name entry (any case).
    cryptography's server verifier also accepts a wildcard such as ``*.amazon.com``, which is not it."""
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    return any(name.lower() == ECHO_API_SAN for name in san.get_values_for_type(x509.DNSName))


@dataclass
class TimestampVerifier:
    """Checks that the envelope's request timestamp is within ``tolerance`` of now (rule 4): a
    :class:`RequestVerifier`."""

    checks: ClassVar[str] = "timestamp"
    needs_envelope: ClassVar[bool] = True

    tolerance: timedelta = TIMESTAMP_TOLERANCE
    now: Callable[[], datetime] = _utcnow

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: Mapping | None) -> None:
        """Verifies the parsed ``envelope``; the headers and raw body are not read."""
        request = envelope.get("request") if isinstance(envelope, Mapping) else None
        raw = request.get("timestamp") if isinstance(request, Mapping) else None
        if not isinstance(raw, str):
            raise VerificationError("request timestamp is missing")
        try:
            stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise VerificationError("request timestamp is malformed") from None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        tolerance = max(self.tolerance, SKILL_EVENT_TOLERANCE) if request.get("type") in SKILL_EVENTS \
            else self.tolerance
        if abs(_as_utc(self.now()) - stamp) > tolerance:
            raise VerificationError("request timestamp is too old or in the future")
