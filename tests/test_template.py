"""The SAM template (template.yaml), checked offline: no AWS account, no network.

Two checks, because each misses things the other finds:

* cfn-lint on template.yaml itself. cfn-lint 1.x validates SAM resources
  against schemas but no longer runs the SAM transform, so a wrong ``!Ref``
  inside an ``AWS::Serverless::Function`` passes it.
* aws-sam-translator turns the template into plain CloudFormation, exactly as
  CloudFormation's ``AWS::Serverless-2016-10-31`` transform would, and
  cfn-lint checks that output. The translator needs a region
  (AWS_DEFAULT_REGION), an ``s3://`` CodeUri (``sam deploy`` uploads
  dist/lambda.zip and puts one there) and a managed-policy loader; ours returns
  no policies, so it never calls IAM. The template names no managed policy, so
  nothing needs looking up.

Then the transformed output is read the way CloudFormation will build it: who
may invoke the function, what its role allows, its runtime settings, the table's
protections and the outputs.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint
from cfnlint.decode.decode import decode_str
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform

from skill import policies
from skill.persistence import ACCOUNT_ATTRIBUTE, ACCOUNT_INDEX, EXPIRES_ATTRIBUTE, store_from_env
from skill.persistence.dynamodb import DynamoDbAdapter
from skill.skill_builder import build_lambda_handler
from skill_dev.envelopes import Session

from .conftest import Conversation

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "template.yaml"

#: The regions a custom skill's Lambda endpoint can be in (North America, Europe and India, Far East).
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
#: Errors, warnings and informational rules; experimental rules (such as the I4010 request for
#: Metadata "Context" blocks describing the architecture for tools) are left out.
LINT_CONFIG = ManualArgs(include_checks=["I"], regions=ALEXA_REGIONS)
S3_CODE_URI = "s3://back-stretch-coach-artifacts/lambda.zip"
EXAMPLE_SKILL_ID = "amzn1.ask.skill.0b0c5a5e-7d41-4c4e-9a3f-2f1e6d8c9b7a"
#: What the DynamoDB adapter calls on the table: read, conditional write, and delete ("delete my data", after a
#: yes; a disabled skill), and on the account index: Query (every record of an account, when the skill is disabled).
DYNAMODB_ACTIONS = {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
INDEX_ACTIONS = {"dynamodb:Query"}


class OfflinePolicyLoader(ManagedPolicyLoader):
    """Managed-policy names to ARNs without IAM: none. SAM's own AWSLambdaBasicExecutionRole
    is added by ARN and needs no lookup."""

    def __init__(self) -> None:
        super().__init__(iam_client=None)

    def load(self) -> dict[str, str]:
        return {}


class TranslationError(AssertionError):
    pass


def read_template(text: str) -> dict:
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub) as plain JSON-able data."""
    template, errors = decode_str(text)
    assert not errors, "template.yaml does not parse:\n" + describe(errors)
    return json.loads(json.dumps(template))


def describe(matches) -> str:
    return "\n".join(f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches)


def sam_transform(template: dict) -> dict:
    """The CloudFormation that the AWS::Serverless transform makes of ``template``."""
    template = copy.deepcopy(template)
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = S3_CODE_URI
    try:
        return transform(template, {}, OfflinePolicyLoader())
    except InvalidDocumentException as exc:
        raise TranslationError("SAM transform failed:\n" + "\n".join(c.message for c in exc.causes)) from None


def lint_text(text: str):
    return lint(text, config=LINT_CONFIG)


def transform_and_lint(text: str):
    """Problems found in the CloudFormation the template transforms into (TranslationError if none results)."""
    return lint_text(json.dumps(sam_transform(read_template(text)), indent=1))


def of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}


def named(template: dict, name: str, resource_type: str) -> dict:
    """The resource ``name``, which must be of ``resource_type``."""
    resource = template["Resources"].get(name)
    assert resource is not None and resource["Type"] == resource_type, f"no {resource_type} named {name}"
    return resource


def only(template: dict, resource_type: str) -> tuple[str, dict]:
    found = of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.items()))


