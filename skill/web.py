"""The local web endpoint: a Flask WSGI app built by an application factory.

``skill.web:app`` is ready for gunicorn. We do not use flask-ask-sdk: it
imports ask-sdk-webservice-support, whose import fails on OpenSSL >= 3.0.10.
Instead this module hands the raw body to :mod:`skill.verification`
(pyca/cryptography) and the parsed envelope to the ASK SDK skill directly.

:func:`create_app` follows Flask's tutorial factory: configuration from
:data:`DEFAULTS`, then the environment (:func:`config_from_env`), then the
caller's test config; then the store, the skill and the routes. A request
is read by :func:`read_body` and :func:`parse_envelope`, checked by each
configured :class:`~skill.verification.RequestVerifier` and handed to
:func:`skill.dispatch.dispatch`.

Verification of the signature and the timestamp is ON unless the
environment says ``ASK_SDK_VERIFY_SIGNATURE=false`` /
``ASK_SDK_VERIFY_TIMESTAMP=false`` (for local use only). With verification
on, the app refuses to start without ``SKILL_ID`` unless
``ALLOW_ANY_SKILL_ID=true`` says so explicitly. Configuration it must not
start with raises :class:`ConfigurationError`.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from flask import Flask, Request, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .logs import configure_logging
from .persistence import ConfigurationError

if TYPE_CHECKING:
    from .verification import RequestVerifier

__all__ = ["ConfigurationError", "DEFAULTS", "MAX_BODY_BYTES", "Refused", "config_from_env", "create_app",
           "parse_envelope", "read_body"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024
MAX_JSON_DEPTH = 64

#: The configuration before the environment and the test config have their say.
DEFAULTS: dict[str, Any] = {
    "VERIFY_SIGNATURE": True,  # ASK_SDK_VERIFY_SIGNATURE
    "VERIFY_TIMESTAMP": True,  # ASK_SDK_VERIFY_TIMESTAMP
    "SKILL_ID": None,  # SKILL_ID: requests for another skill are refused
    "ALLOW_ANY_SKILL_ID": False,  # ALLOW_ANY_SKILL_ID: start with verification on but no SKILL_ID
    "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
    "SIGNATURE_VERIFIER": None,  # a RequestVerifier instead of the default SignatureVerifier
    "TIMESTAMP_VERIFIER": None,  # a RequestVerifier instead of the default TimestampVerifier
    # Not set by default: PERSISTENCE_ADAPTER (an ASK persistence adapter, None for none; unset, the
    # store skill.persistence opens from the environment) and SKILL (a built skill: no store is opened).
}

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
#: Environment variable -> configuration key, for the flags.
_ENV_FLAGS = {"ASK_SDK_VERIFY_SIGNATURE": "VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP": "VERIFY_TIMESTAMP",
              "ALLOW_ANY_SKILL_ID": "ALLOW_ANY_SKILL_ID"}


def config_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The configuration the environment sets (unset or empty variables set nothing)."""
    config: dict[str, Any] = {}
    for name, key in _ENV_FLAGS.items():
        value = (environ.get(name) or "").strip().lower()
        if value in _TRUE or value in _FALSE:
            config[key] = value in _TRUE
        elif value:
            raise ConfigurationError(f"{name}={environ[name]!r}: say true or false")
    if environ.get("SKILL_ID"):
        config["SKILL_ID"] = environ["SKILL_ID"]
    return config


def check_config(config: Mapping[str, Any]) -> None:
    """Raises ConfigurationError for a configuration the app must not start with."""
    if config["VERIFY_SIGNATURE"] and not config["SKILL_ID"] and not config["ALLOW_ANY_SKILL_ID"]:
        raise ConfigurationError(
            "request verification is on but SKILL_ID is not set, so any skill's requests would be served. "
            "Set SKILL_ID=amzn1.ask.skill.… (or ALLOW_ANY_SKILL_ID=true to accept that deliberately).")


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


class Refused(Exception):
    """The request is answered with a 4xx and a short JSON error, and goes no further."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _UnreadableBody(Exception):
    """The WSGI server could not decode the request body's framing: the client's error, a 400."""


def _read_limited(req: Request, limit: int) -> bytes | None:
    """The body, or None if it is longer than ``limit`` (also for chunked bodies with no length).

    A body the WSGI server cannot decode as it streams it (a chunk size of ``zz``, a chunk without its
    CRLF, a client gone mid-body) raises _UnreadableBody. Each server says so its own way: werkzeug
    raises ClientDisconnected, gunicorn its ParseException subclasses (InvalidChunkSize,
    ChunkMissingTerminator, ...) or IOError (NoMoreData). So anything raised while reading, except
    werkzeug's 413, means a body we could not read, never a server error with a traceback.
    """
    stream = req.stream
    chunks, size = [], 0
    while True:
        try:
            chunk = stream.read(min(65536, limit + 1 - size))
        except RequestEntityTooLarge:
            raise
        except Exception as exc:  # noqa: BLE001 - each WSGI server has its own exception types (above)
            raise _UnreadableBody(type(exc).__name__) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of parsed JSON, stopping once past ``limit``."""
    stack, deepest = [(value, 1)], 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def read_body(req: Request, max_bytes: int) -> bytes:
    """The raw body of an Alexa request, as received (the signature covers these bytes).

    Refused: a declared or streamed body over ``max_bytes`` (413; a chunked body has no declared
    length, so it is counted as it is read), another content type (415), a body the server could not
    read (400) and an empty one (400).
    """
    length = req.content_length
    if length is not None and length > max_bytes:
        raise Refused(413, "request body too large")
    if req.mimetype != "application/json":
        raise Refused(415, "content type must be application/json")
    try:
        body = _read_limited(req, max_bytes)
    except _UnreadableBody as exc:
        log.warning("request body could not be read: %s", exc)
        raise Refused(400, "request body could not be read") from None
    if body is None:
        raise Refused(413, "request body too large")
    if not body:
        raise Refused(400, "empty request body")
    return body


