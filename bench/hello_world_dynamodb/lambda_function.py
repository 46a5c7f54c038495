"""An informative floor for the DynamoDB configuration: the hello world plus the same store calls.

bench/hello_world/lambda_function.py, except that a LaunchRequest also makes
one consistent GetItem and one PutItem on ``DYNAMODB_TABLE`` (at
``DYNAMODB_ENDPOINT_URL``), with a boto3 client made at import (on Lambda, the
init phase, as AWS advises for SDK clients) with the same timeouts and retry
settings as skill/persistence/dynamodb.py. That is the least any skill
remembering people in DynamoDB must do on a cold start, so bench/cold_start.py
and bench/lambda_model.py compare the skill's DynamoDB cold start with it.
"""

import os

import boto3
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from botocore.config import Config

_client = boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT_URL") or None,
                       region_name=os.environ.get("AWS_REGION") or None,
                       config=Config(connect_timeout=0.5, read_timeout=1.0,
                                     retries={"total_max_attempts": 1, "mode": "standard"}))


def client():
    return _client


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        table = os.environ["DYNAMODB_TABLE"]
        key = {"id": {"S": handler_input.request_envelope.context.system.user.user_id}}
        client().get_item(TableName=table, Key=key, ConsistentRead=True)
        client().put_item(TableName=table, Item={**key, "attributes": {"M": {"launched": {"BOOL": True}}}})
        return handler_input.response_builder.speak("Hello world.").ask("Say hello.").response


class HelloWorldIntentHandler(AbstractRequestHandler):
    """HelloWorldIntent, and every other intent too."""

    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello world.").ask("Say hello again.").response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelloWorldIntentHandler())

lambda_handler = sb.lambda_handler()
