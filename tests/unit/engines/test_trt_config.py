"""The ``trt`` engine's settings, start-up checks and LLM arguments (fake TensorRT-LLM)."""

from __future__ import annotations

import ast
import dataclasses
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_tensorrt_llm as fake
from trt_support import collect, load_words, request, started

from cadence.config.settings import ChatSettings, Settings
from cadence.engines.base import EngineError, SamplingParams
from cadence.engines.factory import EngineUnavailableError, build_chat_engine
from cadence.engines.trt import TRTEngine
from cadence.engines.trt_config import TRTEngineConfig, trt_config_from_env
from cadence.engines.trt_params import sampling_kwargs
from cadence.engines.trt_request import holdback

SRC = Path(__file__).resolve().parents[3] / "src" / "cadence" / "engines"


def engine_dir(tmp_path: Path, build: dict[str, int], kv_algo: str | None = None,
               metadata: dict[str, object] | None = None) -> Path:
    """A prebuilt-engine folder as ``trtllm-build`` (and Cadence's script) leave it."""
    folder = tmp_path / "engine"
    folder.mkdir()
    config = {"build_config": build, "pretrained_config": {"quantization": {"kv_cache_quant_algo": kv_algo}}}
    (folder / "config.json").write_text(json.dumps(config))
    if metadata is not None:
        (folder / "build_metadata.json").write_text(json.dumps(metadata))
    return folder


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    env = {
        "TRT_BATCH_SIZE": "many", "TRT_DTYPE": "int4", "KV_DTYPE": "int8", "TRT_KV_FREE_GPU_FRAC": "1.5",
        "TRT_MAX_OUTPUT_LEN": "0", "TRT_CHECKPOINT_DIR": str(tmp_path / "missing"),
    }
    with pytest.raises(ValueError, match="invalid TensorRT-LLM settings") as caught:
        trt_config_from_env(env, "org/model")
    message = str(caught.value)
    for fragment in ("TRT_BATCH_SIZE='many' is not a valid integer", "TRT_DTYPE must be one of",
                     "KV_DTYPE must be one of auto, fp8", "TRT_KV_FREE_GPU_FRAC must be in (0, 1]",
                     "TRT_MAX_OUTPUT_LEN must be >= 1"):
        assert fragment in message


def test_file_problems_are_listed_with_the_values(tmp_path: Path) -> None:
    env = {"TRT_DTYPE": "int4", "TRT_CHECKPOINT_DIR": str(tmp_path / "missing")}
    with pytest.raises(ValueError, match="TRT_DTYPE must be one of") as caught:
        trt_config_from_env(env, "org/model")
    assert "is not a directory" in str(caught.value)


def test_defaults_follow_the_operations_guide() -> None:
    config = trt_config_from_env({"CHAT_MAX_LEN": "4000", "CHAT_MAX_OUT": "120", "CHAT_GPU_FRAC": "0.6"}, "m")
    assert (config.max_input_len, config.max_output_len, config.kv_free_gpu_frac) == (4000, 120, 0.6)
    assert (config.dtype, config.backend, config.weights) == ("float16", "pytorch", "m")
    explicit = trt_config_from_env({"CHAT_GPU_FRAC": "0.6", "TRT_KV_FREE_GPU_FRAC": "0.5"}, "m")
    assert explicit.kv_free_gpu_frac == 0.5


@pytest.mark.parametrize(("env", "fragment"), [
    ({"TRT_BATCH_SIZE": "32"}, "TRT_BATCH_SIZE=32 exceeds the baked-in max_batch_size 16"),
    ({"TRT_MAX_BATCH_SIZE": "32"}, "TRT_MAX_BATCH_SIZE=32 but the engine"),
    ({"TRT_MAX_INPUT_LEN": "4096"}, "exceeds the max_input_len 1024"),
    ({"KV_DTYPE": "fp8"}, "KV_DTYPE=fp8 but the engine"),
])
def test_engine_limits_are_checked(tmp_path: Path, env: dict[str, str], fragment: str) -> None:
    folder = engine_dir(tmp_path, {"max_batch_size": 16, "max_input_len": 1024, "max_seq_len": 1200})
    with pytest.raises(ValueError, match="invalid TensorRT-LLM settings") as caught:
        trt_config_from_env({"TRT_ENGINE_DIR": str(folder), **env}, "org/model")
    assert fragment in str(caught.value)


