"""The real Flask app under gunicorn for the tests (see skill_dev.gunicorn)."""

from skill_dev.gunicorn import GunicornServer, LiveServer, ServerError, gunicorn_command, stop_process

__all__ = ["GunicornServer", "LiveServer", "ServerError", "gunicorn_command", "stop_process"]
