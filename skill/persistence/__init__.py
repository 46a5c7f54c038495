"""Where people's state is kept, chosen by configuration.

``PERSISTENCE`` chooses the store:

* ``sqlite`` (the default): a SQLite file, ``SQLITE_PATH`` (default ``var/back-stretch-coach.sqlite3``;
  ``/tmp/…`` on Lambda);
* ``dynamodb`` (the default when ``DYNAMODB_TABLE`` is set): DynamoDB, with ``DYNAMODB_TABLE``,
  ``DYNAMODB_ENDPOINT_URL`` (local servers) and ``AWS_REGION``;
* ``none``: nothing is remembered between sessions.

Neither boto3 nor the DynamoDB adapter is imported unless DynamoDB is chosen.
"""

from __future__ import annotations

import logging
import os
from typing import Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

DEFAULT_SQLITE_PATH = "var/back-stretch-coach.sqlite3"
LAMBDA_SQLITE_PATH = "/tmp/back-stretch-coach.sqlite3"


class ConfigurationError(ValueError):
    """The skill is configured in a way it must not start with; the message says what to change.

    The one configuration error of the whole app: raised here for the store's settings (an unknown
    ``PERSISTENCE``, DynamoDB without a table) and by :func:`skill.web.create_app` for the web
    endpoint's (verification on without ``SKILL_ID``, a flag that is neither true nor false).
    It lives here, the lowest layer with settings, so that every entry point can import it.
    """


class StoreConflict(PersistenceException):
    """Another session wrote the record since this one read it: re-read, merge, and write again.

    Writes carry the record's revision (``rev``); a store writes only if the stored revision is the one
    before it (a compare-and-swap), so two devices of one person can't overwrite each other's work.
    """


#: The field of a record that holds its revision.
REVISION = "rev"

#: A record nobody has saved for this long is deleted: DynamoDB's time to live (the ``expires`` attribute
#: each save writes, template.yaml's TimeToLiveSpecification) and the SQLite store's sweep. 18 months
#: (548 days): long enough for someone who stretches only in winter to find their place and progress, not
#: so long that the record of someone who stopped using the skill is kept for good.
IDLE_EXPIRY_DAYS = 548
#: The DynamoDB attribute holding when an item expires (seconds since the epoch), and the index that finds
#: every item of one Alexa account (its own and each recognised person's) when the skill is disabled.
EXPIRES_ATTRIBUTE = "expires"
ACCOUNT_ATTRIBUTE = "account"
ACCOUNT_INDEX = "account"


def revision(value) -> int:
    """A revision number read from a record or a session (input: anything but a positive whole number is 0)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def expected_revision(attributes) -> tuple[int, int]:
    """(revision to write, revision the store must hold now) for a record about to be saved."""
    rev = revision(attributes.get(REVISION) if isinstance(attributes, dict) else None) or 1
    return rev, rev - 1


def open_store(environ: Mapping[str, str] = os.environ) -> tuple[AbstractPersistenceAdapter | None, str | None]:
    """The configured store, or (None, why) if it can't be opened (a read-only disk, a corrupt file).

    A store that won't open must not stop the skill: it answers without remembering, the error is
    logged, and the web endpoint's /health says the store is degraded. A configuration mistake
    (an unknown PERSISTENCE) is still an error at start, since no amount of waiting fixes it.
    """
    try:
        return store_from_env(environ), None
    except ConfigurationError:
        raise
    except Exception as exc:  # OSError, sqlite3.Error, PersistenceException: whatever the store raised
        problem = f"{type(exc).__name__}: {exc}"[:300]
        logging.getLogger(__name__).error("store unavailable; answering without persistence",
                                          extra={"error": problem})
        return None, problem


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

        # Made eagerly: on Lambda this runs at import, in the init phase (see skill.persistence.dynamodb).
        return DynamoDbAdapter(table, endpoint_url=environ.get("DYNAMODB_ENDPOINT_URL") or None,
                               region_name=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None,
                               eager=True)
    raise ConfigurationError(f"PERSISTENCE must be sqlite, dynamodb or none, not {kind!r}")
