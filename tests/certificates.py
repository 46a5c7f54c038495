"""Our own small PKI for the request-verification tests.

Real Alexa requests are signed with a key whose certificate chain is
leaf (SAN echo-api.amazon.com) -> intermediate CA -> Amazon's root. Here we
build the same shape with our own root, so that pyca/cryptography's web PKI
verifier (``PolicyBuilder().build_server_verifier``) accepts it when that root
is the trust store, plus the broken variants Amazon's rules must refuse.

RSA key generation is slow, so keys and certificates are made once per test
session (``functools.cache``).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ECHO_API_SAN = "echo-api.amazon.com"

# Every test runs at this fixed moment; certificates are valid around it.
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@functools.cache
def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """One RSA 2048 key per name, generated once per test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Back Stretch Coach Test PKI"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                         encipher_only=False, decipher_only=False)


def _leaf_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                         data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                         encipher_only=False, decipher_only=False)


@dataclass(frozen=True)
class Issuer:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


@functools.cache
def root_ca(name: str = "root") -> Issuer:
    """A self-signed root CA. ``root_ca("other")`` is an independent, untrusted one."""
    key = rsa_key(f"{name}-ca")
    subject = _name(f"Test Root CA ({name})")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=3650))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issuer(certificate, key)


@functools.cache
def intermediate_ca(root: str = "root", not_after: datetime | None = None) -> Issuer:
    """An intermediate CA under ``root_ca(root)`` (path length 0: it signs only leaves)."""
    issuer = root_ca(root)
    key = rsa_key(f"{root}-intermediate")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Test Intermediate CA ({root})")).issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=1825))
        .not_valid_after(not_after or NOW + timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_aki(issuer), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Issuer(certificate, key)


def _aki(issuer: Issuer) -> x509.AuthorityKeyIdentifier:
    ski = issuer.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


@dataclass(frozen=True)
class Chain:
    """A signing key with its certificate chain, as Amazon's endpoint would publish it."""

    leaf: x509.Certificate
    intermediate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        """What the SignatureCertChainUrl serves: leaf first, then the intermediate."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.leaf, self.intermediate))

    def sign(self, body: bytes) -> str:
        """The ``Signature-256`` header value for ``body``."""
        return sign(self.key, body)


def sign(key: rsa.RSAPrivateKey, body: bytes) -> str:
    """RSA PKCS#1 v1.5 over SHA-256 of the exact bytes, base64: Alexa's ``Signature-256``."""
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


@functools.cache
def chain(variant: str = "valid") -> Chain:
    """A leaf + intermediate chain. Variants:

    - ``valid``: within its dates around NOW, SAN echo-api.amazon.com, under ``root_ca()``;
    - ``expired``: the leaf's validity ended a day before NOW;
    - ``not_yet_valid``: the leaf's validity starts a day after NOW;
    - ``wrong_san``: the leaf names only www.example.com;
    - ``untrusted``: a valid-looking chain under ``root_ca("other")``, not in the trust store;
    - ``short_intermediate``: valid at NOW, but the intermediate expires 10 days after NOW
      while the leaf lasts a year (a cache must not outlive the shortest-lived certificate);
    - ``second``: another valid chain with its own leaf key (for "signed by another key");
    - ``renewed``: the certificate Amazon would publish next, valid from 300 to 700 days
      after NOW, with its own key.
    """
    root = "other" if variant == "untrusted" else "root"
    not_before, not_after = NOW - timedelta(days=30), NOW + timedelta(days=365)
    sans = [x509.DNSName("www.echo-api.amazon.com"), x509.DNSName(ECHO_API_SAN)]
    intermediate_not_after = None
    if variant == "expired":
        not_before, not_after = NOW - timedelta(days=400), NOW - timedelta(days=1)
    elif variant == "not_yet_valid":
        not_before, not_after = NOW + timedelta(days=1), NOW + timedelta(days=400)
    elif variant == "wrong_san":
        sans = [x509.DNSName("www.example.com")]
    elif variant == "short_intermediate":
        intermediate_not_after = NOW + timedelta(days=10)
    elif variant == "renewed":
        not_before, not_after = NOW + timedelta(days=300), NOW + timedelta(days=700)
    elif variant not in {"valid", "untrusted", "second"}:
        raise ValueError(variant)
    issuer = intermediate_ca(root, intermediate_not_after)
    key = rsa_key(f"leaf-{variant}" if variant in {"second", "renewed"} else f"leaf-{root}")
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(ECHO_API_SAN)).issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_aki(issuer), critical=False)
        .sign(issuer.key, hashes.SHA256())
    )
    return Chain(leaf, issuer.certificate, key)


def trusted_roots() -> list[x509.Certificate]:
    """The trust store to inject: our root only (never ``root_ca("other")``)."""
    return [root_ca().certificate]