# --- Fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def offline_region():
    """The translator needs a region for ARNs and partitions; nothing here talks to AWS."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.delenv("AWS_REGION", raising=False)
        yield


@pytest.fixture(scope="module")
def source() -> dict:
    return read_template(TEMPLATE.read_text())


@pytest.fixture(scope="module")
def transformed(source) -> dict:
    return sam_transform(source)


@pytest.fixture(scope="module")
def function(transformed) -> dict:
    assert sorted(of_type(transformed, "AWS::Lambda::Function")) == ["PolicyPagesFunction", "SkillFunction"]
    return named(transformed, "SkillFunction", "AWS::Lambda::Function")["Properties"]


@pytest.fixture(scope="module")
def table(transformed) -> tuple[str, dict]:
    return only(transformed, "AWS::DynamoDB::Table")


# --- Lint ---------------------------------------------------------------------------------------

def test_cfn_lint_finds_nothing_in_the_sam_template():
    matches = lint_text(TEMPLATE.read_text())
    assert not matches, "cfn-lint on template.yaml:\n" + describe(matches)


def test_sam_transform_output_passes_cfn_lint(transformed):
    matches = lint_text(json.dumps(transformed, indent=1))
    assert not matches, "cfn-lint on the transformed template:\n" + describe(matches)


def bad_ref_template(tmp_path: Path) -> Path:
    text = TEMPLATE.read_text()
    good = "DYNAMODB_TABLE: !Ref UserStateTable"
    assert text.count(good) == 1
    path = tmp_path / "template-bad-ref.yaml"
    path.write_text(text.replace(good, "DYNAMODB_TABLE: !Ref NoSuchTable"))
    return path


def test_transform_then_lint_catches_a_wrong_ref_inside_the_function(tmp_path):
    matches = transform_and_lint(bad_ref_template(tmp_path).read_text())
    assert any(m.rule.severity == "error" and "NoSuchTable" in m.message for m in matches), describe(matches)
    hit = next(m for m in matches if "NoSuchTable" in m.message)
    assert hit.path[:2] == ["Resources", "SkillFunction"], hit.path


def test_why_the_transform_step_exists(tmp_path):
    """Plain cfn-lint does not see the bad Ref (cfn-lint 1.58); if a later cfn-lint does, this
    test skips, and the transform step is then a second opinion rather than the only one."""
    matches = lint_text(bad_ref_template(tmp_path).read_text())
    if any("NoSuchTable" in m.message for m in matches):
        pytest.skip("this cfn-lint now catches a wrong Ref inside a Serverless::Function by itself")
    assert not matches, describe(matches)


def test_translation_errors_are_reported_with_the_translators_message(source):
    broken = copy.deepcopy(source)
    broken["Resources"]["SkillFunction"]["Properties"]["Events"]["Alexa"]["Type"] = "AlexaSkil"
    with pytest.raises(TranslationError, match="SkillFunction") as caught:
        sam_transform(broken)
    assert "AlexaSkil" in str(caught.value)


# --- Who may invoke the function -----------------------------------------------------------------

def test_only_this_alexa_skill_may_invoke_the_function(source, transformed):
    assert not of_type(source, "AWS::Lambda::Permission"), "the AlexaSkill event is the only permission"
    permissions = of_type(transformed, "AWS::Lambda::Permission")
    # The skill function's one permission; the others are the policy pages' function URL (tested below).
    on_skill = [p for p in permissions.values() if "SkillFunction" in json.dumps(p["Properties"]["FunctionName"])]
    assert len(on_skill) == 1 and len(permissions) == 3, sorted(permissions)
    props = on_skill[0]["Properties"]
    alias_name, _ = only(transformed, "AWS::Lambda::Alias")
    assert props == {"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": alias_name},
                     "Principal": "alexa-appkit.amazon.com", "EventSourceToken": {"Ref": "SkillId"}}


def test_alexa_invokes_a_published_version_through_the_alias_live(transformed):
    alias_name, alias = only(transformed, "AWS::Lambda::Alias")
    version_name, version = only(transformed, "AWS::Lambda::Version")
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["FunctionName"] == {"Ref": "SkillFunction"}
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_name, "Version"]}
    assert version["Properties"]["FunctionName"] == {"Ref": "SkillFunction"}


def test_snapstart_is_an_option_off_by_default(source, transformed):
    parameter = source["Parameters"]["SnapStart"]
    assert parameter["Default"] == "false" and parameter["AllowedValues"] == ["false", "true"]
    assert transformed["Conditions"]["UseSnapStart"] == {"Fn::Equals": [{"Ref": "SnapStart"}, "true"]}
    function = transformed["Resources"]["SkillFunction"]["Properties"]
    assert function["SnapStart"] == {"Fn::If": ["UseSnapStart", {"ApplyOn": "PublishedVersions"},
                                                {"Ref": "AWS::NoValue"}]}


def test_the_template_with_snapstart_on_transforms_and_lints_clean(source):
    on = json.loads(json.dumps(source))
    on["Parameters"]["SnapStart"]["Default"] = "true"
    matches = lint_text(json.dumps(sam_transform(on), indent=1))
    assert not matches, describe(matches)


def test_skill_id_parameter_is_required_and_checked(source):
    parameter = source["Parameters"]["SkillId"]
    assert parameter["Type"] == "String" and "Default" not in parameter and parameter["Description"]
    pattern = parameter["AllowedPattern"]  # CloudFormation matches it against the whole value
    assert re.fullmatch(pattern, EXAMPLE_SKILL_ID)
    for wrong in ["", "amzn1.ask.skill.ours", "amzn1.ask.skill.*", "amzn1-ask-skill-" + EXAMPLE_SKILL_ID[16:],
                  EXAMPLE_SKILL_ID + " ", "amzn1.ask.skill.0b0c5a5e7d414c4e9a3f2f1e6d8c9b7a"]:
        assert not re.fullmatch(pattern, wrong), wrong


def test_log_retention_parameter(source):
    parameter = source["Parameters"]["LogRetentionDays"]
    assert parameter["Type"] == "Number" and parameter["Default"] == 30
    assert parameter["AllowedValues"] == [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                                          1096, 1827, 2192, 2557, 2922, 3288, 3653]


# --- What the function may do --------------------------------------------------------------------

def test_role_allows_exactly_getitem_putitem_and_deleteitem_on_the_table_and_query_on_its_index(transformed, table):
    table_name, _ = table
    role = named(transformed, "SkillFunctionRole", "AWS::IAM::Role")
    assert of_type(transformed, "AWS::IAM::Policy") == {} and of_type(transformed, "AWS::IAM::ManagedPolicy") == {}
    # Logging only, from SAM: CreateLogGroup/CreateLogStream/PutLogEvents.
    assert role["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    statements = [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert len(statements) == 2, statements
    for statement in statements:
        assert statement["Effect"] == "Allow" and "Condition" not in statement and "NotAction" not in statement
    table_statement, index_statement = statements
    assert sorted(table_statement["Action"]) == sorted(DYNAMODB_ACTIONS)
    assert table_statement["Resource"] == {"Fn::GetAtt": [table_name, "Arn"]}
    assert index_statement["Action"] == sorted(INDEX_ACTIONS)
    assert index_statement["Resource"] == {"Fn::Sub": f"${{{table_name}.Arn}}/index/{ACCOUNT_INDEX}"}
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}}]


class RecordingDynamoDb:
    """Stands in for boto3's DynamoDB client and records the API actions the skill uses."""

    def __init__(self):
        self.items: dict[str, dict] = {}
        self.actions: list[str] = []

    def get_item(self, *, TableName, Key, ConsistentRead):
        self.actions.append("dynamodb:GetItem")
        item = self.items.get(Key["id"]["S"])
        return {"Item": item} if item else {}

    def put_item(self, *, TableName, Item, ConditionExpression=None, ExpressionAttributeNames=None,
                 ExpressionAttributeValues=None):
        """A conditional PutItem is still dynamodb:PutItem (no extra IAM action); the condition isn't checked here."""
        self.actions.append("dynamodb:PutItem")
        self.items[Item["id"]["S"]] = Item
        return {}

    def delete_item(self, *, TableName, Key):
        self.actions.append("dynamodb:DeleteItem")
        self.items.pop(Key["id"]["S"], None)
        return {}

    def get_paginator(self, operation):
        """Only Query's paginator, on the account index: one page of the account's keys."""
        assert operation == "query"
        client = self

        class Paginator:
            def paginate(self, *, TableName, IndexName, ExpressionAttributeValues, **_):
                client.actions.append("dynamodb:Query")
                assert IndexName == ACCOUNT_INDEX
                account = ExpressionAttributeValues[":account"]["S"]
                yield {"Items": [{"id": item["id"]} for item in client.items.values()
                                 if item["account"]["S"] == account]}

        return Paginator()

    def __getattr__(self, name):
        self.actions.append(f"dynamodb:{name}")
        raise AssertionError(f"the skill called DynamoDB {name}, which template.yaml does not allow")


