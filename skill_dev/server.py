"""``back-stretch-coach serve``: the web endpoint for Alexa, on waitress, with request verification on.

    back-stretch-coach serve [--host 127.0.0.1] [--port 8000] [--workers 4]

Serves ``skill.web``'s app (``create_app``, as ``skill.web:app`` would) with signature and timestamp
verification forced on: there is no flag to turn them off, and it refuses to start if
``ASK_SDK_VERIFY_SIGNATURE`` or ``ASK_SDK_VERIFY_TIMESTAMP`` says false, or (as the app does) without
``SKILL_ID`` unless ``ALLOW_ANY_SKILL_ID=true``. SIGTERM or Ctrl-C stops it cleanly (exit status 0).

Why waitress and not gunicorn's sync workers. A sync worker reads a request's headers with no time
limit, and only gunicorn's 30 s worker timeout ends the wait. Measured on 127.0.0.1 (2 cores), with N
clients that each send a request line and then one header byte a second for 15 s, while GET /health and
a LaunchRequest signed with the test PKI and checked by the real verifier are timed again and again
(``python -m tests.test_serve --setup readme|serve --clients 2 4 64``):

* gunicorn, 4 sync workers (the README's previous production command, verification on): with 2 slow
  clients, /health 2 ms (max 12 ms), the POST 3 ms (max 29 ms); with 4 and with 64, each request waited
  14 s, until the slow clients stopped; with a 45 s trickle, 30 s, until gunicorn killed the workers;
* gunicorn, 2 sync workers (``make run``): 14 s already with 2 slow clients;
* gunicorn gthread, 2 workers x 8 threads: 2-3 ms with 4 slow clients (max 15 ms), 14 s with 64;
* waitress, 4 threads (this command): with 2, 4 and 64 slow clients alike, /health 1-2 ms (max 19 ms)
  and the POST 4 ms (max 34 ms).

(Medians and maxima over the requests of each run; with waitress, over 130 of each kind per run and
none over 1 s.) A gthread worker hands a connection to a thread as soon as it has sent anything, and
the thread then waits for the rest of the headers, so it stalls once slow clients outnumber threads.
waitress reads every connection in one event loop and buffers the whole request (headers up to
``MAX_HEADER_BYTES``, body up to twice the app's 128 KB limit; beyond those it answers 431 or 413
itself) before a worker thread runs the app, so a slow client holds only a buffer, never a thread. It
is pure Python (no compiler, no C extension), and its limits bound what slow clients can hold: at most
``CONNECTION_LIMIT`` connections (past that, new connections wait in the listen queue: with 600
trickling clients requests did wait 14 s), each closed after ``CHANNEL_TIMEOUT`` seconds without a
byte. A client that keeps sending a byte a second keeps its connection; a reverse proxy in front (which
Alexa's HTTPS needs anyway) can cap that further.

Threads and cores. One waitress process runs Python on about one core at a time, which is plenty for
an Alexa endpoint: signed LaunchRequests, 8 at a time from a client on the same 2 cores, were served at
about 500 a second (p50 15 ms, p99 36 ms) with 4 threads, against about 370 a second for gunicorn with
4 sync workers; 8 threads were not clearly faster (530) and 2 were slower (420), so the default is 4
(``--workers`` sets the number of threads that run requests). The other core is left to the HTTPS proxy
or tunnel. The SQLite store keeps one connection per thread.

Host. The default is 127.0.0.1, not 0.0.0.0: Alexa only calls HTTPS endpoints, and this serves plain
HTTP, so something on the same machine (a reverse proxy or a tunnel) terminates TLS and forwards here;
listening on every interface would only expose plain HTTP to the network. Use ``--host 0.0.0.0`` when
that proxy runs elsewhere (or in a container, behind its port mapping).

This module lives in ``skill_dev`` (with the ``back-stretch-coach`` commands), which the Lambda
bundle leaves out, and waitress is in the ``web`` extra only.
"""

from __future__ import annotations

import os
import signal
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_WORKERS = 4  # threads that run the app
CONNECTION_LIMIT = 512  # open connections at most; under the usual 1024 open-file limit
CHANNEL_TIMEOUT = 30  # seconds without a byte before a connection is closed
CLEANUP_INTERVAL = 5  # seconds between checks for such connections
MAX_HEADER_BYTES = 64 * 1024  # Alexa's headers are about 1 KB
_FALSE = {"0", "false", "no", "off"}


class RefusedToStart(RuntimeError):
    """Serving as configured would be unsafe; the message says what to change."""


def build_app():
    """``skill.web``'s app with signature and timestamp verification forced on."""
    for name in ("ASK_SDK_VERIFY_SIGNATURE", "ASK_SDK_VERIFY_TIMESTAMP"):
        if os.environ.get(name, "").strip().lower() in _FALSE:
            raise RefusedToStart(f"{name}={os.environ[name]}: `serve` always verifies requests. Unset it "
                                 "(for local use without verification, `make run`).")
    from skill.web import ConfigurationError, create_app

    try:
        return create_app({"VERIFY_SIGNATURE": True, "VERIFY_TIMESTAMP": True})
    except ConfigurationError as exc:
        raise RefusedToStart(str(exc)) from None


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workers: int = DEFAULT_WORKERS) -> int:
    try:
        import waitress
    except ImportError:
        raise RefusedToStart("waitress is not installed: pip install -e '.[web]'") from None
    from skill.web import MAX_BODY_BYTES

    if workers < 1:
        raise RefusedToStart(f"--workers must be at least 1, not {workers}")
    app = build_app()
    try:
        server = waitress.create_server(
            app, host=host, port=port, threads=workers, connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT, cleanup_interval=CLEANUP_INTERVAL,
            max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=2 * MAX_BODY_BYTES,  # the app answers 413 (JSON) from MAX_BODY_BYTES on
            asyncore_use_poll=True,  # poll, not select: no 1024-descriptor ceiling
            ident="back-stretch-coach")
    except OSError as exc:  # address in use, no such address, a privileged port
        raise RefusedToStart(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"back-stretch-coach serve: serving on http://{server.effective_host}:{server.effective_port} "
          f"(waitress, {workers} threads, request verification on)", file=sys.stderr, flush=True)
    try:
        server.run()  # returns after SIGTERM or Ctrl-C, once the worker threads are stopped
    finally:
        server.close()
    return 0


def main(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workers: int = DEFAULT_WORKERS) -> int:
    try:
        return serve(host, port, workers)
    except RefusedToStart as exc:
        print(f"back-stretch-coach serve: {exc}", file=sys.stderr)
        return 2
