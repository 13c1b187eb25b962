"""Helpers for the sandbox tests: follow paging and delta rounds like a Graph client does.
Nothing sandbox-specific: the same loop works against Microsoft 365."""

from __future__ import annotations

from typing import Any


def collect(client: Any, url: str, headers: dict[str, str] | None = None, max_pages: int = 1000) -> tuple[list[dict[str, Any]], str | None, int]:
    """All items of a paged collection or delta round: (items, deltaLink or None, pages)."""
    items: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url and pages < max_pages:
        r = client.get(next_url, headers=headers or {})
        assert r.status_code == 200, (r.status_code, r.text[:500])
        body = r.json()
        items += body["value"]
        pages += 1
        if "@odata.deltaLink" in body:
            return items, body["@odata.deltaLink"], pages
        next_url = body.get("@odata.nextLink")
    return items, None, pages
