"""Where people's state is kept, chosen by configuration.

| PERSISTENCE | store | settings |
| --- | --- | --- |
| ``sqlite`` (default) | SQLite file | ``SQLITE_PATH`` (default ``var/back-stretch-coach.sqlite3``; ``/tmp/…`` on Lambda) |
| ``dynamodb`` (default when ``DYNAMODB_TABLE`` is set) | DynamoDB | ``DYNAMODB_TABLE``, ``DYNAMODB_ENDPOINT_URL`` (local servers), ``AWS_REGION`` |
| ``none`` | nothing is remembered between sessions | |

Neither boto3 nor the DynamoDB adapter is imported unless DynamoDB is chosen.
"""

from __future__ import annotations

import os
from typing import Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

DEFAULT_SQLITE_PATH = "var/back-stretch-coach.sqlite3"
LAMBDA_SQLITE_PATH = "/tmp/back-stretch-coach.sqlite3"


class ConfigurationError(ValueError):
    pass


def store_from_env(environ: Mapping[str, str] = os.environ) -> AbstractPersistenceAdapter | None:
    table = environ.get("DYNAMODB_TABLE") or None
    kind = (environ.get("PERSISTENCE") or ("dynamodb" if table else "sqlite")).strip().lower()
    if kind == "none":
        return None
    if kind == "sqlite":
        from .sqlite import SQLiteAdapter

        default = LAMBDA_SQLITE_PATH if environ.get("AWS_LAMBDA_FUNCTION_NAME") else DEFAULT_SQLITE_PATH
        return SQLiteAdapter(environ.get("SQLITE_PATH") or default)
    if kind == "dynamodb":
        if not table:
            raise ConfigurationError("PERSISTENCE=dynamodb needs DYNAMODB_TABLE")
        from .dynamodb import DynamoDbAdapter

        return DynamoDbAdapter(table, endpoint_url=environ.get("DYNAMODB_ENDPOINT_URL") or None,
                               region_name=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None)
    raise ConfigurationError(f"PERSISTENCE must be sqlite, dynamodb or none, not {kind!r}")
