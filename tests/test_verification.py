"""Amazon's request-verification rules, with our own PKI (tests/certificates.py).

The trust store (our test root only) and the certificate fetcher are injected
into :class:`skill.verification.SignatureVerifier`; the clock is fixed. The
rules are checked on the verifier directly and through the Flask app over
HTTP, where every rejection must be a 400 with a JSON error and no skill code
may run. The default fetcher's timeout and size limit are checked for real
against local sockets.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import socket
import threading
import time
import urllib.error
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID

from skill import verification
from skill.verification import (
    DOWNLOAD_TIMEOUT_SECONDS,
    MAX_CHAIN_BYTES,
    SignatureVerifier,
    TimestampVerifier,
    VerificationError,
    check_cert_url,
)
from skill.web import create_app
from skill_dev.envelopes import DEFAULT_SKILL_ID, Session

from .certificates import NOW, Chain, chain, intermediate_ca, rsa_key, trusted_roots

SKILL_ID = DEFAULT_SKILL_ID
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"

BAD_URLS = {
    "http scheme": "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "host with a suffix": "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
    "other host": "https://evil.com/echo.api/echo-api-cert.pem",
    "other host, Amazon-looking path": "https://notamazon.com/echo.api/echo-api-cert.pem",
    "host in userinfo": "https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem",
    "path case": "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "other path": "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "path without the slash": "https://s3.amazonaws.com/echo.apix/echo-api-cert.pem",
    "bucket only": "https://s3.amazonaws.com/echo.api",
    "no path": "https://s3.amazonaws.com",
    "traversal": "https://s3.amazonaws.com/echo.api/../invalid.pem",
    "traversal to another bucket": "https://s3.amazonaws.com/echo.api/../evil-bucket/echo-api-cert.pem",
    "percent-encoded traversal": "https://s3.amazonaws.com/echo.api/%2e%2e/evil-bucket/echo-api-cert.pem",
    "percent-encoded slash traversal": "https://s3.amazonaws.com/echo.api%2f..%2fevil-bucket/cert.pem",
    "double slash": "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "port 563": "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "port 80": "https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem",
    "port out of range": "https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem",
    "not a port": "https://s3.amazonaws.com:https/echo.api/echo-api-cert.pem",
    "bucket as a subdomain": "https://echo.api.s3.amazonaws.com/echo-api-cert.pem",
    "trailing dot host": "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    "IP address host": "https://52.216.0.1/echo.api/echo-api-cert.pem",
    "file scheme": "file:///echo.api/echo-api-cert.pem",
    "empty": "",
    # Finding 1: the path is fetched exactly as checked, so dot segments (plain or percent-encoded, any case)
    # and encoded slashes or backslashes are refused outright, even where they would normalise back under
    # /echo.api/: the server might not normalise them as we do.
    "traversal back under /echo.api/": "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "percent-encoded traversal back": "https://s3.amazonaws.com/echo.api/%2E%2E/echo.api/echo-api-cert.pem",
    "traversal from another bucket": "https://s3.amazonaws.com/evil-bucket/%2e%2e/echo.api/echo-api-cert.pem",
    "plain traversal from another bucket": "https://s3.amazonaws.com/evil-bucket/../echo.api/echo-api-cert.pem",
    "mixed-case encoded traversal": "https://s3.amazonaws.com/echo.api/%2e%2E/echo.api/echo-api-cert.pem",
    "half-encoded traversal": "https://s3.amazonaws.com/echo.api/.%2e/echo.api/echo-api-cert.pem",
    "dot segment": "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    "encoded dot segment": "https://s3.amazonaws.com/echo.api/%2e/echo-api-cert.pem",
    "trailing dot segment": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem/..",
    "encoded slash": "https://s3.amazonaws.com/echo.api/evil%2fecho-api-cert.pem",
    "encoded slash, upper case": "https://s3.amazonaws.com/echo.api/evil%2Fecho-api-cert.pem",
    "encoded backslash traversal": "https://s3.amazonaws.com/echo.api/..%5cevil-bucket%5cecho-api-cert.pem",
    "encoded backslash, upper case": "https://s3.amazonaws.com/echo.api/..%5Cevil-bucket%5Cecho-api-cert.pem",
    "backslash traversal": "https://s3.amazonaws.com/echo.api/..\\evil-bucket\\echo-api-cert.pem",
    "empty segment": "https://s3.amazonaws.com/echo.api//echo-api-cert.pem",
    # Finding 4: what Amazon's rules don't allow (exactly https, s3.amazonaws.com, port 443 if any, /echo.api/).
    "userinfo": "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "empty userinfo": "https://@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "userinfo with a password": "https://user:pass@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "port 443 with a leading zero": "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem",
    "empty port": "https://s3.amazonaws.com:/echo.api/echo-api-cert.pem",
    "signed port": "https://s3.amazonaws.com:+443/echo.api/echo-api-cert.pem",
    "query string": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?versionId=1",
    "empty query": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?",
    "fragment": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#x",
    "empty fragment": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#",
    "leading space": " https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "trailing newline": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem\n",
    "tab in the path": "https://s3.amazonaws.com/echo.api/\techo-api-cert.pem",
    "tab hiding a traversal": "https://s3.amazonaws.com/echo.api/.\t./evil-bucket/echo-api-cert.pem",
    "space in the path": "https://s3.amazonaws.com/echo.api/echo api-cert.pem",
    "non-ASCII in the path": "https://s3.amazonaws.com/echo.api/\u00e9cho-api-cert.pem",
    "non-ASCII host": "https://\u017f3.amazonaws.com/echo.api/echo-api-cert.pem",
    "scheme without slashes": "https:s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "three slashes": "https:///s3.amazonaws.com/echo.api/echo-api-cert.pem",
}

GOOD_URLS = {
    "canonical": "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "explicit port 443": "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "host in upper case": "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    "scheme in upper case": "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "scheme in mixed case": "hTtPs://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "explicit port 443, host in upper case": "https://S3.AmazonAWS.com:443/echo.api/echo-api-cert.pem",
    "Amazon's numbered file name": "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem",
    "a dot inside a name": "https://s3.amazonaws.com/echo.api/v1..2/echo-api-cert.pem",
    "an ordinary percent-encoding": "https://s3.amazonaws.com/echo.api/echo-api%2Dcert.pem",
}


# --- Test doubles ---------------------------------------------------------


class Clock:
    """A settable clock: ``clock()`` is the verifier's ``now``."""

    def __init__(self, moment: datetime = NOW):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


