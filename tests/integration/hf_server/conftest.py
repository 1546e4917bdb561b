"""A real server on the real ``hf`` engine with the prepared SmolLM2 model."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

sys.path.insert(0, str(Path(__file__).parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).parent))

from hf_harness import start_hf_server

from cadence.server.app import CadenceServer


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hf_server() -> AsyncIterator[CadenceServer]:
    """Module-wide server: loading and warming the model takes seconds."""
    server = await start_hf_server()
    yield server
    await server.aclose()