def test_what_the_skill_does_with_dynamodb_is_what_the_role_allows(function, table):
    """A run through the skill with the template's environment: every call it makes is allowed."""
    table_name, table_resource = table
    env = {name: value for name, value in function["Environment"]["Variables"].items() if isinstance(value, str)}
    env["DYNAMODB_TABLE"] = "UserStateTable-generated"
    adapter = store_from_env(env)
    assert isinstance(adapter, DynamoDbAdapter)
    key_schema = table_resource["Properties"]["KeySchema"]
    assert key_schema == [{"AttributeName": adapter.partition_key, "KeyType": "HASH"}]

    adapter._client = client = RecordingDynamoDb()
    convo = Conversation(build_lambda_handler(skill_id=EXAMPLE_SKILL_ID, persistence=adapter),
                         Session(skill_id=EXAMPLE_SKILL_ID))
    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    convo.say("AMAZON.NextIntent")
    convo.say("LongerHoldsIntent")
    convo.say("AMAZON.StopIntent")
    convo.launch()
    convo.say("AMAZON.ResumeIntent")
    convo.say("ResetPreferencesIntent")
    convo.say("AMAZON.StopIntent")
    assert client.items, "the run stored something"
    convo.launch()
    convo.say("DeleteDataIntent")
    convo.say("AMAZON.YesIntent")
    assert not client.items, "the person's record was deleted"
    convo.launch()
    convo.say("StartRoutineIntent", routine="quick")
    assert client.items
    convo.send(convo.session.skill_disabled(), check=False)  # the person disables the skill
    assert set(client.actions) == DYNAMODB_ACTIONS | INDEX_ACTIONS, client.actions
    assert not client.items, "every record of the account was deleted"