class Fetcher:
    """Answers the chain PEM for any URL (or per URL), recording every call."""

    def __init__(self, default=None, **by_url):
        self.default = chain().pem if default is None else default
        self.by_url = dict(by_url)
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        answer = self.by_url.get(url, self.default)
        if isinstance(answer, BaseException):
            raise answer
        return answer


class CountingSkill:
    """The real skill, with every invocation counted."""

    def __init__(self, skill):
        self.skill = skill
        self.calls: list = []

    def invoke(self, request_envelope, context):
        self.calls.append(request_envelope)
        return self.skill.invoke(request_envelope=request_envelope, context=context)


@pytest.fixture(scope="module")
def real_skill():
    from skill.skill_builder import build_skill

    return build_skill(SKILL_ID, persistence=None)


@pytest.fixture
def spy(real_skill):
    return CountingSkill(real_skill)


def body_at(moment: datetime = NOW, **session) -> bytes:
    """The raw bytes of a LaunchRequest stamped at ``moment``."""
    return json.dumps(Session(skill_id=SKILL_ID, clock=moment, **session).launch()).encode()


def signed(body: bytes, signer=None, url: str = CERT_URL) -> dict:
    """Alexa's two signature headers for ``body``."""
    return {"SignatureCertChainUrl": url, "Signature-256": (signer or chain()).sign(body)}


def make_verifier(fetcher=None, clock=None, **kwargs) -> SignatureVerifier:
    return SignatureVerifier(roots=trusted_roots(), fetch=fetcher or Fetcher(), now=clock or Clock(), **kwargs)


class Endpoint:
    """The Flask app with our verifiers and a counting skill, through its test client."""

    def __init__(self, spy, fetcher=None, clock=None):
        self.fetcher = fetcher or Fetcher()
        self.clock = clock or Clock()
        self.verifier = make_verifier(self.fetcher, self.clock)
        self.spy = spy
        self.app = create_app({"VERIFY_SIGNATURE": True, "VERIFY_TIMESTAMP": True,
                               "SIGNATURE_VERIFIER": self.verifier,
                               "TIMESTAMP_VERIFIER": TimestampVerifier(now=self.clock),
                               "SKILL_ID": SKILL_ID, "SKILL": spy})
        self.client = self.app.test_client()

    def post(self, body: bytes, headers: dict):
        return self.client.post("/", data=body, headers=headers, content_type="application/json")

    def assert_rejected(self, response, word: str = "verification") -> None:
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.is_json
        error = response.get_json()["error"]
        assert isinstance(error, str) and word in error
        assert self.spy.calls == [], "skill code ran for a rejected request"


@pytest.fixture
def endpoint(spy):
    return Endpoint(spy)


# --- A valid request --------------------------------------------------------


def test_valid_signed_request_verifies():
    fetcher = Fetcher()
    body = body_at()
    make_verifier(fetcher).verify(signed(body), body)
    assert fetcher.calls == [CERT_URL]


def test_valid_signed_request_is_served_once(endpoint):
    body = body_at()
    response = endpoint.post(body, signed(body))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["response"]["outputSpeech"]["type"] == "SSML"
    assert len(endpoint.spy.calls) == 1
    assert endpoint.spy.calls[0].request.object_type == "LaunchRequest"
    assert endpoint.fetcher.calls == [CERT_URL]


