"""The local default store: one SQLite file, safe across processes.

Each record is a JSON text keyed by Alexa user id, with its revision in a
column of its own. WAL mode and a busy timeout let several server workers
share the file. Every write is a compare-and-swap on the revision (see
:class:`skill.persistence.StoreConflict`), so two sessions of one person
can't overwrite each other. The file and any folder made for it are private
to the owner (0600 / 0700): they hold people's progress. Reads and writes are
counted (tests and the benchmark).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from . import StoreConflict, expected_revision
from .keys import record_key

BUSY_TIMEOUT_SECONDS = 5.0


class SQLiteAdapter(AbstractPersistenceAdapter):
    def __init__(self, path: str | Path, table: str = "user_state", busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        if not table.isidentifier():
            raise ValueError(f"bad table name {table!r}")
        self.path = Path(path)
        self.table = table
        self.busy_timeout = busy_timeout
        self.reads = 0
        self.writes = 0
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
        try:
            connection = self._connection()
            changed = connection.execute(
                f"UPDATE {self.table} SET data = ?, rev = ?, updated = julianday('now') WHERE id = ? AND rev = ?",
                (data, rev, key, before)).rowcount
            if not changed and before == 0:
                changed = connection.execute(
                    f"INSERT INTO {self.table} (id, data, updated, rev) VALUES (?, ?, julianday('now'), ?) "
                    "ON CONFLICT(id) DO NOTHING", (key, data, rev)).rowcount
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite write failed: {exc}") from None
        if not changed:
            raise StoreConflict(f"record changed since revision {before}")

    def delete_attributes(self, request_envelope) -> None:
        try:
            self._connection().execute(f"DELETE FROM {self.table} WHERE id = ?", (record_key(request_envelope),))
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite delete failed: {exc}") from None
