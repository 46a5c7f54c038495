"""Endpoint floors for bench/run.py, both Flask apps under gunicorn like skill.web:app.

``app``      answers every POST / with one fixed Alexa response: no parsing,
             no verification, no skill; the least a WSGI app under gunicorn
             can do and still return a valid Alexa response.
``sdk_app``  (informative) hands the parsed body to the hello-world ASK SDK
             skill (bench/hello_world/lambda_function.py): the least any skill
             built on the ASK SDK does behind the same endpoint.

``gunicorn trivial_app:app`` with bench/ on the Python path (``--pythonpath``),
or ``create_app()`` / ``create_sdk_app()``.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, Response, request

RESPONSE = json.dumps({
    "version": "1.0",
    "sessionAttributes": {},
    "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hello world.</speak>"},
                 "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Say hello.</speak>"}},
                 "shouldEndSession": False},
}).encode("utf-8")
HELLO_WORLD = Path(__file__).resolve().parent / "hello_world" / "lambda_function.py"


def _endpoint(answer) -> Flask:
    """A minimal Flask endpoint: GET /health, and POST / answered by ``answer(body bytes) -> bytes``."""
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.post("/")
    def alexa():
        return Response(answer(request.get_data()), mimetype="application/json")

    return app


def create_app() -> Flask:
    """The floor: read the body, as any endpoint must, and return a fixed Alexa response."""
    return _endpoint(lambda body: RESPONSE)


def create_sdk_app() -> Flask:
    """The hello-world ASK SDK skill behind the same minimal endpoint."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_hello_world", HELLO_WORLD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    handler = module.lambda_handler
    return _endpoint(lambda body: json.dumps(handler(json.loads(body), None)))


app = create_app()


def __getattr__(name: str):
    """``sdk_app`` is built on first use, so ``app``'s workers never import the SDK."""
    if name == "sdk_app":
        globals()["sdk_app"] = create_sdk_app()
        return globals()["sdk_app"]
    raise AttributeError(name)
