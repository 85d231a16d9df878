"""The OpenAPI document made strict for validation: an object that does not declare additional properties
allows none, so a field the schema does not name fails validation instead of passing unseen.

An `allOf` of objects (a component extended by more fields, as /healthz's 503 extends `Problem`) is merged
into one closed object first: closing each part would refuse the other parts' fields, and leaving the parts
open would let any field through."""

import copy
from typing import Any

from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_URI = "urn:moviesyoudidntwatch:openapi"
COMPONENT = "#/components/schemas/"
_NESTED = ("properties", "patternProperties")
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf")


def strict(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of `spec` with `additionalProperties: false` on every object schema that does not say."""
    spec = copy.deepcopy(spec)
    components = copy.deepcopy(spec.get("components", {}).get("schemas", {}))  # as written, for merging
    _merge_all_of(spec, components)
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        spec["components"]["schemas"][name] = _strict_schema(schema)
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                for media in response.get("content", {}).values():
                    if "schema" in media:
                        media["schema"] = _strict_schema(media["schema"])
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    media["schema"] = _strict_schema(media["schema"])
    return spec


def _merge_all_of(node: Any, components: dict[str, Any]) -> None:
    """Every `allOf` of several objects (inline, or components by `$ref`) in `node`, made one object."""
    if isinstance(node, list):
        for item in node:
            _merge_all_of(item, components)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _merge_all_of(value, components)
    parts = node.get("allOf", [])
    if len(parts) < 2:
        return
    resolved = [components.get(part.get("$ref", "").removeprefix(COMPONENT), part) for part in parts]
    if not all(part.get("type") == "object" or "properties" in part for part in resolved):
        return  # not all objects: left composed
    if any(part.get("additionalProperties") not in (None, False) for part in resolved):
        return
    del node["allOf"]
    node["type"] = "object"
    node["properties"] = {
        k: copy.deepcopy(v) for part in resolved for k, v in part.get("properties", {}).items()
    }
    node["required"] = sorted({name for part in resolved for name in part.get("required", [])})


def _strict_schema(schema: Any, *, composed: bool = False) -> Any:
    if not isinstance(schema, dict):
        return schema
    is_object = schema.get("type") == "object" or "properties" in schema
    # A member of a multi-part allOf is only part of the object: closing it would refuse the others' fields.
    if is_object and "additionalProperties" not in schema and not composed:
        schema["additionalProperties"] = False
    for key in _NESTED:
        for name, sub in schema.get(key, {}).items():
            schema[key][name] = _strict_schema(sub)
    if isinstance(schema.get("items"), dict):
        schema["items"] = _strict_schema(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        schema["additionalProperties"] = _strict_schema(schema["additionalProperties"])
    for key in _SCHEMA_LISTS:
        if key in schema:
            parts = schema[key]
            schema[key] = [_strict_schema(part, composed=key == "allOf" and len(parts) > 1) for part in parts]
    return schema


def pointer(*parts: str) -> str:
    """A JSON pointer into the document ("/" and "~" escaped as RFC 6901 says)."""
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def validator_at(spec: dict[str, Any], json_pointer: str) -> OAS30Validator:
    """A validator of the schema at `json_pointer` in `spec`, its `$ref`s resolved within the document."""
    registry: Registry = Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT4)
    )
    return OAS30Validator(
        {"$ref": f"{SPEC_URI}#{json_pointer}"}, registry=registry, format_checker=oas30_format_checker
    )
