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

Downloaded chains are cached per URL until the leaf expires, in a bounded
cache; downloads have a short timeout, and any failure is a VerificationError
(the endpoint answers 400), never a hang.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import threading
import urllib.request
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping, Sequence
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


def _default_fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:  # noqa: S310 - URL checked
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationError("certificate chain is too large")
    return data


def _default_roots() -> list[x509.Certificate]:
    import certifi

    with open(certifi.where(), "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class SignatureVerifier:
    """Checks the certificate chain and the body signature."""

    roots: Sequence[x509.Certificate] | None = None
    fetch: Callable[[str], bytes] = _default_fetch
    now: Callable[[], datetime] = _utcnow
    cache_size: int = CACHE_SIZE
    _cache: "OrderedDict[str, tuple[x509.Certificate, datetime]]" = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        url = headers.get(CERT_URL_HEADER)
        signature_b64 = headers.get(SIGNATURE_HEADER)
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
        now = self.now()
        with self._lock:
            cached = self._cache.get(url)
            if cached and cached[1] > now:
                self._cache.move_to_end(url)
                return cached[0]
        leaf = self._validated_leaf(url, now)
        with self._lock:
            self._cache[url] = (leaf, leaf.not_valid_after_utc)
            self._cache.move_to_end(url)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return leaf

    def _validated_leaf(self, url: str, now: datetime) -> x509.Certificate:
        try:
            pem = self.fetch(url)
        except VerificationError:
            raise
        except Exception as exc:  # timeouts, DNS, HTTP errors: all a client-side 400
            raise VerificationError(f"could not download the certificate chain: {type(exc).__name__}") from None
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationError("certificate chain is not valid PEM") from None
        leaf, intermediates = chain[0], chain[1:]
        verifier = (
            PolicyBuilder().store(self._trust_store()).time(now.replace(tzinfo=None))
            .build_server_verifier(x509.DNSName(ECHO_API_SAN))
        )
        try:
            verifier.verify(leaf, intermediates)
        except _X509Error as exc:
            raise VerificationError(f"certificate chain rejected: {exc}") from None
        return leaf

    def _trust_store(self) -> Store:
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
        if abs(self.now() - stamp) > self.tolerance:
            raise VerificationError("request timestamp is too old or in the future")