def parse_envelope(body: bytes) -> dict:
    """The body as an Alexa request envelope: a JSON object, at most MAX_JSON_DEPTH deep, with a
    ``request`` object that has a ``type``. Anything else is Refused (400)."""
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):
        raise Refused(400, "request body is not valid JSON") from None
    if not isinstance(envelope, dict) or _depth(envelope, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise Refused(400, "request body is not an Alexa request envelope")
    if not isinstance(envelope.get("request"), dict) or not isinstance(envelope["request"].get("type"), str):
        raise Refused(400, "request envelope has no request")
    return envelope


def configured_verifiers(config: Mapping[str, Any]) -> list[RequestVerifier]:
    """The verifiers the configuration turns on, in order: the signature's, then the timestamp's."""
    if not (config["VERIFY_SIGNATURE"] or config["VERIFY_TIMESTAMP"]):
        return []
    # Only imported when verification is on: pyca/cryptography stays off the local-use path.
    from .verification import SignatureVerifier, TimestampVerifier

    verifiers = []
    if config["VERIFY_SIGNATURE"]:
        verifiers.append(config["SIGNATURE_VERIFIER"] if config["SIGNATURE_VERIFIER"] is not None
                         else SignatureVerifier())
    if config["VERIFY_TIMESTAMP"]:
        verifiers.append(config["TIMESTAMP_VERIFIER"] if config["TIMESTAMP_VERIFIER"] is not None
                         else TimestampVerifier())
    return verifiers


def verify(verifiers: Sequence[RequestVerifier], headers, body: bytes, envelope: Mapping | None) -> None:
    """Runs each verifier; the first that refuses the request makes it Refused (400)."""
    if not verifiers:
        return
    from .verification import VerificationError

    for verifier in verifiers:
        try:
            verifier.verify(headers, body, envelope)
        except VerificationError as exc:
            log.warning("%s verification failed: %s", verifier.checks, exc)
            raise Refused(400, f"request {verifier.checks} verification failed") from None


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI app: configuration (:data:`DEFAULTS`, then the environment, then ``test_config``),
    then the store, the skill and the routes. Raises ConfigurationError for a configuration it must
    not start with."""
    configure_logging()
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(config_from_env())
    if test_config is not None:
        app.config.from_mapping(test_config)
    check_config(app.config)

    skill, store_problem = _skill_and_store_problem(app.config)
    _add_routes(app, skill, configured_verifiers(app.config), store_problem)
    _add_policy_routes(app)
    return app


def _add_policy_routes(app: Flask) -> None:
    """/privacy and /terms: the privacy policy and terms (docs/), with the operator's details from OPERATOR_NAME,
    OPERATOR_CONTACT and OPERATOR_ADDRESS; 503 until they are set (skill.policies)."""

    @app.route("/privacy", methods=["GET", "HEAD", "POST"])
    @app.route("/terms", methods=["GET", "HEAD", "POST"])
    def policy_page():
        from .policies import response_for

        status, headers, body = response_for(request.path, request.method)
        return Response(body, status=status, headers=headers)


def _skill_and_store_problem(config: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The ASK SDK skill (SKILL, or built on the configured store), and why the store is unavailable, if it is."""
    if "SKILL" in config:
        return config["SKILL"], None
    from .skill_builder import build_skill

    if "PERSISTENCE_ADAPTER" in config:
        return build_skill(config["SKILL_ID"], config["PERSISTENCE_ADAPTER"]), None
    from .persistence import open_store

    store, problem = open_store()
    return build_skill(config["SKILL_ID"], store), problem


def _add_routes(app: Flask, skill, verifiers: Sequence[RequestVerifier], store_problem: str | None) -> None:
    from .dispatch import MalformedRequest, dispatch, error_response, is_another_skills_request

    # The signature covers the raw bytes, so it is checked before the body is parsed.
    on_the_bytes = [v for v in verifiers if not v.needs_envelope]
    on_the_envelope = [v for v in verifiers if v.needs_envelope]

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _error(error.code or 500, (error.name or "error").lower())

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # never a traceback to the client
        log.exception("unexpected error in the web endpoint")
        return _error(500, "internal error")

    @app.get("/health")
    def health():
        # Degraded, not down: with no store the skill still answers, it just can't remember.
        if store_problem:
            return jsonify(status="degraded", store="unavailable")
        return jsonify(status="ok")

    @app.post("/")
    def alexa():
        try:
            body = read_body(request, app.config["MAX_CONTENT_LENGTH"])
            verify(on_the_bytes, request.headers, body, None)
            envelope = parse_envelope(body)
            verify(on_the_envelope, request.headers, body, envelope)
        except Refused as refusal:
            return _error(refusal.status, refusal.message)
        try:
            result = dispatch(skill, envelope)
        except MalformedRequest as exc:
            log.warning("malformed request envelope: %s", exc)
            return _error(400, "request envelope could not be read")
        except Exception as exc:  # the skill's own error handler failed: still a valid spoken answer
            if is_another_skills_request(exc):
                log.warning("request for another skill rejected")
                return _error(400, "request is for another skill")
            log.exception("skill invocation failed")
            result = error_response(envelope)
        return Response(json.dumps(result), mimetype="application/json")


def __getattr__(name: str):
    """``skill.web:app`` for gunicorn, built from the environment on first use (not at import)."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
