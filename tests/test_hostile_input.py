"""Hostile and odd input over HTTP (a real socket) and on Lambda: never a 500, a traceback or a crash."""

from __future__ import annotations

import copy
import http.client
import json
import logging
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from skill.web import create_app
from skill_dev.envelopes import Session

from .alexa_rules import response_problems

OPEN = {"VERIFY_SIGNATURE": False, "VERIFY_TIMESTAMP": False}


@pytest.fixture(scope="module")
def server():
    httpd = make_server("127.0.0.1", 0, create_app(OPEN), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()


def post(port, body: bytes, headers=None, path="/", method="POST"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    assert b"Traceback" not in raw
    return response.status, json.loads(raw) if raw else None


def envelope(**changes):
    env = Session().intent("AMAZON.HelpIntent")
    for path, value in changes.items():
        target = env
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        if value is DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return env


DELETE = object()


def assert_client_error(status, body, expected):
    assert status == expected and set(body) == {"error"} and len(body["error"]) < 100


@pytest.mark.parametrize("body", [b"{bad json", b"hello", b"\xff\xfe\x00", b"[1, 2, 3]", b'"text"', b"null",
                                  b'{"request": 5}', b'{"request": {"type": 7}}', b"{}"])
def test_bodies_that_are_not_alexa_envelopes_get_400(server, body):
    assert_client_error(*post(server, body), 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_the_wrong_content_type_gets_415(server, content_type):
    assert_client_error(*post(server, json.dumps(envelope()).encode(), {"Content-Type": content_type}), 415)


def test_an_empty_body_gets_400(server):
    assert_client_error(*post(server, b""), 400)


def test_a_body_over_the_limit_gets_413_before_parsing(server):
    assert_client_error(*post(server, b"{" + b" " * 200_000 + b"}"), 413)


def test_a_chunked_body_over_the_limit_gets_413(server):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.putrequest("POST", "/")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    chunk = b"[" * 10_000
    for _ in range(30):
        connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    status, raw = response.status, response.read()
    connection.close()
    assert status == 413 and json.loads(raw)["error"]


MALFORMED_CHUNKED = {
    "chunk size zz": b"zz\r\n{}\r\n0\r\n\r\n",
    "missing CRLF after a chunk": b"2\r\n{}XX0\r\n\r\n",
    "chunk longer than its size": b"2\r\n{}}}\r\n0\r\n\r\n",
    "negative chunk size": b"-2\r\n{}\r\n0\r\n\r\n",
}


UNREADABLE = {"error": "request body could not be read"}


def post_chunked(port: int, framed: bytes):
    """POST ``framed`` as the body of a chunked request, byte for byte, over a real socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + framed)
        response = http.client.HTTPResponse(sock)
        response.begin()
        raw = response.read()
    assert b"Traceback" not in raw
    return response.status, json.loads(raw)


@pytest.mark.parametrize("name", MALFORMED_CHUNKED)
def test_a_malformed_chunked_body_gets_400_and_no_traceback(server, caplog, name):
    """A bad chunk size or a missing CRLF is the client's error: 400, the short JSON body, no traceback logged."""
    with caplog.at_level(logging.INFO):
        status, body = post_chunked(server, MALFORMED_CHUNKED[name])
    assert (status, body) == (400, UNREADABLE)
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", MALFORMED_CHUNKED)
def test_a_malformed_chunked_body_gets_400_under_gunicorn(live_server, name):
    """gunicorn reports bad chunks with its own exception types (not OSError): the same 400, no traceback."""
    logged_before = len(live_server.log())
    status, body = post_chunked(int(live_server.rsplit(":", 1)[1]), MALFORMED_CHUNKED[name])
    assert (status, body) == (400, UNREADABLE)
    time.sleep(0.1)  # gunicorn's log is written by another process
    assert "Traceback" not in live_server.log()[logged_before:]


def test_a_well_formed_chunked_body_is_served(server):
    raw = json.dumps(envelope()).encode()
    status, body = post_chunked(server, b"%x\r\n%s\r\n0\r\n\r\n" % (len(raw), raw))
    assert status == 200 and not response_problems(body)


@pytest.mark.parametrize("body", [b"[" * 60_000 + b"]" * 60_000,
                                  json.dumps(json.loads("{\"a\":" * 70 + "1" + "}" * 70)).encode()])
def test_deeply_nested_json_gets_400(server, body):
    assert_client_error(*post(server, body), 400)


def test_wrong_paths_and_methods_get_json_4xx(server):
    assert_client_error(*post(server, b"{}", path="/nowhere"), 404)
    assert_client_error(*post(server, b"", method="GET"), 405)
    assert_client_error(*post(server, b"", method="PUT"), 405)


def how_to(slots) -> dict:
    """A HowToIntent request with these ``slots``, however odd."""
    return envelope(request__intent={"name": "HowToIntent", "slots": slots})


ALEXA_ODDITIES = {
    "missing session": envelope(session=DELETE),
    "missing context": envelope(context=DELETE),
    "missing session and context": envelope(session=DELETE, context=DELETE),
    "CanFulfillIntentRequest": envelope(request={"type": "CanFulfillIntentRequest", "requestId": "r",
                                                 "intent": {"name": "HowToIntent", "slots": {}}}),
    "Alexa.Presentation.APL.UserEvent": envelope(request={"type": "Alexa.Presentation.APL.UserEvent",
                                                          "requestId": "r"}),
    "Connections.Response": envelope(request={"type": "Connections.Response", "requestId": "r", "status": {}}),
    "Messaging.MessageReceived": envelope(request={"type": "Messaging.MessageReceived", "requestId": "r"}),
    "future type": envelope(request={"type": "Alexa.Future.Thing", "requestId": "r"}),
    "unknown intent": envelope(request__intent={"name": "BookAFlightIntent"}),
    "intent without a name": envelope(request__intent={}),
    "no slots": envelope(request__intent={"name": "HowToIntent"}),
    "empty slots": how_to({}),
    "slot without a value": how_to({"stretch": {"name": "stretch"}}),
    "empty slot value": how_to({"stretch": {"name": "stretch", "value": ""}}),
    "unmatched slot": envelope(request__intent={"name": "StartRoutineIntent",
                                                "slots": {"routine": {"name": "routine", "value": "zumba"}}}),
    "numeric slot value": how_to({"stretch": {"name": "stretch", "value": 42}}),
    "object slot value": how_to({"stretch": {"name": "stretch", "value": {"x": 1}}}),
    "slots as a list": how_to(["stretch"]),
    "slot as a string": how_to({"stretch": "cat cow"}),
    "attributes as a list": envelope(session__attributes=[1, 2]),
    "attributes as a string": envelope(session__attributes="coach"),
    "state as a string": envelope(session__attributes={"coach": "quick routine"}),
    "state with wrong field types": envelope(session__attributes={"coach": {"routine": 5, "index": "two",
                                                                            "prefs": []}}),
    "store metadata of the wrong shape": envelope(session__attributes={"store": [], "coach": {"routine": "quick"}}),
    "locale of the wrong type": envelope(request__locale=12),
    "unknown locale": envelope(request__locale="xx-YY"),
    "timestamp garbage": envelope(request__timestamp="yesterday"),
}


@pytest.mark.parametrize("name", ALEXA_ODDITIES)
def test_alexa_requests_the_skill_cannot_serve_get_a_4xx_or_a_valid_spoken_answer(server, name):
    status, body = post(server, json.dumps(ALEXA_ODDITIES[name]).encode())
    assert status in (200, 400), (status, body)
    if status == 200:
        assert not response_problems(body), response_problems(body)
    print(f"{name}: HTTP {status}")


@pytest.mark.parametrize("name", ALEXA_ODDITIES)
def test_on_lambda_the_same_requests_always_get_a_valid_spoken_answer(lambda_handler, name):
    response = lambda_handler(copy.deepcopy(ALEXA_ODDITIES[name]), None)
    assert not response_problems(response), (name, response_problems(response))


@pytest.mark.parametrize("event", [None, [], "text", 5, {}, {"request": None}, {"request": {"type": None}}])
def test_lambda_events_that_are_not_envelopes_get_an_answer(lambda_handler, event):
    assert not response_problems(lambda_handler(event, None))


def test_state_is_kept_when_an_unservable_request_arrives_mid_routine(lambda_handler):
    from .conftest import Conversation

    convo = Conversation(lambda_handler)
    convo.say("StartRoutineIntent", routine="quick")
    convo.say("AMAZON.NextIntent")
    convo.send(convo.session.envelope({"type": "Alexa.Future.Thing"}))
    assert convo.state["index"] == 1 and convo.state["routine"] == "quick"
    convo.say("AMAZON.NextIntent")
    assert "Stretch 3 of 4" in convo.speech


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), 1e308, 2.5, -1, 10**30])
def test_numbers_out_of_range_in_session_state_are_ignored(server, lambda_handler, value):
    """Found by the long Hypothesis profile: timeline_at = inf crashed the state parser."""
    env = envelope(session__attributes={"coach": {"routine": "quick", "timeline_at": value, "index": value,
                                                  "updated": value, "timeline": [[0, value, value]]}})
    body = json.dumps(env).replace("Infinity", "1e999").encode()
    status, response = post(server, body)
    assert status == 200 and not response_problems(response)
    assert not response_problems(lambda_handler(json.loads(body), None))
