"""Request checks every route shares: no undeclared query parameters, no NUL characters."""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from cinepass.errors import BadRequest

_known: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _declared(route: APIRoute) -> frozenset[str]:
    names = _known.get(id(route))
    if names is None:
        names = frozenset(_query_names(route.dependant))
        _known[id(route)] = names
    return names


async def guard_request(request: Request) -> None:
    """Query parameters a route does not declare are refused, as bodies refuse unknown fields."""
    values = [*request.query_params.values(), *request.path_params.values()]
    if any("\x00" in value for value in values):
        raise BadRequest("text may not contain NUL characters")
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    unknown = sorted(set(request.query_params) - _declared(route))
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        raise BadRequest(f"unknown query parameters: {shown}")