def test_pytorch_batch_size_is_checked_against_its_maximum() -> None:
    with pytest.raises(ValueError, match="TRT_BATCH_SIZE=8 exceeds TRT_MAX_BATCH_SIZE=4"):
        trt_config_from_env({"TRT_BATCH_SIZE": "8", "TRT_MAX_BATCH_SIZE": "4"}, "org/model")


def test_a_tensorrt_llm_checkpoint_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ckpt"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"architecture": "LlamaForCausalLM"}))
    with pytest.raises(ValueError, match="is a TensorRT-LLM checkpoint: build an engine"):
        trt_config_from_env({"TRT_CHECKPOINT_DIR": str(folder)}, "org/model")


async def test_the_runtime_batch_size_is_applied_to_the_engine(
    tmp_path: Path, trt: fake.Registry, model_dir: Path
) -> None:
    folder = engine_dir(tmp_path, {"max_input_len": 1024, "max_seq_len": 1200, "max_num_tokens": 4096},
                        kv_algo="FP8", metadata={"limits": {"max_batch_size": 16}})
    env = {"TRT_ENGINE_DIR": str(folder), "TRT_BATCH_SIZE": "4", "KV_DTYPE": "fp8"}
    engine = await started(trt_config_from_env(env, str(model_dir)))
    llm = trt.llm
    assert isinstance(llm, fake.TrtLLM), "a prebuilt engine runs on the TensorRT backend's LLM"
    assert (llm.model, llm.tokenizer) == (str(folder), str(model_dir))
    assert (llm.kwargs["max_batch_size"], llm.kwargs["max_num_tokens"]) == (4, 4096)
    assert (llm.kwargs["max_input_len"], llm.kwargs["max_seq_len"]) == (1024, 1174)
    assert llm.kwargs["kv_cache_config"] == fake.KvCacheConfig(enable_block_reuse=True, free_gpu_memory_fraction=0.9)
    assert "sampler_type" not in llm.kwargs
    assert (engine.limits.batch_size, engine.limits.max_batch_size) == (4, 16)
    await engine.aclose()


async def test_pytorch_backend_arguments(trt: fake.Registry, model_dir: Path) -> None:
    env = {"CHAT_GPU_FRAC": "0.6", "KV_DTYPE": "fp8", "TRT_MAX_BATCH_SIZE": "32"}
    engine = await started(trt_config_from_env(env, str(model_dir)))
    llm = trt.llm
    assert type(llm) is fake.LLM and llm.model == str(model_dir)
    assert llm.kwargs["kv_cache_config"] == fake.KvCacheConfig(
        enable_block_reuse=True, free_gpu_memory_fraction=0.6, dtype="fp8")
    assert llm.kwargs["sampler_type"] == "TRTLLMSampler", "penalties and min_p need the C++ sampler"
    assert (llm.kwargs["max_batch_size"], llm.kwargs["dtype"]) == (32, "float16")
    assert (llm.kwargs["max_input_len"], llm.kwargs["max_seq_len"]) == (5025, 5175)
    assert "max_num_tokens" not in llm.kwargs
    await engine.aclose()


async def test_a_sampling_params_without_a_needed_field_fails_the_start(
    monkeypatch: pytest.MonkeyPatch, model_dir: Path
) -> None:
    fields = [(f.name, f.type, f) for f in dataclasses.fields(fake.SamplingParams) if f.name != "min_p"]
    no_min_p = dataclasses.make_dataclass("SamplingParams", fields, kw_only=True)
    fake.install(lambda name, module: monkeypatch.setitem(sys.modules, name, module), sampling_cls=no_min_p)
    engine = TRTEngine(TRTEngineConfig(model=str(model_dir)), tokenizer_loader=load_words)
    with pytest.raises(EngineError, match="SamplingParams has no min_p"):
        await engine.start()


