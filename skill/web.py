"""The local web endpoint: a Flask WSGI app built by an application factory.

``skill.web:app`` is ready for gunicorn. We do not use flask-ask-sdk: it
imports ask-sdk-webservice-support, whose import fails on OpenSSL >= 3.0.10.
Instead this module hands the raw body to :mod:`skill.verification`
(pyca/cryptography) and the parsed envelope to the ASK SDK skill directly.

Verification of the signature and the timestamp is ON unless the
environment says ``ASK_SDK_VERIFY_SIGNATURE=false`` /
``ASK_SDK_VERIFY_TIMESTAMP=false`` (for local use only). With verification
on, the app refuses to start without ``SKILL_ID`` unless
``ALLOW_ANY_SKILL_ID=true`` says so explicitly.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Mapping

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .logs import configure_logging

log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The app would be unsafe to start as configured."""

MAX_BODY_BYTES = 128 * 1024
MAX_JSON_DEPTH = 64


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


class _UnreadableBody(Exception):
    """The WSGI server could not decode the request body's framing: the client's error, a 400."""


def _read_limited(limit: int) -> bytes | None:
    """The body, or None if it is longer than ``limit`` (also for chunked bodies with no length).

    A body the WSGI server cannot decode as it streams it (a chunk size of ``zz``, a chunk without its
    CRLF, a client gone mid-body) raises _UnreadableBody. Each server says so its own way: werkzeug
    raises ClientDisconnected, gunicorn its ParseException subclasses (InvalidChunkSize,
    ChunkMissingTerminator, ...) or IOError (NoMoreData). So anything raised while reading, except
    werkzeug's 413, means a body we could not read, never a server error with a traceback.
    """
    stream = request.stream
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


def create_app(config: Mapping[str, Any] | None = None, skill=None) -> Flask:
    """Build the WSGI app.

    ``config`` may set VERIFY_SIGNATURE, VERIFY_TIMESTAMP, SIGNATURE_VERIFIER,
    TIMESTAMP_VERIFIER, SKILL_ID, PERSISTENCE_ADAPTER and MAX_CONTENT_LENGTH;
    the defaults come from the environment.
    """
    configure_logging()
    app = Flask(__name__)
    app.config.update(
        VERIFY_SIGNATURE=_env_flag("ASK_SDK_VERIFY_SIGNATURE", True),
        VERIFY_TIMESTAMP=_env_flag("ASK_SDK_VERIFY_TIMESTAMP", True),
        SKILL_ID=os.environ.get("SKILL_ID") or None,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.config.update(config or {})
    if app.config["VERIFY_SIGNATURE"] and not app.config["SKILL_ID"] and not app.config.get("ALLOW_ANY_SKILL_ID",
                                                                                            _env_flag("ALLOW_ANY_SKILL_ID", False)):
        raise ConfigurationError(
            "request verification is on but SKILL_ID is not set, so any skill's requests would be served. "
            "Set SKILL_ID=amzn1.ask.skill.… (or ALLOW_ANY_SKILL_ID=true to accept that deliberately).")

    from ask_sdk_core.exceptions import AskSdkException

    from .dispatch import MalformedRequest, dispatch, error_response
    from .skill_builder import build_skill

    store_problem = None
    if skill is None:
        from .persistence import open_store

        if "PERSISTENCE_ADAPTER" in app.config:
            store = app.config["PERSISTENCE_ADAPTER"]
        else:
            store, store_problem = open_store()
        skill = build_skill(app.config["SKILL_ID"], store)
    alexa_skill = skill
    signature_verifier = app.config.get("SIGNATURE_VERIFIER")
    timestamp_verifier = app.config.get("TIMESTAMP_VERIFIER")
    if app.config["VERIFY_SIGNATURE"] or app.config["VERIFY_TIMESTAMP"]:
        # Only imported when verification is on: pyca/cryptography stays off the local-use path.
        from .verification import SignatureVerifier, TimestampVerifier, VerificationError

        if app.config["VERIFY_SIGNATURE"] and signature_verifier is None:
            signature_verifier = SignatureVerifier()
        if app.config["VERIFY_TIMESTAMP"] and timestamp_verifier is None:
            timestamp_verifier = TimestampVerifier()

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
        length = request.content_length
        if length is not None and length > app.config["MAX_CONTENT_LENGTH"]:
            return _error(413, "request body too large")
        if request.mimetype != "application/json":
            return _error(415, "content type must be application/json")
        try:
            body = _read_limited(app.config["MAX_CONTENT_LENGTH"])
        except _UnreadableBody as exc:
            log.warning("request body could not be read: %s", exc)
            return _error(400, "request body could not be read")
        if body is None:
            return _error(413, "request body too large")
        if not body:
            return _error(400, "empty request body")
        if app.config["VERIFY_SIGNATURE"]:
            try:
                signature_verifier.verify(request.headers, body)
            except VerificationError as exc:
                log.warning("signature verification failed: %s", exc)
                return _error(400, "request signature verification failed")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return _error(400, "request body is not valid JSON")
        if not isinstance(payload, dict) or _depth(payload, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            return _error(400, "request body is not an Alexa request envelope")
        if not isinstance(payload.get("request"), dict) or not isinstance(payload["request"].get("type"), str):
            return _error(400, "request envelope has no request")
        if app.config["VERIFY_TIMESTAMP"]:
            try:
                timestamp_verifier.verify(payload)
            except VerificationError as exc:
                log.warning("timestamp verification failed: %s", exc)
                return _error(400, "request timestamp verification failed")
        try:
            result = dispatch(alexa_skill, payload)
        except MalformedRequest as exc:
            log.warning("malformed request envelope: %s", exc)
            return _error(400, "request envelope could not be read")
        except AskSdkException as exc:
            if "skill id" in str(exc).lower():
                log.warning("request for another skill rejected")
                return _error(400, "request is for another skill")
            log.exception("skill invocation failed")
            result = error_response(payload)
        except Exception:  # the skill's own error handler failed: still a valid spoken answer
            log.exception("skill invocation failed")
            result = error_response(payload)
        return Response(json.dumps(result), mimetype="application/json")

    return app


def __getattr__(name: str):
    """``skill.web:app`` for gunicorn, built from the environment on first use (not at import)."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
