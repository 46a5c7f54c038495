"""Amazon's request verification for web-service skills, on pyca/cryptography.

Why not ask-sdk-webservice-support: it imports certvalidator -> oscrypto 1.3.0,
which cannot parse OpenSSL versions with a two-digit patch number (3.0.10 and
later) and fails at import time (see shared/alexa-platform-notes.md). The
rules are small, and ``cryptography`` (already a dependency of boto3's world
and maintained) has a real X.509 path validator, so we implement them here:

1. ``SignatureCertChainUrl``: https, host s3.amazonaws.com (any case), a
   normalised path under /echo.api/, port 443 if given.
2. The chain at that URL validates to a trusted root, is within its dates, and
   the leaf carries ``echo-api.amazon.com`` in its SANs.
3. ``Signature-256`` is an RSA PKCS#1 v1.5 SHA-256 signature of the raw body.
4. The request timestamp is within 150 seconds of now.

Downloaded chains are cached per URL, in a bounded LRU cache, for as long as
every certificate of the validated chain is within its dates; downloads have a
short timeout and an overall deadline, follow redirects only to URLs that pass
rule 1, and any failure is a VerificationError (the endpoint answers 400),
never a hang.

Times: every clock (``now``) may be aware in any zone or naive; naive means
UTC. cryptography's ``PolicyBuilder.time()`` reads a naive datetime as UTC and
converts an aware one to UTC, so it is given an aware UTC datetime.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import threading
import time
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import unquote, urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError as _X509Error

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
ECHO_API_SAN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)
DOWNLOAD_TIMEOUT_SECONDS = 2.0
MAX_CHAIN_BYTES = 64 * 1024
CACHE_SIZE = 8


class VerificationError(Exception):
    """The request is not a genuine, fresh Alexa request."""


def check_cert_url(url: str) -> None:
    """Amazon's rules for the certificate chain URL."""
    if not isinstance(url, str) or not url:
        raise VerificationError("missing certificate URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise VerificationError("malformed certificate URL") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL must use https")
    if (parts.hostname or "").lower() != "s3.amazonaws.com":
        raise VerificationError("certificate URL must be on s3.amazonaws.com")
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if not path.startswith("/echo.api/"):
        raise VerificationError("certificate URL path must start with /echo.api/")
    if port is not None and port != 443:
        raise VerificationError("certificate URL port must be 443")


class _RedirectWithinRules(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL that itself passes :func:`check_cert_url`."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            check_cert_url(newurl)
        except VerificationError:
            fp.close()
            raise VerificationError("certificate URL redirects off s3.amazonaws.com/echo.api/") from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _default_fetch(url: str) -> bytes:
    """Download a chain: each socket operation times out after DOWNLOAD_TIMEOUT_SECONDS, and
    reading the body stops at that deadline overall; at most MAX_CHAIN_BYTES are read."""
    timeout = DOWNLOAD_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise VerificationError("certificate URL is not http(s)")
    opener = urllib.request.build_opener(_RedirectWithinRules)
    with opener.open(url, timeout=timeout) as response:  # noqa: S310 - scheme checked above, URL by the caller
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > MAX_CHAIN_BYTES:
            raise VerificationError("certificate chain is too large")
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError(f"certificate download took longer than {timeout} s")
            chunk = response.read1(MAX_CHAIN_BYTES + 1 - size)  # one socket read at most
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
    """Checks the certificate chain and the body signature."""

    roots: Sequence[x509.Certificate] | None = None
    fetch: Callable[[str], bytes] = _default_fetch
    now: Callable[[], datetime] = _utcnow
    cache_size: int = CACHE_SIZE
    # url -> (leaf, valid from, valid until): the validity window shared by every certificate of the chain
    _cache: "OrderedDict[str, tuple[x509.Certificate, datetime, datetime]]" = field(default_factory=OrderedDict,
                                                                                    repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        url = _header(headers, CERT_URL_HEADER)
        signature_b64 = _header(headers, SIGNATURE_HEADER)
        if not url or not signature_b64:
            raise VerificationError("missing signature headers")
        check_cert_url(url)
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
        now = _as_utc(self.now())
        with self._lock:
            cached = self._cache.get(url)
            if cached and cached[1] <= now <= cached[2]:
                self._cache.move_to_end(url)
                return cached[0]
        leaf, valid_from, valid_until = self._validated_leaf(url, now)
        with self._lock:
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
        valid_from = max(cert.not_valid_before_utc for cert in validated)
        valid_until = min(cert.not_valid_after_utc for cert in validated)
        return leaf, valid_from, valid_until

    def _trust_store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(list(self.roots) if self.roots is not None else _default_roots())
            return self._store


@dataclass
class TimestampVerifier:
    tolerance: timedelta = TIMESTAMP_TOLERANCE
    now: Callable[[], datetime] = _utcnow

    def verify(self, envelope: Mapping) -> None:
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
        if abs(_as_utc(self.now()) - stamp) > self.tolerance:
            raise VerificationError("request timestamp is too old or in the future")