async def test_a_failed_llm_start_is_an_engine_error(trt: fake.Registry, model_dir: Path) -> None:
    trt.fail_with = RuntimeError("CUDA out of memory")
    engine = TRTEngine(TRTEngineConfig(model=str(model_dir)), tokenizer_loader=load_words)
    with pytest.raises(EngineError, match=r"cannot start TensorRT-LLM .*RuntimeError: CUDA out of memory"):
        await engine.start()
    with pytest.raises(EngineError, match="failed"):
        await engine.start()
    with pytest.raises(EngineError, match="not ready"):
        await collect(engine, request())


async def test_tensorrt_llm_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> None:
    monkeypatch.setitem(sys.modules, "tensorrt_llm", None)  # `import tensorrt_llm` raises ImportError
    engine = TRTEngine(TRTEngineConfig(model=str(model_dir)), tokenizer_loader=load_words)
    with pytest.raises(EngineError, match=r"needs TensorRT-LLM 1\.x on an NVIDIA GPU host"):
        await engine.start()


def test_the_factory_builds_the_trt_engine(trt: fake.Registry, model_dir: Path) -> None:
    settings = Settings(chat=ChatSettings(engine="trt", model=str(model_dir)))
    engine = build_chat_engine(settings)
    assert isinstance(engine, TRTEngine) and engine.config.model == str(model_dir)


def test_the_factory_says_why_trt_is_unavailable(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> None:
    monkeypatch.delitem(sys.modules, "tensorrt_llm", raising=False)
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *args: None)
    settings = Settings(chat=ChatSettings(engine="trt", model=str(model_dir)))
    with pytest.raises(EngineUnavailableError, match="needs TensorRT-LLM"):
        build_chat_engine(settings)


def test_sampling_mapping() -> None:
    greedy = sampling_kwargs(SamplingParams(temperature=0, top_p=0.9, top_k=40, min_p=0.1, seed=5), {5, 2})
    assert (greedy["top_k"], greedy["temperature"], greedy["top_p"], greedy["min_p"]) == (1, None, None, None)
    assert (greedy["seed"], greedy["stop_token_ids"], greedy["stop"]) == (5, [2, 5], None)
    sampled = sampling_kwargs(SamplingParams(temperature=0.7, top_p=0.9, stop=("\n\n",)), ())
    assert (sampled["temperature"], sampled["top_p"], sampled["top_k"]) == (0.7, 0.9, None)
    assert sampled["stop"] == ["\n\n"] and sampled["stop_token_ids"] is None
    assert 0 <= sampled["seed"] < 2**63


@pytest.mark.parametrize(("text", "kept"), [
    ("Hella", 0), ("Hello", 1), ("Hello o", 1), ("Hello o ", 2), ("Hello o w", 0), ("caf\ufffd", 1), ("ab\ufffd\ufffd", 2),
])
def test_holdback_keeps_what_could_start_a_stop_string(text: str, kept: int) -> None:
    assert holdback(text, ("o w", "zz")) == kept


#: 3.11-only names a trt module (or a shared module it imports) must not use.
PY311_ONLY = {("asyncio", "timeout"), ("asyncio", "timeout_at"), ("asyncio", "TaskGroup"),
              ("enum", "StrEnum"), ("typing", "Self"), ("datetime", "UTC")}


@pytest.mark.parametrize("module", [
    "trt.py", "trt_config.py", "trt_layout.py", "trt_params.py", "trt_request.py", "trt_start.py",
    "base.py", "hf_tokenizer.py", "__init__.py",
])
def test_trt_modules_are_python_310_compatible(module: str) -> None:
    """TensorRT-LLM's images run Python 3.10: the trt engine's import chain
    parses as 3.10 and uses no 3.11-only standard library name."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"), feature_version=(3, 10))
    used = {(node.value.id, node.attr) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)}
    imported = {(node.module, alias.name) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not (used | imported) & PY311_ONLY
    assert not names & {"ExceptionGroup", "BaseExceptionGroup"}
    assert not any(isinstance(node, ast.TryStar) for node in ast.walk(tree))
