"""The API's documents, generated from the schemas the edge parses with (web/schemas.py): OpenAPI
for HTTP (from the views marked with `operation`), AsyncAPI for Socket.IO (from the namespaces'
handlers and schemas.SERVER_EVENTS), both served as JSON and rendered at /api/docs."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template

from .schemas import SERVER_EVENTS, Answer, ErrorAnswer, Schema

bp = Blueprint("apidocs", __name__, url_prefix="/api")
VERSION = "1"
ERROR_MEANING = {
    400: "The payload is malformed or breaks a rule (see `error` and `fields`).",
    401: "The credentials or link are not valid (any more).",
    403: "The team or person the question is addressed to is not on the team page.",
    404: "No such conversation.",
    409: "The conversation is not in a state that allows this.",
    413: "The request body is larger than the server accepts.",
    415: "The body is not declared as application/json.",
    429: "Too many requests from this address or identity; see Retry-After.",
    503: "The server cannot rank now (its stored vectors need `reembed`).",
}


def operation(body: type[Schema], answers: dict[int, type[Answer]], errors: tuple[int, ...],
              summary: str = ""):
    """Mark a JSON view for the OpenAPI document: its body schema, answers and error statuses."""

    def mark(view):
        view.api = {"body": body, "answers": answers, "errors": errors,
                    "summary": summary or (view.__doc__ or "").split("\n")[0]}
        return view

    return mark


class _Components:
    """JSON Schemas of the classes used, each once, under components/schemas."""

    def __init__(self):
        self.schemas: dict[str, dict] = {}

    def ref(self, model: type, mode: str = "validation") -> dict:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
        self.schemas.update(schema.pop("$defs", {}))
        self.schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def openapi(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every view marked with `operation`."""
    components, paths = _Components(), {}
    error = components.ref(ErrorAnswer, "serialization")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        api = getattr(app.view_functions[rule.endpoint], "api", None)
        if api is None:
            continue
        responses = {str(status): {"description": model.__doc__.split("\n")[0],
                                   "content": _json(components.ref(model, "serialization"))}
                     for status, model in api["answers"].items()}
        for status in api["errors"]:
            responses[str(status)] = {"description": ERROR_MEANING[status],
                                      "content": _json(error)}
            if status == 429:
                responses["429"]["headers"] = {"Retry-After": {
                    "description": "Seconds until a new attempt may succeed.",
                    "schema": {"type": "integer", "minimum": 0}}}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(rule.rule, {})[method.lower()] = {
                "operationId": rule.endpoint.replace(".", "_"),
                "summary": api["summary"],
                "requestBody": {"required": True,
                                "content": _json(components.ref(api["body"]))},
                "responses": responses,
            }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Matchmaker widget API", "version": VERSION,
                 "description": "What the website widget calls over HTTP. The live chat that "
                                "follows is Socket.IO: see the AsyncAPI document."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components.schemas},
    }


def asyncapi(app: Flask) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the Socket.IO namespaces: every event a client may send
    (its payload and the ack it gets) and every event the server emits."""
    components, channels, operations = _Components(), {}, {}
    error = components.ref(ErrorAnswer, "serialization")
    socketio = app.extensions["socketio"]
    for namespace, handler in sorted(socketio.server.namespace_handlers.items()):
        name = namespace.strip("/")
        messages: dict[str, dict] = {}
        for attribute in sorted(dir(handler)):
            method = getattr(handler, attribute)
            schema = getattr(method, "schema", None)
            if not attribute.startswith("on_") or schema is None:
                continue
            event = attribute[3:]
            messages[event] = {"name": event, "summary": (method.__doc__ or event).split("\n")[0],
                               "payload": components.ref(schema)}
            messages[f"{event}.ack"] = {
                "name": f"{event} (ack)", "summary": "The answer: ok, or an error.",
                "payload": {"oneOf": [components.ref(method.answers, "serialization"), error]}}
            operations[f"{name}.{event}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{name}"},
                "messages": [{"$ref": f"#/channels/{name}/messages/{event}"}],
                "reply": {"messages": [{"$ref": f"#/channels/{name}/messages/{event}.ack"}]},
            }
        for event, (shape, summary) in SERVER_EVENTS.get(namespace, {}).items():
            messages[f"server.{event}"] = {"name": event, "summary": summary,
                                           "payload": components.ref(shape, "serialization")}
            operations[f"{name}.server.{event}"] = {
                "action": "send", "channel": {"$ref": f"#/channels/{name}"},
                "messages": [{"$ref": f"#/channels/{name}/messages/server.{event}"}]}
        channels[name] = {"address": namespace, "messages": messages,
                          "description": _NAMESPACE_TEXT.get(namespace, "")}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Matchmaker live chat (Socket.IO)", "version": VERSION,
                 "description": "Socket.IO 5 over websocket only. Every client event takes one "
                                "JSON object and an ack callback; the ack is the answer or an "
                                "error {error, message, fields?, retry_after?}. An unknown or "
                                "reserved event name, or a packet that does not decode, also "
                                "gets an error ack."},
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": components.schemas},
    }


_NAMESPACE_TEXT = {
    "/customer": "The customer's widget. Connect with auth {conversation_id, token} (from POST "
                 "/api/v1/conversations); a refused connect says why (its message is an error "
                 "code).",
    "/employee": "The employee console. Connect with the signed-in session cookie.",
}


@bp.get(f"/v{VERSION}/openapi.json")
def openapi_json():
    return jsonify(openapi(current_app))


@bp.get(f"/v{VERSION}/asyncapi.json")
def asyncapi_json():
    return jsonify(asyncapi(current_app))


@bp.get("/docs")
def docs():
    """Both documents, readable: every operation and event with its schemas."""
    return render_template("api_docs.html", openapi=openapi(current_app),
                           asyncapi=asyncapi(current_app), dumps=json.dumps)
