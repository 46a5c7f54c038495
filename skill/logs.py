"""JSON-lines logging, without personal data.

Every record is one JSON object: time, level, logger, message, and the
fields passed as ``extra`` (request id, request type, intent, a salted hash
of the user id, ...). Nothing here logs raw user ids, tokens or slot values:
callers pass :func:`skill.persistence.keys.log_id` of a user id, never the id.

On Lambda with ``LoggingConfig: LogFormat: JSON`` the runtime already writes
JSON lines (with our ``extra`` fields), so its handler is left as it is.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime", "taskName"}
_CONFIGURED = "_back_stretch_coach_json"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        created = time.gmtime(record.created)
        data = {
            "time": f"{time.strftime('%Y-%m-%dT%H:%M:%S', created)}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in record.__dict__.keys() - _STANDARD:
            if not key.startswith("_"):
                value = record.__dict__[key]
                data[key] = value if value is None or isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            data["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def json_handler(handler: logging.Handler) -> logging.Handler:
    """``handler`` writing this module's JSON lines, and marked so :func:`configure_logging` adds no other.

    For tools that run the skill in-process and want its log lines somewhere of their own (the chat
    simulator sends them to a file, away from the conversation).
    """
    handler.setFormatter(JsonFormatter())
    setattr(handler, _CONFIGURED, True)
    return handler


def configure_logging(level: int = logging.INFO) -> None:
    """Log JSON lines to stderr (idempotent; leaves Lambda's own JSON logging alone)."""
    root = logging.getLogger()
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON":
        return  # the runtime's JSON handler and its ApplicationLogLevel are in charge
    root.setLevel(level)
    if any(getattr(h, _CONFIGURED, False) for h in root.handlers):
        return
    handler = json_handler(logging.StreamHandler(sys.stderr))
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        for existing in root.handlers:  # Lambda's text-format handler: make its lines JSON too
            existing.setFormatter(JsonFormatter())
        return
    root.addHandler(handler)
