"""The real Flask app under gunicorn for the tests (see skill.devtools.gunicorn)."""

from skill.devtools.gunicorn import GunicornServer, LiveServer, ServerError, gunicorn_command, stop_process

__all__ = ["GunicornServer", "LiveServer", "ServerError", "gunicorn_command", "stop_process"]
