"""The OpenAPI schema as a generated client needs it (openapi-python-client is tested against it):

- decimals (money, quantities) are strings in a decimal format, in requests and responses alike —
  the API sends them as strings, and a JSON number would lose a fen;
- every operation declares the one error schema (ErrorOut) for 400, 401, 403, 404, 409 and 422;
- components nothing refers to (query-parameter models) are dropped.
"""

from __future__ import annotations

from typing import Any

from ninja.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
ERROR_STATUSES = {
    400: "Bad request: the body is not a JSON object, not UTF-8, or not JSON",
    401: "Not authenticated: no valid token or session",
    403: "Forbidden: the role or segregation of duties refuses the action",
    404: "Not found, or not visible to the caller",
    409: "Conflict: the object's state does not allow it, or it conflicts with stored data",
    422: "Invalid input: `field` names the input at fault",
}


def _decimal_schema(self: Any, schema: Any) -> dict[str, Any]:
    return {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN}


# Pydantic documents a Decimal input as "a number or any string"; ours are decimal strings.
NinjaGenerateJsonSchema.decimal_schema = _decimal_schema  # type: ignore[method-assign]


def _refs(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            out.add(ref.rsplit("/", 1)[1])
        for v in node.values():
            _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)


def tidy_openapi(schema: Any, error_model: type[BaseModel]) -> Any:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    name = error_model.__name__
    components[name] = error_model.model_json_schema(ref_template="#/components/schemas/{model}")
    ref = {"$ref": f"#/components/schemas/{name}"}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description,
                                              "content": {"application/json": {"schema": ref}}})
    # Drop what nothing refers to (filter models of query parameters), until nothing changes.
    while True:
        used: set[str] = set()
        _refs(schema.get("paths", {}), used)
        for key, comp in components.items():
            if key in used:
                _refs(comp, used)
        # refs of refs
        frontier = set(used)
        while frontier:
            nxt: set[str] = set()
            for key in frontier:
                _refs(components.get(key, {}), nxt)
            frontier = nxt - used
            used |= nxt
        unused = [k for k in components if k not in used]
        if not unused:
            break
        for k in unused:
            del components[k]
    return schema
