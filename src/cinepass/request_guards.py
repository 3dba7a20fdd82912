"""Request checks every route shares: no undeclared query parameters, no NUL characters."""

from __future__ import annotations

from typing import get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from cinepass.errors import BadRequest


def _query_params(dependant: Dependant) -> dict[str, bool]:
    """Each query parameter's name, and whether it may repeat (a list)."""
    params = {
        p.alias: get_origin(p.field_info.annotation) in (list, tuple, set)
        for p in dependant.query_params
    }
    for sub in dependant.dependencies:
        params.update(_query_params(sub))
    return params


class QueryRules:
    """Each route's declared query names, and those that take one value only; worked out on a
    route's first request and kept by the app (`app.state.query_rules`)."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    def of(self, route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
        known = self._known.get(route.unique_id)
        if known is None:
            params = _query_params(route.dependant)
            known = (frozenset(params), frozenset(n for n, many in params.items() if not many))
            self._known[route.unique_id] = known
        return known


async def guard_request(request: Request) -> None:
    """Query parameters a route does not declare are refused, as bodies refuse unknown fields."""
    # multi_items, not values(): a repeated parameter's earlier values count too.
    values = [v for _, v in request.query_params.multi_items()]
    values += [str(v) for v in request.path_params.values()]
    if any("\x00" in value for value in values):
        raise BadRequest("text may not contain NUL characters")
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    rules: QueryRules = request.app.state.query_rules
    declared, single = rules.of(route)
    unknown = sorted(set(request.query_params) - declared)
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        raise BadRequest(f"unknown query parameters: {shown}")
    repeated = sorted(n for n in single if len(request.query_params.getlist(n)) > 1)
    if repeated:
        raise BadRequest(f"query parameters given more than once: {', '.join(repeated)}")
