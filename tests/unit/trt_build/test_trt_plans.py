"""``scripts/trt_prepare.py --dry-run``: the plans of the main combinations, on fake GPUs.

Each run is a subprocess in a temporary folder with ``CADENCE_GPU_SM`` set;
the plan is read back from stdout (``$ command`` lines) and nothing may be
created by a dry run.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from trt_helpers import Prepare, Result, files_under
from trtprep.layout import Target
from trtprep.metadata import make_metadata, write_metadata
from trtprep.settings import Calibration

MODEL = "Qwen/Qwen3-8B"
CAL = Calibration(awq_block_size=128, calib_size=64, calib_seqlen=5175, calib_batch_size=16, dataset=None)


def commands(result: Result) -> list[list[str]]:
    """The commands of the plan, as argv lists."""
    return [shlex.split(line.strip()[2:]) for line in result.out.splitlines() if line.strip().startswith("$ ")]


def command(result: Result, name: str) -> list[str]:
    """The one command whose argv mentions ``name`` (a program or script)."""
    found = [argv for argv in commands(result) if any(part.endswith(name) for part in argv[:2])]
    assert len(found) == 1, result.out
    return found[0]


def flag(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def root(tmp_path: Path, label: str) -> Path:
    return tmp_path / "models" / "trt" / label


def test_4bit_on_an_h100_is_an_int4_awq_modelopt_checkpoint(prepare: Prepare, tmp_path: Path) -> None:
    before = files_under(tmp_path)
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90")
    assert result.code == 0, result.err
    assert files_under(tmp_path) == before, "a dry run created files"
    assert "dry run: nothing is changed" in result.out
    assert "int4_awq: INT4 weights (AWQ, W4A16) [4bit on sm90]" in result.out
    clone, sparse, ptq = commands(result)
    assert clone[:3] == ["git", "clone", "--depth"]
    assert flag(clone, "--branch") == "0.37.0" and "https://github.com/NVIDIA/Model-Optimizer.git" in clone
    assert sparse[-3:] == ["sparse-checkout", "set", "examples/llm_ptq"]
    assert ptq[1] == ".modelopt-repo/0.37.0/examples/llm_ptq/hf_ptq.py"
    out = root(tmp_path, "Qwen--Qwen3-8B-int4_awq-sm90-trtllm1.2.0") / "checkpoint"
    expected = {"--pyt_ckpt_path": MODEL, "--qformat": "int4_awq", "--export_path": f"{out}.partial",
                "--calib_size": "64", "--batch_size": "16", "--awq_block_size": "128", "--kv_cache_qformat": "none"}
    assert {key: flag(ptq, key) for key in expected} == expected
    assert "--calib_seq" not in ptq and "TRT_CALIB_SEQLEN=5175 is not applied" in result.out
    assert f"rename {out}.partial -> {out}" in result.out
    assert result.serve_line == f"TRT_CHECKPOINT_DIR={out}"


def test_8bit_on_an_h100_is_an_fp8_checkpoint(prepare: Prepare, tmp_path: Path) -> None:
    result = prepare("auto", MODEL, "--quant", "8bit", sm="sm90", KV_DTYPE="fp8")
    assert result.code == 0, result.err
    ptq = command(result, "hf_ptq.py")
    assert flag(ptq, "--qformat") == "fp8" and flag(ptq, "--kv_cache_qformat") == "fp8"
    assert "--awq_block_size" not in ptq
    out = root(tmp_path, "Qwen--Qwen3-8B-fp8-kvfp8-sm90-trtllm1.2.0") / "checkpoint"
    assert result.serve_line == f"TRT_CHECKPOINT_DIR={out}"
    assert "trtllm-build" not in result.out


def test_8bit_on_an_l40s_is_fp8(prepare: Prepare) -> None:
    result = prepare("auto", MODEL, "--quant", "8bit", sm="sm89")
    assert flag(command(result, "hf_ptq.py"), "--qformat") == "fp8"
    assert "GPU:          sm89 (L4, L40, L40S" in result.out


def test_8bit_on_an_a100_is_int8_smoothquant_in_an_engine(prepare: Prepare, tmp_path: Path) -> None:
    result = prepare("auto", MODEL, "--quant", "8bit", sm="sm80", TRT_MAX_BATCH_SIZE="32")
    assert result.code == 0, result.err
    base = root(tmp_path, "Qwen--Qwen3-8B-int8_sq-sm80-trtllm1.2.0")
    quantize = command(result, "quantize.py")
    assert quantize[1] == ".trtllm-repo/v1.2.0/examples/quantization/quantize.py"
    expected = {"--model_dir": MODEL, "--qformat": "int8_sq", "--dtype": "float16",
                "--output_dir": f"{base}/trtllm-checkpoint.partial", "--calib_size": "64", "--batch_size": "16",
                "--calib_max_seq_length": "5175"}
    assert {key: flag(quantize, key) for key in expected} == expected
    build = command(result, "trtllm-build")
    expected = {"--checkpoint_dir": f"{base}/trtllm-checkpoint", "--output_dir": f"{base}/engine.partial",
                "--max_batch_size": "32", "--max_input_len": "5025", "--max_seq_len": "5175",
                "--gemm_plugin": "auto", "--use_paged_context_fmha": "enable"}
    assert {key: flag(build, key) for key in expected} == expected
    assert flag(commands(result)[0], "--branch") == "v1.2.0"
    assert result.serve_line == f"TRT_ENGINE_DIR={base}/engine"


def test_an_engine_without_trt_max_batch_size_is_refused(prepare: Prepare) -> None:
    for args, sm in ((("auto", MODEL, "--quant", "8bit"), "sm80"), (("build", MODEL, "--quant", "4bit"), "sm90")):
        result = prepare(*args, sm=sm)
        assert result.code == 2
        assert "TRT_MAX_BATCH_SIZE is required to build a TensorRT engine" in result.err
        assert ("int8_sq (8bit on sm80) is served from a TensorRT engine only" in result.err) == (sm == "sm80")
        assert result.out == ""


def test_build_makes_an_engine_from_an_int4_awq_checkpoint(prepare: Prepare, tmp_path: Path) -> None:
    result = prepare("build", MODEL, "--quant", "4bit", sm="sm90", TRT_MAX_BATCH_SIZE="16",
                     TRT_MAX_INPUT_LEN="2048", TRT_MAX_OUTPUT_LEN="256", TRT_DTYPE="bfloat16")
    assert result.code == 0, result.err
    quantize = command(result, "quantize.py")
    assert flag(quantize, "--qformat") == "int4_awq" and flag(quantize, "--awq_block_size") == "128"
    assert flag(quantize, "--dtype") == "bfloat16"
    assert "quantize.py calibrates AWQ on at most 32 samples" in result.out
    build = command(result, "trtllm-build")
    assert (flag(build, "--max_batch_size"), flag(build, "--max_input_len"), flag(build, "--max_seq_len")) == (
        "16", "2048", "2304")
    assert result.serve_line.endswith("Qwen--Qwen3-8B-int4_awq-sm90-trtllm1.2.0/engine")


def test_trt_build_engine_switches_auto_to_an_engine(prepare: Prepare) -> None:
    result = prepare("auto", MODEL, "--quant", "8bit", sm="sm90", TRT_BUILD_ENGINE="true", TRT_MAX_BATCH_SIZE="8")
    assert result.code == 0, result.err
    assert flag(command(result, "quantize.py"), "--qformat") == "fp8"
    assert result.serve_line.startswith("TRT_ENGINE_DIR=")


def test_quantize_refuses_what_only_an_engine_serves(prepare: Prepare) -> None:
    result = prepare("quantize", MODEL, "--quant", "8bit", sm="sm80")
    assert result.code == 2
    assert "int8_sq is served from a TensorRT engine only" in result.err and "build subcommand" in result.err


def test_the_quantization_override_and_calibration_settings_reach_the_command(prepare: Prepare) -> None:
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90", QUANTIZATION="w4a8_awq",
                     TRT_AWQ_BLOCK_SIZE="64", TRT_CALIB_SIZE="256", TRT_CALIB_BATCH_SIZE="4",
                     TRT_CALIB_SEQLEN="1024", TRT_CALIB_DATASET="cnn_dailymail",
                     CADENCE_MODELOPT_VERSION="0.39.0")
    assert result.code == 0, result.err
    assert "[QUANTIZATION=w4a8_awq]" in result.out
    ptq = command(result, "hf_ptq.py")
    values = {key: flag(ptq, key) for key in ("--qformat", "--awq_block_size", "--calib_size", "--batch_size",
                                              "--calib_seq", "--dataset")}
    assert values == {"--qformat": "w4a8_awq", "--awq_block_size": "64", "--calib_size": "256",
                      "--batch_size": "4", "--calib_seq": "1024", "--dataset": "cnn_dailymail"}
    assert ptq[1] == ".modelopt-repo/0.39.0/examples/llm_ptq/hf_ptq.py"


def test_no_quantization_prepares_nothing(prepare: Prepare) -> None:
    result = prepare("auto", MODEL, "--quant", "none", sm="sm90")
    assert result.code == 0, result.err
    assert commands(result) == [] and result.serve_line == ""
    assert f"the PyTorch backend serves {MODEL} as it is" in result.out


@pytest.mark.parametrize(("env", "message"), [
    ({"QUANTIZATION": "int3"}, "QUANTIZATION='int3' is not a known format"),
    ({"TRT_AWQ_BLOCK_SIZE": "96", "TRT_DTYPE": "fp32"}, "TRT_AWQ_BLOCK_SIZE=96"),
    ({"TRT_AWQ_BLOCK_SIZE": "96", "TRT_DTYPE": "fp32"}, "TRT_DTYPE='fp32'"),
    ({"CADENCE_GPU_SM": "volta"}, "not a compute capability"),
    ({"KV_DTYPE": "int8"}, "KV_DTYPE='int8': expected one of auto, fp8"),
])
def test_bad_settings_stop_before_planning(prepare: Prepare, env: dict[str, str], message: str) -> None:
    result = prepare("auto", MODEL, "--quant", "4bit", **env)
    assert result.code == 2 and message in result.err and result.out == ""


def _reusable(tmp_path: Path, calib_size: int = 64) -> Path:
    target = Target(MODEL, "int4_awq", "auto", "sm90", "1.2.0", "0.37.0")
    folder = root(tmp_path, "Qwen--Qwen3-8B-int4_awq-sm90-trtllm1.2.0") / "checkpoint"
    folder.mkdir(parents=True)
    cal = Calibration(128, calib_size, 5175, 16, None)
    write_metadata(folder, make_metadata("checkpoint", target, dtype=None, calibration=cal, limits=None))
    return folder


def test_a_matching_output_is_reused(prepare: Prepare, tmp_path: Path) -> None:
    folder = _reusable(tmp_path)
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90")
    assert result.code == 0, result.err
    assert f"reuse {folder} (build_metadata.json matches)" in result.out
    assert commands(result) == [] and result.serve_line == f"TRT_CHECKPOINT_DIR={folder}"


def test_force_rebuild_removes_and_rebuilds(prepare: Prepare, tmp_path: Path) -> None:
    folder = _reusable(tmp_path)
    before = files_under(tmp_path)
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90", FORCE_REBUILD="true")
    assert result.code == 0, result.err
    assert f"remove {folder} (FORCE_REBUILD=true)" in result.out
    assert flag(command(result, "hf_ptq.py"), "--qformat") == "int4_awq"
    assert files_under(tmp_path) == before


def test_a_mismatching_output_is_an_error_naming_the_field(prepare: Prepare, tmp_path: Path) -> None:
    _reusable(tmp_path, calib_size=512)
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90")
    assert result.code == 2
    assert "calibration.calib_size: built with 512, asked for 64" in result.err
    assert "FORCE_REBUILD=true" in result.err


def test_an_output_without_metadata_is_an_error(prepare: Prepare, tmp_path: Path) -> None:
    (root(tmp_path, "Qwen--Qwen3-8B-fp8-sm90-trtllm1.2.0") / "checkpoint").mkdir(parents=True)
    result = prepare("auto", MODEL, "--quant", "8bit", sm="sm90")
    assert result.code == 2 and "no build_metadata.json in it" in result.err


def test_a_real_run_needs_tensorrt_llm_installed(prepare: Prepare, tmp_path: Path) -> None:
    result = prepare("auto", MODEL, "--quant", "4bit", sm="sm90", dry_run=False)
    assert result.code == 2
    assert "TensorRT-LLM is not installed in this Python" in result.err
    assert not (tmp_path / "models").exists()