def test_header_names_are_case_insensitive(endpoint):
    body = body_at()
    headers = {name.lower(): value for name, value in signed(body).items()}
    make_verifier().verify(headers, body)  # a plain dict, as from API Gateway
    assert endpoint.post(body, headers).status_code == 200


def test_signature_covers_the_exact_raw_bytes(endpoint):
    """Non-ASCII text and unusual spacing are signed as sent; any re-encoding breaks the signature."""
    envelope = Session(skill_id=SKILL_ID, clock=NOW, locale="en-US").launch()
    envelope["session"]["attributes"] = {"note": "étirement — dos ✓"}
    body = json.dumps(envelope, ensure_ascii=False, indent=3).encode("utf-8")
    assert endpoint.post(body, signed(body)).status_code == 200
    same_json = json.dumps(envelope).encode()  # equal once parsed, different bytes
    assert json.loads(same_json) == json.loads(body)
    with pytest.raises(VerificationError, match="signature"):
        make_verifier().verify(signed(body), same_json)


# --- Rejected: body and signature ---------------------------------------------


def _tampered(body: bytes) -> bytes:
    index = body.index(b"LaunchRequest")
    return body[:index] + b"l" + body[index + 1:]  # one byte changed after signing


SIGNATURE_CASES = {
    "tampered body": lambda body: (signed(body), _tampered(body)),
    "body with a byte appended": lambda body: (signed(body), body + b" "),
    "signed by another key": lambda body: (signed(body, signer=chain("second")), body),
    "signature not base64": lambda body: ({**signed(body), "Signature-256": "not base64!!"}, body),
    "signature with a stray character":
        lambda body: ({**signed(body), "Signature-256": signed(body)["Signature-256"] + "*"}, body),
    "truncated signature": lambda body: ({**signed(body), "Signature-256": signed(body)["Signature-256"][:40]}, body),
    "empty signature": lambda body: ({**signed(body), "Signature-256": ""}, body),
    "signature of nothing":
        lambda body: ({**signed(body), "Signature-256": base64.b64encode(b"\0" * 256).decode()}, body),
    "missing SignatureCertChainUrl": lambda body: ({"Signature-256": signed(body)["Signature-256"]}, body),
    "missing Signature-256": lambda body: ({"SignatureCertChainUrl": CERT_URL}, body),
    "only the old SHA-1 Signature header":
        lambda body: ({"SignatureCertChainUrl": CERT_URL, "Signature": signed(body)["Signature-256"]}, body),
    "no headers at all": lambda body: ({}, body),
}


@pytest.mark.parametrize("case", SIGNATURE_CASES)
def test_bad_signature_is_rejected_by_the_verifier(case):
    headers, body = SIGNATURE_CASES[case](body_at())
    with pytest.raises(VerificationError):
        make_verifier().verify(headers, body)


@pytest.mark.parametrize("case", SIGNATURE_CASES)
def test_bad_signature_gets_400_and_no_skill_code_runs(endpoint, case):
    headers, body = SIGNATURE_CASES[case](body_at())
    endpoint.assert_rejected(endpoint.post(body, headers), "signature")


def test_signature_is_checked_before_the_body_is_parsed(endpoint):
    body = b"{not json at all"
    endpoint.assert_rejected(endpoint.post(body, signed(body, signer=chain("second"))), "signature")


# --- The certificate URL ----------------------------------------------------


@pytest.mark.parametrize("name", BAD_URLS)
def test_check_cert_url_refuses(name):
    with pytest.raises(VerificationError):
        check_cert_url(BAD_URLS[name])


@pytest.mark.parametrize("name", GOOD_URLS)
def test_check_cert_url_accepts(name):
    check_cert_url(GOOD_URLS[name])


@pytest.mark.parametrize("name", [n for n in BAD_URLS if BAD_URLS[n] and "\n" not in BAD_URLS[n]])  # HTTP headers can't
def test_bad_cert_url_gets_400_without_a_download(endpoint, name):
    body = body_at()
    endpoint.assert_rejected(endpoint.post(body, signed(body, url=BAD_URLS[name])), "signature")
    assert endpoint.fetcher.calls == [], "a refused URL must never be fetched"


def checked(url: str) -> str:
    """The URL a good certificate URL is fetched as: rebuilt from the parts that were checked."""
    return "https://s3.amazonaws.com" + urlsplit(url).path


