"""A real server on the real ``hf`` engine with the prepared SmolLM2 model."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).parents[1] / "server"))

from harness import make_settings

from cadence.serve import core_config
from cadence.server.app import CadenceServer

MODEL = Path(__file__).parents[3] / "models" / "smollm2-135m-instruct"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def hf_server() -> AsyncIterator[CadenceServer]:
    """Module-wide server: loading and warming the model takes seconds."""
    if not (MODEL / "config.json").is_file():
        pytest.skip(f"default chat model not prepared at {MODEL}: run `python -m cadence models prepare`")
    from cadence.engines.hf import HFEngine
    from cadence.engines.hf_config import HFEngineConfig

    settings = make_settings()
    settings = dataclasses.replace(
        settings, chat=dataclasses.replace(settings.chat, engine="hf", model=str(MODEL))
    )
    engine = HFEngine(HFEngineConfig(model=str(MODEL), device="cpu", cpu_threads=1))
    server = CadenceServer(settings, core_config(settings), engine, max_prompt_tokens=2048)
    await server.start()
    yield server
    await server.aclose()