# --- The function ---------------------------------------------------------------------------------

def test_function_runtime_settings(function, transformed, source):
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    assert function["Handler"] == "lambda_function.lambda_handler"
    assert (ROOT / "lambda" / "lambda_function.py").is_file()
    assert function["Timeout"] < 8, "Alexa gives up after about 8 s"
    assert 128 <= function["MemorySize"] <= 1769
    assert function["Code"] == {"S3Bucket": "back-stretch-coach-artifacts", "S3Key": "lambda.zip"}
    assert source["Resources"]["SkillFunction"]["Properties"]["CodeUri"] == "dist/lambda.zip"


def test_function_environment(function, table):
    table_name, _ = table
    assert function["Environment"]["Variables"] == {
        "PERSISTENCE": "dynamodb",
        "DYNAMODB_TABLE": {"Ref": table_name},
        "SKILL_ID": {"Ref": "SkillId"},
    }


def test_function_logs_json_to_its_own_log_group_with_retention(function, transformed):
    log_group_name, log_group = "SkillLogGroup", named(transformed, "SkillLogGroup", "AWS::Logs::LogGroup")
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert function["LoggingConfig"]["LogGroup"] == {"Ref": log_group_name}
    assert log_group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


# --- The table ------------------------------------------------------------------------------------

def test_table_is_protected_and_encrypted(table):
    _, resource = table
    assert resource["DeletionPolicy"] == "Retain" and resource["UpdateReplacePolicy"] == "Retain"
    props = resource["Properties"]
    assert props["DeletionProtectionEnabled"] is True
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"},
                                             {"AttributeName": ACCOUNT_ATTRIBUTE, "AttributeType": "S"}]
    assert "TableName" not in props, "a fixed name would collide with a retained table on re-create"


def test_idle_records_expire_by_the_attribute_the_adapter_writes(table):
    """DynamoDB's time to live on ``expires``, which every save sets 18 months ahead (tests/test_data_lifecycle.py)."""
    _, resource = table
    assert resource["Properties"]["TimeToLiveSpecification"] == {"AttributeName": EXPIRES_ATTRIBUTE, "Enabled": True}


