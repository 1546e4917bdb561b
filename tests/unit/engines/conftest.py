"""Fixtures of the ``trt`` engine tests: the fake TensorRT-LLM and a model folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_tensorrt_llm as fake


@pytest.fixture
def trt(monkeypatch: pytest.MonkeyPatch) -> fake.Registry:
    """The fake TensorRT-LLM, installed in ``sys.modules`` for this test."""
    return fake.install(lambda name, module: monkeypatch.setitem(sys.modules, name, module))


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"]}))
    (folder / "generation_config.json").write_text(json.dumps({"eos_token_id": [2, 7]}))
    return folder
