"""A real server on the ``hf`` engine with the prepared SmolLM2 model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from harness import make_settings

from cadence.serve import core_config
from cadence.server.app import CadenceServer

MODEL = Path(__file__).parents[3] / "models" / "smollm2-135m-instruct"


async def start_hf_server() -> CadenceServer:
    """A started server on a free port; skips the test when the model is not prepared."""
    if not (MODEL / "config.json").is_file():
        pytest.skip(f"default chat model not prepared at {MODEL}: run `python -m cadence models prepare`")
    from cadence.engines.hf import HFEngine
    from cadence.engines.hf_config import HFEngineConfig

    settings = make_settings()
    settings = dataclasses.replace(
        settings, chat=dataclasses.replace(settings.chat, engine="hf", model=str(MODEL))
    )
    engine = HFEngine(HFEngineConfig(model=str(MODEL), device="cpu", cpu_threads=1))
    config = core_config(settings, warm_prompts=True)  # as `cadence serve` sets it for hf
    server = CadenceServer(settings, config, engine, max_prompt_tokens=2048)
    await server.start()
    return server


__all__ = ["MODEL", "start_hf_server"]
