"""What the service tests share: a connection signed in to a sandbox as its admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr

from trunkwiz.pbx.client import PbxClient
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD
from trunkwiz.service.connection import Connection


@asynccontextmanager
async def admin_connection(url: str) -> AsyncIterator[Connection]:
    """A ``Connection`` to the sandbox at ``url``, signed in as ``admin``; closed after."""
    async with PbxClient(url) as pbx:
        session = await pbx.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        yield Connection(pbx, session, url=url, user="admin")
