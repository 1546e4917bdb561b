"""The shell side: vllm_prepare_chat (scripts/lib/vllm_quant.sh) and push_artifacts (scripts/lib/push.sh)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from quant_helpers import ROOT, write_config

PRELUDE = "source scripts/lib/setup.sh; source scripts/lib/vllm_quant.sh; source scripts/lib/push.sh; "


def bash(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("TRT_", "CHAT_", "AWQ_", "HF_")) and k != "FORCE_REBUILD"}
    environ.update(HF_HUB_OFFLINE="1", **env)
    return subprocess.run(["bash", "-c", PRELUDE + script], capture_output=True, text=True, cwd=ROOT,
                          env=environ, timeout=120, check=False)


def _export(cache: Path, model: str = "org/Plain-8B") -> Path:
    """A finished export as vllm_quantize.py leaves it (what a reuse finds)."""
    from vllmprep.metadata import make_metadata, write_export_files
    from vllmprep.settings import Calibration

    folder = write_config(cache / "org--Plain-8B-w4a16", "compressed-tensors")
    write_export_files(folder, make_metadata(model, Calibration("open_platypus", 64, 2048)))
    return folder


def test_only_4bit_prepares_and_it_needs_a_chat_model() -> None:
    done = bash('vllm_prepare_chat none; vllm_prepare_chat 8bit; echo "ok:${CHAT_MODEL:-unset}"')
    assert done.returncode == 0 and done.stdout.strip() == "ok:unset"
    done = bash("vllm_prepare_chat 4bit")
    assert done.returncode == 1 and "--vllm 4bit needs a chat model" in done.stderr


def test_a_prequantized_model_is_kept_and_a_forced_awq_is_dropped(tmp_path: Path) -> None:
    folder = write_config(tmp_path / "model-w4a16", "compressed-tensors")
    done = bash('vllm_prepare_chat 4bit; echo "$CHAT_MODEL|${CHAT_QUANTIZATION:-unset}"',
                CHAT_MODEL=str(folder), CHAT_QUANTIZATION="4bit", AWQ_CACHE_DIR=str(tmp_path / ".awq"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == f"{folder}|unset"
    assert "already quantized" in done.stderr and not (tmp_path / ".awq").exists()


def test_a_matching_export_is_reused_and_exported(tmp_path: Path) -> None:
    folder = _export(tmp_path / ".awq")
    done = bash('vllm_prepare_chat 4bit; echo "$CHAT_MODEL"', CHAT_MODEL="org/Plain-8B",
                AWQ_CACHE_DIR=str(tmp_path / ".awq"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(folder)
    assert "reuse" in done.stderr


def test_a_dry_run_prints_the_plan_and_leaves_chat_model(tmp_path: Path) -> None:
    done = bash('vllm_prepare_chat 4bit --dry-run; echo "after:$CHAT_MODEL"', CHAT_MODEL="org/Plain-8B",
                AWQ_CACHE_DIR=str(tmp_path / ".awq"), CADENCE_AWQ_VENV=str(tmp_path / "venv-awq"))
    assert done.returncode == 0, done.stderr
    assert "(dry run: nothing is changed)" in done.stdout and "after:org/Plain-8B" in done.stdout
    assert not (tmp_path / ".awq").exists() and not (tmp_path / "venv-awq").exists()


def test_a_missing_quantization_environment_is_installed_then_retried(tmp_path: Path) -> None:
    script = ('vllm_awq_setup() { echo "setup-called" >&2; }; vllm_prepare_chat 4bit')
    done = bash(script, CHAT_MODEL="org/Plain-8B", AWQ_CACHE_DIR=str(tmp_path / ".awq"),
                CADENCE_AWQ_VENV=str(tmp_path / "venv-awq"))
    assert done.returncode == 1
    assert done.stderr.count("setup-called") == 1 and done.stderr.count("vllm_quantize: error: llm-compressor is not installed") == 2
    assert "preparing org/Plain-8B for vLLM 4-bit failed" in done.stderr


def test_a_named_awq_python_without_llm_compressor_is_not_replaced(tmp_path: Path) -> None:
    script = 'vllm_awq_setup() { echo "setup-called" >&2; }; vllm_prepare_chat awq'
    done = bash(script, CHAT_MODEL="org/Plain-8B", AWQ_CACHE_DIR=str(tmp_path / ".awq"), AWQ_PYTHON="/opt/none/python")
    assert done.returncode == 1 and "setup-called" not in done.stderr
    assert "AWQ_PYTHON=/opt/none/python has no llm-compressor" in done.stderr


def test_the_result_line_is_the_last_chat_model_line() -> None:
    done = bash('vllm_quant_result "$(printf "plan\\nCHAT_MODEL=/a b/c\\nOTHER=1\\n")"')
    assert done.stdout == "/a b/c"


def test_push_artifacts_finds_the_export_and_checks_its_mode(tmp_path: Path) -> None:
    folder = _export(tmp_path / ".awq")
    env = {"HF_TOKEN": "hf_secret", "HF_PUSH_REPO_ID": "me/model-awq", "CHAT_MODEL": str(folder)}
    done = bash("push_artifacts --push-quant --dry-run", **env)
    assert done.returncode == 0, done.stderr
    assert f"folder_path={str(folder)!r}" in done.stdout and "hf_secret" not in done.stdout + done.stderr
    assert "create_repo('me/model-awq', private=True, exist_ok=True)" in done.stdout
    bad = bash("push_artifacts --push-everything", **env)
    assert bad.returncode == 1 and "expected --push-quant or --push-engine" in bad.stderr
    nothing = bash("push_artifacts --push-engine", **env)
    assert nothing.returncode == 1 and "no TensorRT engine was built" in nothing.stderr


def test_push_check_fails_early_listing_every_missing_variable() -> None:
    done = bash("push_check --push-quant", HF_PUSH_PRIVATE="2")
    assert done.returncode == 1
    for name in ("HF_TOKEN is not set", "HF_PUSH_REPO_ID is not set", "HF_PUSH_PRIVATE='2'"):
        assert name in done.stderr
    ok = bash("push_check --push-engine", HF_TOKEN="t", HF_PUSH_REPO_ID="me/m", HF_PUSH_PRIVATE="0")
    assert ok.returncode == 0 and "(public): variables OK" in ok.stderr


def test_push_picks_the_trt_checkpoint_when_there_is_no_awq_export(tmp_path: Path) -> None:
    ckpt = tmp_path / "checkpoint"
    ckpt.mkdir()
    (ckpt / "build_metadata.json").write_text(json.dumps({"stage": "checkpoint"}))
    done = bash("push_artifacts --push-quant --dry-run", HF_TOKEN="t", HF_PUSH_REPO_ID="me/m",
                CHAT_MODEL="org/Plain-8B", TRT_CHECKPOINT_DIR=str(ckpt))
    assert done.returncode == 0, done.stderr
    assert "TensorRT-LLM checkpoint" in done.stdout and str(ckpt) in done.stdout