def test_the_account_index_is_the_one_the_adapter_queries(table):
    _, resource = table
    assert resource["Properties"]["GlobalSecondaryIndexes"] == [{
        "IndexName": ACCOUNT_INDEX, "KeySchema": [{"AttributeName": ACCOUNT_ATTRIBUTE, "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"}}]


# --- The policy pages ---------------------------------------------------------------------------

def test_the_policy_pages_function_is_public_read_only_and_serves_from_the_same_zip(transformed, source):
    pages = named(transformed, "PolicyPagesFunction", "AWS::Lambda::Function")["Properties"]
    assert pages["Handler"] == "skill.policies.lambda_handler" and pages["Runtime"] == "python3.13"
    assert pages["Code"] == {"S3Bucket": "back-stretch-coach-artifacts", "S3Key": "lambda.zip"}
    assert pages["Environment"]["Variables"] == {
        "OPERATOR_NAME": {"Ref": "OperatorName"}, "OPERATOR_CONTACT": {"Ref": "OperatorContact"},
        "OPERATOR_ADDRESS": {"Ref": "OperatorAddress"}}
    assert set(pages["Environment"]["Variables"]) == set(policies.FIELDS.values())
    url = named(transformed, "PolicyPagesFunctionUrl", "AWS::Lambda::Url")["Properties"]
    assert url["AuthType"] == "NONE" and url["TargetFunctionArn"] == {"Ref": "PolicyPagesFunction"}
    # Its role: logging only, no access to the table.
    role = named(transformed, "PolicyPagesFunctionRole", "AWS::IAM::Role")["Properties"]
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    assert "Policies" not in role
    assert pages["LoggingConfig"]["LogGroup"] == {"Ref": "PolicyPagesLogGroup"}
    log_group = named(transformed, "PolicyPagesLogGroup", "AWS::Logs::LogGroup")["Properties"]
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    # Anyone may fetch the pages over the URL (both permissions Lambda asks of a public function URL).
    permissions = [p["Properties"] for p in of_type(transformed, "AWS::Lambda::Permission").values()
                   if p["Properties"]["FunctionName"] == {"Ref": "PolicyPagesFunction"}]
    assert sorted(p["Action"] for p in permissions) == ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]
    assert all(p["Principal"] == "*" for p in permissions)


def test_the_outputs_give_the_published_policy_urls(transformed):
    outputs = transformed["Outputs"]
    assert outputs["PrivacyPolicyUrl"]["Value"] == {"Fn::Sub": "${PolicyPagesFunctionUrl.FunctionUrl}privacy"}
    assert outputs["TermsOfUseUrl"]["Value"] == {"Fn::Sub": "${PolicyPagesFunctionUrl.FunctionUrl}terms"}
    assert set(policies.PAGES) == {"privacy", "terms"}


def test_operator_parameters_are_required_and_refuse_placeholders(source):
    parameters = source["Parameters"]
    for name in ("OperatorName", "OperatorContact"):
        assert "Default" not in parameters[name], name
    assert parameters["OperatorAddress"]["Default"] == ""
    name, contact = parameters["OperatorName"]["AllowedPattern"], parameters["OperatorContact"]["AllowedPattern"]
    assert re.fullmatch(name, "Jo Bloggs Physio Ltd") and re.fullmatch(contact, "privacy@jobloggs.co.uk")
    for placeholder in ("[OPERATOR NAME]", "{{operator_name}}", "<your name>"):
        assert not re.fullmatch(name, placeholder) and not re.fullmatch(contact, placeholder), placeholder
    assert not re.fullmatch(contact, "jo bloggs") and not re.fullmatch(contact, "[CONTACT EMAIL ADDRESS]")


# --- Outputs --------------------------------------------------------------------------------------

def test_outputs(transformed, table):
    table_name, _ = table
    log_group_name = "SkillLogGroup"
    outputs = transformed["Outputs"]
    alias_name, _ = only(transformed, "AWS::Lambda::Alias")
    assert outputs["SkillFunctionArn"]["Value"] == {"Ref": alias_name}  # the alias's ARN: what Alexa may invoke
    assert outputs["UserStateTableName"]["Value"] == {"Ref": table_name}
    assert outputs["SkillLogGroupName"]["Value"] == {"Ref": log_group_name}
    assert all(output.get("Description") for output in outputs.values())