@pytest.mark.parametrize("name", GOOD_URLS)
def test_good_cert_url_is_served(endpoint, name):
    body = body_at()
    response = endpoint.post(body, signed(body, url=GOOD_URLS[name]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(endpoint.spy.calls) == 1
    assert endpoint.fetcher.calls == [checked(GOOD_URLS[name])]


@pytest.mark.parametrize("name", GOOD_URLS)
def test_the_url_fetched_is_the_url_checked(name):
    """Finding 1: the download uses exactly what was validated, never the raw header."""
    assert check_cert_url(GOOD_URLS[name]) == checked(GOOD_URLS[name])
    assert checked(GOOD_URLS[name]).startswith("https://s3.amazonaws.com/echo.api/")


# --- The certificate chain ----------------------------------------------------

BAD_CHAINS = ["expired", "not_yet_valid", "wrong_san", "untrusted"]


@pytest.mark.parametrize("variant", BAD_CHAINS)
def test_bad_chain_is_rejected_by_the_verifier(variant):
    body = body_at()
    fetcher = Fetcher(chain(variant).pem)
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        make_verifier(fetcher).verify(signed(body, signer=chain(variant)), body)


@pytest.mark.parametrize("variant", BAD_CHAINS)
def test_bad_chain_gets_400_and_no_skill_code_runs(spy, variant):
    endpoint = Endpoint(spy, fetcher=Fetcher(chain(variant).pem))
    body = body_at()
    endpoint.assert_rejected(endpoint.post(body, signed(body, signer=chain(variant))), "signature")
    assert endpoint.fetcher.calls == [CERT_URL]


@functools.cache
def chain_naming(*names: x509.GeneralName) -> Chain:
    """A chain that is valid in every way but its leaf's SAN, which holds exactly ``names``."""
    issuer = intermediate_ca()
    key = rsa_key("leaf-root")
    leaf = (
        x509.CertificateBuilder()
        .subject_name(chain().leaf.subject).issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30)).not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(chain().leaf.extensions.get_extension_for_class(x509.KeyUsage).value, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(list(names)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            issuer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Chain(leaf, issuer.certificate, key)


WRONG_SANS = {
    "wildcard only": (x509.DNSName("*.amazon.com"),),
    "wildcard, and the name as a URI": (x509.DNSName("*.amazon.com"),
                                        x509.UniformResourceIdentifier("https://echo-api.amazon.com/")),
    "a subdomain only": (x509.DNSName("www.echo-api.amazon.com"),),
}
RIGHT_SANS = {
    "the name alone": (x509.DNSName("echo-api.amazon.com"),),
    "the name in upper case": (x509.DNSName("ECHO-API.Amazon.COM"),),
    "the name among others, wildcard included": (x509.DNSName("*.amazon.com"), x509.DNSName("echo-api.amazon.com")),
}


@pytest.mark.parametrize("sans", WRONG_SANS)
def test_leaf_without_the_exact_echo_api_dns_san_is_rejected(spy, sans):
    """Finding 2: Amazon's rule is that echo-api.amazon.com is in the SANs; a wildcard that merely
    matches it (as a TLS client would accept) is not that name."""
    signer = chain_naming(*WRONG_SANS[sans])
    body = body_at()
    with pytest.raises(VerificationError, match="echo-api.amazon.com"):
        make_verifier(Fetcher(signer.pem)).verify(signed(body, signer=signer), body)
    endpoint = Endpoint(spy, fetcher=Fetcher(signer.pem))
    endpoint.assert_rejected(endpoint.post(body, signed(body, signer=signer)), "signature")


@pytest.mark.parametrize("sans", RIGHT_SANS)
def test_leaf_with_the_exact_echo_api_dns_san_in_any_case_is_accepted(sans):
    signer = chain_naming(*RIGHT_SANS[sans])
    body = body_at()
    make_verifier(Fetcher(signer.pem)).verify(signed(body, signer=signer), body)


def test_a_bad_chain_is_not_cached_as_good_but_remembered_as_failed():
    clock = Clock()
    fetcher = Fetcher(chain("untrusted").pem)
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        verifier.verify(signed(body, signer=chain("untrusted")), body)
    with pytest.raises(VerificationError, match="failed recently"):
        verifier.verify(signed(body, signer=chain("untrusted")), body)
    assert len(fetcher.calls) == 1
    clock.advance(seconds=verification.FAILURE_MEMORY.total_seconds())
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        verifier.verify(signed(body, signer=chain("untrusted")), body)
    assert len(fetcher.calls) == 2


def test_leaf_alone_without_its_intermediate_is_rejected():
    from cryptography.hazmat.primitives import serialization

    leaf_only = chain().leaf.public_bytes(serialization.Encoding.PEM)
    body = body_at()
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        make_verifier(Fetcher(leaf_only)).verify(signed(body), body)


@pytest.mark.parametrize("answer", [b"", b"garbage", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                                    "a str, not bytes", None, 42])
def test_unreadable_chain_is_a_verification_error(answer):
    body = body_at()
    fetcher = Fetcher()
    fetcher.default = answer
    with pytest.raises(VerificationError):
        make_verifier(fetcher).verify(signed(body), body)


def test_validity_is_judged_in_utc_whatever_the_clock_zone():
    """cryptography reads a naive time as UTC; an aware one must not lose its offset on the way."""
    leaf = chain().leaf
    body = body_at()
    east, west = timezone(timedelta(hours=5)), timezone(timedelta(hours=-5))
    # One hour before expiry, on a UTC+5 clock: still valid.
    before = (leaf.not_valid_after_utc - timedelta(hours=1)).astimezone(east)
    make_verifier(clock=Clock(before)).verify(signed(body), body)
    # One hour after expiry, on a UTC-5 clock: expired, even though its wall time reads earlier.
    after = (leaf.not_valid_after_utc + timedelta(hours=1)).astimezone(west)
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        make_verifier(clock=Clock(after)).verify(signed(body), body)


def test_a_naive_clock_is_taken_as_utc():
    verifier = make_verifier(clock=Clock(NOW.replace(tzinfo=None)))
    body = body_at()
    verifier.verify(signed(body), body)
    verifier.verify(signed(body), body)  # the cached path compares with the clock too


# --- Caching --------------------------------------------------------------------


def test_same_cert_url_is_fetched_once(endpoint):
    for _ in range(3):
        body = body_at()
        assert endpoint.post(body, signed(body)).status_code == 200
    assert endpoint.fetcher.calls == [CERT_URL]
    assert len(endpoint.spy.calls) == 3


def test_expired_cached_chain_is_fetched_again():
    clock = Clock()
    fetcher = Fetcher()
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    verifier.verify(signed(body), body)
    clock.moment = chain().leaf.not_valid_after_utc + timedelta(seconds=1)
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        verifier.verify(signed(body), body)
    assert fetcher.calls == [CERT_URL, CERT_URL]
    # Amazon publishes a renewed certificate at the same URL: it is fetched and used once the
    # failure is no longer remembered.
    fetcher.default = chain("renewed").pem
    clock.advance(seconds=verification.FAILURE_MEMORY.total_seconds())
    assert chain("renewed").leaf.not_valid_before_utc < clock() < chain("renewed").leaf.not_valid_after_utc
    verifier.verify(signed(body, signer=chain("renewed")), body)
    verifier.verify(signed(body, signer=chain("renewed")), body)
    assert fetcher.calls == [CERT_URL] * 3


def test_cache_does_not_outlive_the_intermediate():
    """The leaf lasts a year but its issuer expires in 10 days: after that the chain is invalid."""
    clock = Clock()
    fetcher = Fetcher(chain("short_intermediate").pem)
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    verifier.verify(signed(body, signer=chain("short_intermediate")), body)
    clock.advance(days=11)
    assert clock() < chain("short_intermediate").leaf.not_valid_after_utc
    with pytest.raises(VerificationError, match="certificate chain rejected"):
        verifier.verify(signed(body, signer=chain("short_intermediate")), body)
    assert len(fetcher.calls) == 2


def test_cache_is_not_used_before_the_chain_is_valid():
    """A clock set back before the leaf's notBefore must not be served from the cache."""
    clock = Clock()
    fetcher = Fetcher()
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    verifier.verify(signed(body), body)
    clock.moment = chain().leaf.not_valid_before_utc - timedelta(seconds=1)
    with pytest.raises(VerificationError):
        verifier.verify(signed(body), body)


def test_cache_is_bounded_and_evicts_the_least_recently_used():
    fetcher = Fetcher()
    verifier = make_verifier(fetcher, cache_size=2)
    body = body_at()
    url = "https://s3.amazonaws.com/echo.api/cert-{}.pem".format

    def verify(name):
        verifier.verify(signed(body, url=url(name)), body)

    verify("a"), verify("b"), verify("c")  # past cache_size: "a", the oldest, is evicted
    assert fetcher.calls == [url("a"), url("b"), url("c")]
    verify("c"), verify("b")
    assert len(fetcher.calls) == 3
    verify("a")  # fetched again; "c" is now the least recently used and goes
    assert fetcher.calls[3:] == [url("a")]
    verify("b")
    assert len(fetcher.calls) == 4
    verify("c")
    assert fetcher.calls[4:] == [url("c")]
    assert len(verifier._cache) == 2


# --- Fetch failures -------------------------------------------------------------


@pytest.mark.parametrize("failure", [socket.timeout("timed out"), TimeoutError(), urllib.error.URLError("no route"),
                                     ConnectionResetError(), OSError("boom"),
                                     urllib.error.HTTPError(CERT_URL, 403, "Forbidden", {}, None)])
def test_fetch_failure_is_a_verification_error(failure):
    body = body_at()
    with pytest.raises(VerificationError, match="could not download"):
        make_verifier(Fetcher(failure)).verify(signed(body), body)


def test_fetch_failure_gets_400_not_500(spy):
    endpoint = Endpoint(spy, fetcher=Fetcher(socket.timeout("timed out")))
    body = body_at()
    endpoint.assert_rejected(endpoint.post(body, signed(body)), "signature")


def test_oversized_chain_from_any_fetcher_is_refused():
    body = body_at()
    padded = chain().pem + b"\n" * (MAX_CHAIN_BYTES + 1)
    with pytest.raises(VerificationError, match="too large"):
        make_verifier(Fetcher(padded)).verify(signed(body), body)


# --- The default fetcher, for real, on local sockets -----------------------------

default_fetch = SignatureVerifier.__dataclass_fields__["fetch"].default


@pytest.fixture
def silent_server():
    """Accepts connections on 127.0.0.1 and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/echo.api/echo-api-cert.pem"
    stop.set()
    thread.join(2)
    for connection in accepted:
        connection.close()
    listener.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        self.routes[self.path](self)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A local HTTP server; ``routes[path] = handler(request)``."""
    routes: dict = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    server.routes = routes
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


def _send(status: int, body: bytes = b"", headers: dict | None = None, length: bool = True):
    def handle(request):
        request.send_response(status)
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        if length:
            request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
    return handle


def test_default_fetcher_gives_up_on_a_silent_server(silent_server):
    """The real module function and the real DOWNLOAD_TIMEOUT_SECONDS."""
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)) as caught:
        default_fetch(silent_server)
    elapsed = time.monotonic() - started
    assert "timed out" in str(caught.value)
    assert DOWNLOAD_TIMEOUT_SECONDS - 0.2 < elapsed < DOWNLOAD_TIMEOUT_SECONDS + 1, elapsed


def test_silent_server_is_a_verification_error_within_the_timeout(silent_server, monkeypatch):
    monkeypatch.setattr(verification, "DOWNLOAD_TIMEOUT_SECONDS", 0.5)  # the wrapping, quickly
    body = body_at()
    verifier = make_verifier(lambda url: default_fetch(silent_server))  # bypasses the URL check only
    started = time.monotonic()
    with pytest.raises(VerificationError, match="could not download"):
        verifier.verify(signed(body), body)
    assert time.monotonic() - started < 0.5 + 1


def test_default_fetcher_reads_a_chain(http_server):
    http_server.routes["/echo.api/echo-api-cert.pem"] = _send(200, chain().pem)
    assert default_fetch(http_server.url + "/echo.api/echo-api-cert.pem") == chain().pem
    body = body_at()
    verifier = make_verifier(lambda url: default_fetch(http_server.url + "/echo.api/echo-api-cert.pem"))
    verifier.verify(signed(body), body)


@pytest.mark.parametrize("length", [True, False], ids=["with Content-Length", "close-delimited"])
def test_default_fetcher_refuses_a_chain_over_max_chain_bytes(http_server, length):
    http_server.routes["/big.pem"] = _send(200, chain().pem + b"\n" * MAX_CHAIN_BYTES, length=length)
    with pytest.raises(VerificationError, match="too large"):
        default_fetch(http_server.url + "/big.pem")


def test_default_fetcher_refuses_an_http_error(http_server):
    http_server.routes["/missing.pem"] = _send(404, b"no")
    with pytest.raises(urllib.error.HTTPError):
        default_fetch(http_server.url + "/missing.pem")


def test_default_fetcher_does_not_follow_a_redirect_off_the_rules(http_server):
    """A redirect must not lead the download away from https://s3.amazonaws.com/echo.api/."""
    http_server.routes["/elsewhere.pem"] = _send(200, chain().pem)
    http_server.routes["/echo.api/echo-api-cert.pem"] = _send(302, headers={"Location": http_server.url
                                                                             + "/elsewhere.pem"})
    with pytest.raises(VerificationError, match="redirect"):
        default_fetch(http_server.url + "/echo.api/echo-api-cert.pem")
    body = body_at()
    verifier = make_verifier(lambda url: default_fetch(http_server.url + "/echo.api/echo-api-cert.pem"))
    with pytest.raises(VerificationError):
        verifier.verify(signed(body), body)


def test_default_fetcher_has_an_overall_deadline_for_a_trickling_body(http_server, monkeypatch):
    """A server that keeps sending a byte now and then must not hold the request past the deadline."""
    monkeypatch.setattr(verification, "DOWNLOAD_TIMEOUT_SECONDS", 0.6)

    def trickle(request):
        request.send_response(200)
        request.send_header("Content-Length", "4000")
        request.end_headers()
        try:
            for _ in range(50):
                request.wfile.write(b"-")
                request.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    http_server.routes["/slow.pem"] = trickle
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="timed out"):
        default_fetch(http_server.url + "/slow.pem")
    assert time.monotonic() - started < 0.6 + 0.5


