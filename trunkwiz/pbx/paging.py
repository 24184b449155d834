"""Paging: every item of a PBX list, however many pages it takes (``PagedLists``).

Every list call pages through all items (``top`` <= 100), with a bounded loop. The
``skip`` convention (0-based per the spec's schema, 1-based per its text) is detected once
per client, the first time a list needs a second page, by comparing the first items of
``skip=0`` and ``skip=1``. Once the first page gives ``count``, the other pages are fetched
at once (at most ``concurrency`` in flight) and joined in order. A page that is short or
empty before ``count`` items arrived is an error, never the silent end of the list; a list
answer without ``count`` pages until a short page.
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from typing import Any

from trunkwiz.pbx.errors import UnavailableError
from trunkwiz.pbx.session import REQUEST_CONCURRENCY
from trunkwiz.pbx.shapes import page_items

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 1000


class PagedLists:
    """``list_all`` over a client's ``get_json`` (the mixin ``ApiCore`` builds on)."""

    skip_base: int | None
    """0 or 1 once detected (see ``list_all``); None before."""

    @abstractmethod
    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET ``path`` and return the decoded JSON body."""

    async def _page(
        self, path: str, params: dict[str, Any] | None, skip: int, top: int = PAGE_SIZE
    ) -> tuple[list[dict[str, Any]], int | None]:
        body = await self.get_json(path, {**(params or {}), "skip": skip, "top": top})
        items = page_items(body, f"GET {path}")  # BadAnswer for a wrong shape
        count = body.get("count")
        return items, count if isinstance(count, int) and not isinstance(count, bool) else None

    async def _detect_skip_base(
        self, path: str, params: dict[str, Any] | None, first: dict[str, Any]
    ) -> int:
        """1 when ``skip=1`` starts with the same item as ``skip=0``, else 0 (once)."""
        if self.skip_base is None:
            probe, _ = await self._page(path, params, 1, 1)
            same = bool(probe) and _same_item(probe[0], first)
            self.skip_base = 1 if same else 0
            log.debug("GET %s: skip is %s-based", path, self.skip_base)
        return self.skip_base

    async def list_all(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        max_pages: int = MAX_PAGES,
        concurrency: int = REQUEST_CONCURRENCY,
    ) -> list[dict[str, Any]]:
        """Every item of a paged collection (``top=100``), in the PBX's order.

        The first page gives ``count``; after the skip convention is known, the remaining
        pages are fetched at once, at most ``concurrency`` in flight. Raises
        ``UnavailableError`` when a page is short or empty before ``count`` items arrived
        (the list changed meanwhile, or the PBX pages differently), or when more than
        ``max_pages`` pages would be needed.
        """
        items, count = await self._page(path, params, 0)
        if count is None:
            return await self._list_without_count(path, params, items, max_pages)
        if len(items) >= count or not items:
            if not items and count > 0:
                raise _short(path, 0, count)
            return items[:count] if count else items
        offsets = list(range(len(items), count, PAGE_SIZE))
        if len(offsets) > max_pages:
            raise UnavailableError(
                f"GET {path}: {count} items would take more than {max_pages} pages; stopped"
            )
        base = await self._detect_skip_base(path, params, items[0])
        pages = await self._pages(path, params, [base + o for o in offsets], concurrency)
        for offset, page in zip(offsets, pages, strict=True):
            want = min(PAGE_SIZE, count - offset)
            if len(page) < want:
                raise _short(path, offset + len(page), count)
            items.extend(page[:want])
        return items

    async def _pages(
        self, path: str, params: dict[str, Any] | None, skips: list[int], concurrency: int
    ) -> list[list[dict[str, Any]]]:
        """The pages at ``skips``, in that order, at most ``concurrency`` requests at once;
        the first failure cancels the rest and is raised."""
        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(skip: int) -> list[dict[str, Any]]:
            async with gate:
                page, _ = await self._page(path, params, skip)
                return page

        tasks = [asyncio.ensure_future(one(skip)) for skip in skips]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)  # none left unawaited
            raise

    async def _list_without_count(
        self,
        path: str,
        params: dict[str, Any] | None,
        items: list[dict[str, Any]],
        max_pages: int,
    ) -> list[dict[str, Any]]:
        """A list answer without ``count``: pages until a short page (the only sign)."""
        if len(items) < PAGE_SIZE:
            return items
        base = await self._detect_skip_base(path, params, items[0])
        for _ in range(max_pages):
            page, _ = await self._page(path, params, base + len(items))
            items.extend(page)
            if len(page) < PAGE_SIZE:
                return items
        raise UnavailableError(
            f"GET {path}: the PBX kept returning full pages ({len(items)} items after "
            f"{max_pages} pages); stopped"
        )


def _same_item(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if "id" in a or "id" in b:
        return a.get("id") == b.get("id")
    return a == b


def _short(path: str, got: int, count: int) -> UnavailableError:
    return UnavailableError(
        f"GET {path}: the PBX said {count} items but returned only {got}; the list is "
        "incomplete (it may have changed meanwhile): try again"
    )
