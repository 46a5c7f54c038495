"""The local default store: one SQLite file, safe across processes.

Each record is a JSON text keyed by Alexa user id. WAL mode and a busy
timeout let several gunicorn workers share the file; every write is one
atomic upsert. Reads and writes are counted (tests and the benchmark).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from .keys import user_id

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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} (id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL)")

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
        key = user_id(request_envelope)
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
        key = user_id(request_envelope)
        self._count("writes")
        try:
            self._connection().execute(
                f"INSERT INTO {self.table} (id, data, updated) VALUES (?, ?, julianday('now')) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (key, json.dumps(attributes, separators=(",", ":"))))
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite write failed: {exc}") from None

    def delete_attributes(self, request_envelope) -> None:
        try:
            self._connection().execute(f"DELETE FROM {self.table} WHERE id = ?", (user_id(request_envelope),))
        except sqlite3.Error as exc:
            raise PersistenceException(f"SQLite delete failed: {exc}") from None
