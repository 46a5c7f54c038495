"""The local default store: one SQLite file, safe across processes.

Each record is a JSON text keyed by Alexa user id, with its revision in a
column of its own. WAL mode and a busy timeout let several server workers
share the file. Every write is a compare-and-swap on the revision (see
:class:`skill.persistence.StoreConflict`), so two sessions of one person
can't overwrite each other. The file and any folder made for it are private
to the owner (0600 / 0700): they hold people's progress. Reads and writes are
counted (tests and the benchmark).

Records expire: a record not saved for ``IDLE_EXPIRY_DAYS`` (18 months) is deleted by a sweep, which runs
when the store is opened (each process of the web endpoint opens it at start) and then at most once a
day, on a write. It is one DELETE over an index on the save time, so it costs a write a millisecond or
two once a day. :meth:`SQLiteAdapter.delete_account` deletes an account's records (the skill was disabled).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from . import IDLE_EXPIRY_DAYS, StoreConflict, expected_revision
from .keys import account_keys_range, record_key

BUSY_TIMEOUT_SECONDS = 5.0
#: Seconds between two sweeps of expired records in one process.
SWEEP_INTERVAL_SECONDS = 24 * 60 * 60
_JULIAN_UNIX_EPOCH = 2440587.5  # julianday('1970-01-01')


class SQLiteAdapter(AbstractPersistenceAdapter):
    def __init__(self, path: str | Path, table: str = "user_state", busy_timeout: float = BUSY_TIMEOUT_SECONDS,
                 clock: Callable[[], float] = time.time):
        if not table.isidentifier():
            raise ValueError(f"bad table name {table!r}")
        self.path = Path(path)
        self.table = table
        self.busy_timeout = busy_timeout
        self.clock = clock
        self.reads = 0
        self.writes = 0
        self._next_sweep = 0.0
        self._local = threading.local()
        self._counter_lock = threading.Lock()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Create the file private before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        with self._connect() as connection:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} (id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL, "
                "rev INTEGER NOT NULL DEFAULT 0)")
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({self.table})")}
            if "rev" not in columns:  # a file from before revisions: every record is revision 0
                connection.execute(f"ALTER TABLE {self.table} ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")
            connection.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_updated ON {self.table} (updated)")
        self.sweep()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    def _count(self, kind: str) -> None:
        with self._counter_lock:
            setattr(self, kind, getattr(self, kind) + 1)

    def get_attributes(self, request_envelope) -> Any:
        """The stored record: a dict, ``{}`` if none, or the raw text if it isn't valid JSON."""
        key = record_key(request_envelope)
        self._count("reads")
        try:
            row = self._connection().execute(f"SELECT data FROM {self.table} WHERE id = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite read failed: {exc}") from None
        if row is None:
            return {}
        try:
            return json.loads(row[0])
        except ValueError:
            return row[0]  # unreadable: the record decoder turns this into a fresh start

    def save_attributes(self, request_envelope, attributes) -> None:
        """Write the record if the stored revision is the one before it; else :class:`StoreConflict`."""
        key = record_key(request_envelope)
        rev, before = expected_revision(attributes)
        self._count("writes")
        data = json.dumps(attributes, separators=(",", ":"))
        now = self._julian_now()
        try:
            connection = self._connection()
            changed = connection.execute(
                f"UPDATE {self.table} SET data = ?, rev = ?, updated = ? WHERE id = ? AND rev = ?",
                (data, rev, now, key, before)).rowcount
            if not changed and before == 0:
                changed = connection.execute(
                    f"INSERT INTO {self.table} (id, data, updated, rev) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO NOTHING", (key, data, now, rev)).rowcount
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite write failed: {exc}") from None
        if not changed:
            raise StoreConflict(f"record changed since revision {before}")
        if self.clock() >= self._next_sweep:
            self.sweep()

    def delete_attributes(self, request_envelope) -> None:
        try:
            self._connection().execute(f"DELETE FROM {self.table} WHERE id = ?", (record_key(request_envelope),))
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite delete failed: {exc}") from None

    def delete_account(self, account: str) -> int:
        """Delete every record of an Alexa account (the skill was disabled): the account's own and each
        recognised person's (``<account>#person:<person id>``). Returns how many were deleted."""
        low, high = account_keys_range(account)
        try:
            return self._connection().execute(
                f"DELETE FROM {self.table} WHERE id = ? OR (id >= ? AND id < ?)", (account, low, high)).rowcount
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite delete failed: {exc}") from None

    def sweep(self) -> int:
        """Delete the records not saved for ``IDLE_EXPIRY_DAYS``; returns how many. A failure is logged, not
        raised: the next sweep (a day later, or the next start) tries again."""
        self._next_sweep = self.clock() + SWEEP_INTERVAL_SECONDS
        try:
            return self._connection().execute(f"DELETE FROM {self.table} WHERE updated < ?",
                                              (self._julian_now() - IDLE_EXPIRY_DAYS,)).rowcount
        except sqlite3.Error as exc:
            logging.getLogger(__name__).warning("sweep of expired records failed", extra={"error": str(exc)[:300]})
            return 0

    def _julian_now(self) -> float:
        """Now as a Julian day number (what the ``updated`` column holds), from ``clock``."""
        return self.clock() / 86400.0 + _JULIAN_UNIX_EPOCH
