"""Fuzzing the edge: schemathesis against the generated OpenAPI document (0 server errors, 0
answers outside their schema), and every Socket.IO event with malformed payloads (an error ack
every time: never silence, never `internal`)."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from web.apidocs import asyncapi, openapi

EMP, CUS = "/employee", "/customer"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12)
MALFORMED = [None, 0, -1, 2**31, 2**64, 1.5, True, "", "x", "\x00", "\ud800", [], [1, 2], {},
             {"": None}, "x" * 10_000, {"a": {"b": {"c": [[[[]]]]}}}]


def client_events(app, namespace: str) -> list[str]:
    """The namespace's client events from the AsyncAPI document; `close` last, so the other
    events are fuzzed against a live conversation."""
    names = [event.split("/")[-1] for event in
             asyncapi(app)["channels"][namespace.strip("/")]["messages"]
             if not event.startswith("server.") and not event.endswith(".ack")]
    return sorted(names, key=lambda name: name == "close")


def mutations(event_schema: dict) -> list[dict]:
    """Each field of the event set to each malformed value, and wholly unknown fields."""
    fields = list(event_schema.get("properties", {}))
    return ([{field: value} for field in fields for value in MALFORMED]
            + [{"unknown": 1}, {field: "\x00" for field in fields}])


def assert_error_ack(ack, event, payload):
    """An answer, never silence; never `internal`; an error for anything but an object (None
    is what a client sends without data: the same as {}), and {} may be a valid payload."""
    assert isinstance(ack, dict), (event, payload, ack)
    if payload is not None and not isinstance(payload, dict):
        assert "error" in ack, (event, payload, ack)
    if "error" in ack:
        assert ack["error"] != "internal", (event, payload, ack)
        assert isinstance(ack["message"], str) and ack["message"]


@pytest.mark.parametrize("namespace", [CUS, EMP])
def test_every_event_answers_every_malformed_payload(app, chat, namespace):
    dev, widget, _ = chat
    client = widget if namespace == CUS else dev
    document = asyncapi(app)
    schemas = document["components"]["schemas"]
    names = client_events(app, namespace)
    assert len(names) >= 9
    for event in names:
        ref = document["channels"][namespace.strip("/")]["messages"][event]["payload"]["$ref"]
        for payload in [*MALFORMED, *mutations(schemas[ref.rsplit("/", 1)[1]])]:
            ack = client.emit(event, payload, namespace=namespace, callback=True)
            assert_error_ack(ack, event, payload)
        assert client.emit(event, {}, {}, namespace=namespace, callback=True)["error"] == \
            "invalid_payload"  # two arguments


@pytest.mark.parametrize("namespace", [CUS, EMP])
def test_random_json_never_goes_unanswered(app, chat, namespace):
    dev, widget, _ = chat
    client = widget if namespace == CUS else dev
    names = client_events(app, namespace) + ["no_such_event", "disconnect", "connect"]

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(event=st.sampled_from(names), payload=json_values)
    def fuzz(event, payload):
        ack = client.emit(event, payload, namespace=namespace, callback=True)
        assert_error_ack(ack, event, payload)

    fuzz()
    assert client.is_connected(namespace)


def test_the_openapi_document_is_generated_from_the_views(app):
    document = openapi(app)
    assert set(document["paths"]) == {"/api/v1/conversations", "/api/v1/conversations/resume"}
    ask_body = document["paths"]["/api/v1/conversations"]["post"]["requestBody"]
    assert ask_body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AskRequest"}
    assert document["components"]["schemas"]["AskRequest"]["additionalProperties"] is False
    served = app.test_client().get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.get_json() == document
    page = app.test_client().get("/api/docs")
    assert page.status_code == 200 and b"POST /api/v1/conversations" in page.data
    assert b"Namespace <code>/customer</code>" in page.data


def test_schemathesis_finds_no_server_error_and_no_answer_outside_its_schema(app):
    """Every operation, valid and invalid examples: no 5xx, every status documented, every
    answer and header in its schema, invalid data refused. Valid-looking data may still be
    refused by rules a schema cannot say (a resume link's signature, an empty question after
    trimming), so positive_data_acceptance is the one default check left out. (Run in a loop:
    schemathesis's pytest fixture integration fails on this pytest.)"""
    # A body over the server's limit is refused with 413: a rejection too.
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {
        "expected-statuses": ["400", "401", "404", "409", "413", "415", "429"]}}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 2
    for operation, mode in itertools.product(operations, GenerationMode):
        @settings(max_examples=60, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        call()
