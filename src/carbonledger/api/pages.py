"""Pagination of lists: ``page`` and ``per_page`` in, RFC 8288 ``Link`` headers out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

__all__ = ["PageQuery", "PerPageQuery", "paginate"]

T = TypeVar("T")
PageQuery = Annotated[int, Query(ge=1, description="Page number, from 1")]
PerPageQuery = Annotated[int | None, Query(ge=1, le=1000, description="Items per page")]


def paginate(
    request: Request, response: Response, items: Sequence[T], page: int, per_page: int | None
) -> list[T]:
    """One page of ``items``, with ``Link`` (first, prev, next, last) and ``X-Total-Count``.

    Parameters
    ----------
    request, response
        The request (its URL is kept, with other filters) and the response to head.
    items : sequence
        The whole filtered list.
    page : int
        Page asked for (1-based).
    per_page : int, optional
        Items per page (default: the server's page size).
    """
    size = per_page or request.app.state.settings.page_size
    last = max(1, math.ceil(len(items) / size))
    links: dict[str, Any] = {"first": 1, "last": last}
    if page > 1:
        links["prev"] = min(page - 1, last)
    if page < last:
        links["next"] = page + 1
    response.headers["Link"] = ", ".join(
        f'<{request.url.include_query_params(page=number, per_page=size)}>; rel="{rel}"'
        for rel, number in links.items()
    )
    response.headers["X-Total-Count"] = str(len(items))
    start = (page - 1) * size
    return list(items[start : start + size])
