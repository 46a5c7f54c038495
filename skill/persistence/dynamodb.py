"""DynamoDB store for Lambda, on boto3's low-level client.

Why not ask-sdk-dynamodb-persistence-adapter: its default argument builds
``boto3.resource("dynamodb")`` at import time, so importing it without an AWS
region fails, and the resource layer is slower to import than the client.
This module imports boto3 only when DynamoDB is chosen, and maps numbers both
ways: DynamoDB returns ``Decimal``, and ``Decimal`` is what it needs for floats.

When the store is chosen (``store_from_env``, which the Lambda entry point runs
at import), the client is made at once (``eager=True``): on Lambda that is the
init phase, which runs on a full vCPU, rather than the first invoke, which gets
a share of one in proportion to the memory (AWS's guidance: create SDK clients
outside the handler). With SnapStart, the client is dropped after a restore
(``snapshot_restore_py``'s after-restore hook, in the Lambda runtime) and made
again on first use: no connection or credential from the snapshot is reused.

The item is ``{id: <record key>, rev: <revision>, account: <user id>, expires: <epoch seconds>,
attributes: <record as a map>}``. ``expires`` is the table's time to live: every save moves it to
``IDLE_EXPIRY_DAYS`` (18 months) ahead, and DynamoDB deletes an item some time (typically days) after it
passes. ``account`` is the Alexa user id without the person part, the key of the table's ``account`` index
(keys only), which finds every record of an account when the skill is disabled (:meth:`delete_account`).
It uses exactly four actions, GetItem (consistent read), PutItem, DeleteItem ("delete my data", a disabled
skill) and Query on the ``account`` index, which is what the SAM template's IAM policy allows. Every PutItem
is conditional on the stored revision (``attribute_not_exists(rev) OR rev = :before``), so two
sessions of one person can't overwrite each other (see
:class:`skill.persistence.StoreConflict`).
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from ..snapstart import after_restore
from . import (
    ACCOUNT_ATTRIBUTE,
    ACCOUNT_INDEX,
    EXPIRES_ATTRIBUTE,
    IDLE_EXPIRY_DAYS,
    REVISION,
    StoreConflict,
    expected_revision,
)
from .keys import record_key, user_id

#: Alexa waits about 8 s and the function times out at 7 s: a read and a write, one try each, take at
#: most 3 s. No retries: a failed read is tried on the next turn, and a failed write marks the session
#: dirty and is written on the next turn (see skill.interceptors).
CONNECT_TIMEOUT_SECONDS = 0.5
READ_TIMEOUT_SECONDS = 1.0
TOTAL_ATTEMPTS = 1


def to_dynamo(value: Any) -> Any:
    """Python values as DynamoDB accepts them: floats become Decimal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    """DynamoDB values as plain Python: Decimal becomes int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [from_dynamo(v) for v in value]
    return value


class DynamoDbAdapter(AbstractPersistenceAdapter):
    def __init__(self, table_name: str, client=None, partition_key: str = "id", attribute_name: str = "attributes",
                 endpoint_url: str | None = None, region_name: str | None = None, eager: bool = False,
                 clock: Callable[[], float] = time.time):
        self.table_name = table_name
        self.clock = clock
        self.partition_key = partition_key
        self.attribute_name = attribute_name
        self.endpoint_url = endpoint_url
        self.region_name = region_name
        self.reads = 0
        self.writes = 0
        self._client = client
        self._lock = threading.Lock()
        self._serializer = self._deserializer = None
        if eager:
            _ = self.client, self._codecs()  # boto3 imported, the client and the type codecs made, now
            after_restore(self.forget_client)

    def forget_client(self) -> None:
        """Drop the client (after a SnapStart restore): the next call makes a fresh one, with fresh
        connections and credentials."""
        with self._lock:
            self._client = None

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    config = Config(connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS,
                                    retries={"total_max_attempts": TOTAL_ATTEMPTS, "mode": "standard"})
                    self._client = boto3.client("dynamodb", endpoint_url=self.endpoint_url,
                                                region_name=self.region_name, config=config)
        return self._client

    def _codecs(self):
        if self._serializer is None:
            from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

            self._serializer, self._deserializer = TypeSerializer(), TypeDeserializer()
        return self._serializer, self._deserializer

    def _fail(self, action: str, exc: Exception) -> PersistenceException:
        response = getattr(exc, "response", None)  # None on timeouts and connection errors
        code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
        if code == "ConditionalCheckFailedException":
            return StoreConflict(f"DynamoDB record changed since this session read it ({action})")
        if code == "ResourceNotFoundException":
            return PersistenceException(
                f"DynamoDB table {self.table_name!r} does not exist (check DYNAMODB_TABLE and the region)")
        return PersistenceException(f"DynamoDB {action} failed: {type(exc).__name__}: {exc}")

    def get_attributes(self, request_envelope) -> Any:
        self.reads += 1
        try:
            key = record_key(request_envelope)
            item = self.client.get_item(TableName=self.table_name, Key={self.partition_key: {"S": key}},
                                        ConsistentRead=True).get("Item")
        except Exception as exc:  # botocore errors of every kind
            raise self._fail("read", exc) from None
        if not item or self.attribute_name not in item:
            return {}
        _, deserializer = self._codecs()
        return from_dynamo(deserializer.deserialize(item[self.attribute_name]))

    def save_attributes(self, request_envelope, attributes) -> None:
        """Write the record if the stored revision is the one before it; else :class:`StoreConflict`."""
        self.writes += 1
        rev, before = expected_revision(attributes)
        try:
            serializer, _ = self._codecs()
            expires = int(self.clock()) + IDLE_EXPIRY_DAYS * 86400
            item = {self.partition_key: {"S": record_key(request_envelope)}, REVISION: {"N": str(rev)},
                    ACCOUNT_ATTRIBUTE: {"S": user_id(request_envelope)}, EXPIRES_ATTRIBUTE: {"N": str(expires)},
                    self.attribute_name: serializer.serialize(to_dynamo(attributes))}
            condition = "#rev = :before" if before else "attribute_not_exists(#rev) OR #rev = :before"
            self.client.put_item(TableName=self.table_name, Item=item, ConditionExpression=condition,
                                 ExpressionAttributeNames={"#rev": REVISION},
                                 ExpressionAttributeValues={":before": {"N": str(before)}})
        except Exception as exc:
            raise self._fail("write", exc) from None

    def delete_attributes(self, request_envelope) -> None:
        """Delete the person's record ("delete my data", after a yes); deleting a missing record is no error."""
        try:
            key = {self.partition_key: {"S": record_key(request_envelope)}}
            self.client.delete_item(TableName=self.table_name, Key=key)
        except Exception as exc:
            raise self._fail("delete", exc) from None

    def delete_account(self, account: str) -> int:
        """Delete every record of an Alexa account (the skill was disabled): the account's own and each
        recognised person's, found through the ``account`` index. Returns how many keys were deleted.

        The index is eventually consistent: a record first saved a moment before may not be listed yet; the
        account's own key is deleted whether listed or not, and anything missed expires with the rest."""
        keys = {account}
        try:
            pages = self.client.get_paginator("query").paginate(
                TableName=self.table_name, IndexName=ACCOUNT_INDEX,
                KeyConditionExpression="#account = :account", ProjectionExpression="#key",
                ExpressionAttributeNames={"#account": ACCOUNT_ATTRIBUTE, "#key": self.partition_key},
                ExpressionAttributeValues={":account": {"S": account}})
            for page in pages:
                keys.update(item[self.partition_key]["S"] for item in page.get("Items", []))
            for key in sorted(keys):
                self.client.delete_item(TableName=self.table_name, Key={self.partition_key: {"S": key}})
        except Exception as exc:
            raise self._fail("delete", exc) from None
        return len(keys)