@pytest.fixture
def trickling_server():
    """Answers each connection with a status line, then one header byte every 0.25 s for 4 s, then the
    end of the headers: a server that never pauses long enough for a per-read socket timeout to fire."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def answer(connection):
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                for _ in range(16):
                    if stop.wait(0.25):
                        return
                    connection.sendall(b"x")
                connection.sendall(b"\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                threading.Thread(target=answer, args=(listener.accept()[0],), daemon=True).start()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/echo.api/echo-api-cert.pem"
    stop.set()
    thread.join(2)
    listener.close()


def test_default_fetcher_deadline_covers_a_trickling_status_line_and_headers(trickling_server, monkeypatch):
    """Finding 3: the deadline covers the whole fetch, not only the body: http.client reads the status
    line and headers with many socket reads, and a per-read timeout never fires on a byte every 0.25 s."""
    monkeypatch.setattr(verification, "DOWNLOAD_TIMEOUT_SECONDS", 0.75)
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)) as caught:
        default_fetch(trickling_server)
    elapsed = time.monotonic() - started
    assert elapsed < 0.75 + 0.5, f"the fetch lasted {elapsed:.1f} s"
    assert "timed out" in str(caught.value)


def test_default_fetcher_deadline_covers_a_tls_handshake_that_never_ends(silent_server, monkeypatch):
    """The https path, as in production: a server that accepts and never answers the TLS handshake."""
    monkeypatch.setattr(verification, "DOWNLOAD_TIMEOUT_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError), match="timed out"):
        default_fetch(silent_server.replace("http://", "https://"))
    assert time.monotonic() - started < 0.5 + 0.5


def test_a_failing_cert_url_is_not_downloaded_again_for_a_while(http_server):
    """Finding 3: failed URLs are remembered (FAILURE_MEMORY), so repeating one costs no download."""
    requests = []

    def missing(request):
        requests.append(request.path)
        _send(404, b"no")(request)

    http_server.routes["/echo.api/missing.pem"] = missing
    verifier = make_verifier(lambda url: default_fetch(http_server.url + "/echo.api/missing.pem"))
    body = body_at()
    for _ in range(3):
        with pytest.raises(VerificationError):
            verifier.verify(signed(body), body)
    assert requests == ["/echo.api/missing.pem"], "a remembered failure made a new connection"


def test_a_failing_cert_url_gets_400_without_a_download_the_second_time(spy):
    endpoint = Endpoint(spy, fetcher=Fetcher(urllib.error.HTTPError(CERT_URL, 404, "Not Found", {}, None)))
    body = body_at()
    for _ in range(2):
        endpoint.assert_rejected(endpoint.post(body, signed(body)), "signature")
    assert endpoint.fetcher.calls == [CERT_URL]


def test_a_remembered_failure_expires_and_concerns_only_its_url():
    clock = Clock()
    bad_url = "https://s3.amazonaws.com/echo.api/missing.pem"
    fetcher = Fetcher(**{bad_url: OSError("not there")})
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    with pytest.raises(VerificationError, match="could not download"):
        verifier.verify(signed(body, url=bad_url), body)
    verifier.verify(signed(body), body)  # another URL is unaffected
    clock.moment = NOW + verification.FAILURE_MEMORY - timedelta(seconds=1)
    with pytest.raises(VerificationError, match="failed recently"):
        verifier.verify(signed(body, url=bad_url), body)
    assert fetcher.calls == [bad_url, CERT_URL]
    clock.moment = NOW + verification.FAILURE_MEMORY
    fetcher.by_url.clear()  # the URL works now, and is tried again
    verifier.verify(signed(body, url=bad_url), body)
    assert fetcher.calls == [bad_url, CERT_URL, bad_url]
    assert timedelta(minutes=1) < verification.FAILURE_MEMORY <= timedelta(minutes=5)


def test_a_remembered_failure_does_not_outlast_a_clock_set_back():
    clock = Clock()
    fetcher = Fetcher(OSError("not there"))
    verifier = make_verifier(fetcher, clock)
    body = body_at()
    with pytest.raises(VerificationError):
        verifier.verify(signed(body), body)
    clock.advance(days=-1)
    with pytest.raises(VerificationError, match="could not download"):
        verifier.verify(signed(body), body)
    assert len(fetcher.calls) == 2


def test_remembered_failures_are_bounded():
    fetcher = Fetcher(OSError("not there"))
    verifier = make_verifier(fetcher, failure_cache_size=2)
    body = body_at()
    url = "https://s3.amazonaws.com/echo.api/missing-{}.pem".format

    def fails(name):
        with pytest.raises(VerificationError):
            verifier.verify(signed(body, url=url(name)), body)

    fails("a"), fails("b"), fails("c")  # past failure_cache_size: "a", the oldest, is forgotten
    fails("b"), fails("c")
    assert fetcher.calls == [url("a"), url("b"), url("c")]
    fails("a")
    assert fetcher.calls[3:] == [url("a")]
    assert len(verifier._failed) == 2


# --- The timestamp ----------------------------------------------------------------


@pytest.mark.parametrize("offset", [0, 150, -150, 149.5, -1])
def test_timestamp_within_150_seconds_is_accepted(offset):
    TimestampVerifier(now=Clock()).verify({}, b"", Session(clock=NOW + timedelta(seconds=offset)).launch())


@pytest.mark.parametrize("offset", [151, -151, 3600, -86400 * 365])
def test_timestamp_outside_150_seconds_is_rejected(offset):
    with pytest.raises(VerificationError, match="timestamp"):
        TimestampVerifier(now=Clock()).verify({}, b"", Session(clock=NOW - timedelta(seconds=offset)).launch())


@pytest.mark.parametrize("stamp", [None, 1234567890, "", "yesterday", "2026-13-01T00:00:00Z", ["2026-03-01T12:00:00Z"]])
def test_missing_or_malformed_timestamp_is_rejected(stamp):
    envelope = Session(clock=NOW).launch()
    envelope["request"]["timestamp"] = stamp
    with pytest.raises(VerificationError, match="timestamp"):
        TimestampVerifier(now=Clock()).verify({}, b"", envelope)


@pytest.mark.parametrize("envelope", [{}, {"request": None}, {"request": "x"}, [], None])
def test_timestamp_verifier_refuses_non_envelopes(envelope):
    with pytest.raises(VerificationError):
        TimestampVerifier(now=Clock()).verify({}, b"", envelope)


def test_timestamp_with_an_offset_or_fraction_is_read_correctly():
    verifier = TimestampVerifier(now=Clock())
    envelope = Session(clock=NOW).launch()
    envelope["request"]["timestamp"] = "2026-03-01T17:00:30.250+05:00"  # 12:00:30.25 UTC
    verifier.verify({}, b"", envelope)
    envelope["request"]["timestamp"] = "2026-03-01T12:00:00"  # no zone: UTC
    verifier.verify({}, b"", envelope)


def test_timestamp_verifier_accepts_naive_or_zoned_clocks():
    envelope = Session(clock=NOW).launch()
    TimestampVerifier(now=Clock(NOW.replace(tzinfo=None))).verify({}, b"", envelope)
    TimestampVerifier(now=Clock(NOW.astimezone(timezone(timedelta(hours=-8))))).verify({}, b"", envelope)


@pytest.mark.parametrize("offset", [151, -151], ids=["stale", "future"])
def test_bad_timestamp_gets_400_and_no_skill_code_runs(endpoint, offset):
    body = body_at(NOW - timedelta(seconds=offset))
    response = endpoint.post(body, signed(body))  # correctly signed: only the time is wrong
    endpoint.assert_rejected(response, "timestamp")
    assert endpoint.fetcher.calls == [CERT_URL]


@pytest.mark.parametrize("offset", [150, -150])
def test_timestamp_at_the_limit_is_served(endpoint, offset):
    body = body_at(NOW - timedelta(seconds=offset))
    assert endpoint.post(body, signed(body)).status_code == 200
    assert len(endpoint.spy.calls) == 1


# --- One interface for both verifiers ----------------------------------------------


def test_both_verifiers_share_the_request_verifier_interface():
    import inspect

    for verifier, checks, needs_envelope in ((make_verifier(), "signature", False),
                                             (TimestampVerifier(now=Clock()), "timestamp", True)):
        assert (verifier.checks, verifier.needs_envelope) == (checks, needs_envelope)
        assert list(inspect.signature(verifier.verify).parameters) == ["headers", "body", "envelope"]


def test_the_signature_verifier_reads_only_the_raw_bytes():
    body = body_at()
    make_verifier().verify(signed(body), body, {"request": {"type": "anything else"}})


def test_the_endpoint_runs_whatever_verifiers_are_configured_in_order(spy):
    """The route loops over its verifiers: a stand-in for each, each seeing what its phase gives it."""
    seen = []

    class Recording:
        def __init__(self, checks, needs_envelope, refuse=False):
            self.checks, self.needs_envelope, self.refuse = checks, needs_envelope, refuse

        def verify(self, headers, body, envelope):
            seen.append((self.checks, isinstance(body, bytes), envelope is not None))
            if self.refuse:
                raise VerificationError("no")

    def app(timestamp_refuses=False):
        return create_app({"VERIFY_SIGNATURE": True, "VERIFY_TIMESTAMP": True, "SKILL_ID": SKILL_ID, "SKILL": spy,
                           "SIGNATURE_VERIFIER": Recording("signature", False),
                           "TIMESTAMP_VERIFIER": Recording("timestamp", True, timestamp_refuses)}).test_client()

    body = body_at()
    assert app().post("/", data=body, content_type="application/json").status_code == 200
    assert seen == [("signature", True, False), ("timestamp", True, True)]
    seen.clear()
    response = app(timestamp_refuses=True).post("/", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json() == {"error": "request timestamp verification failed"}
    assert len(spy.calls) == 1  # only the first request reached the skill
