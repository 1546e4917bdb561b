"""The command lines the plan runs, written from the tools' documented flags.

- ModelOpt ``examples/llm_ptq/hf_ptq.py`` (TensorRT-LLM 1.x's documented way
  to make a quantized checkpoint for the PyTorch backend): ``--pyt_ckpt_path
  --qformat --export_path --calib_size --batch_size --awq_block_size
  --kv_cache_qformat --dataset``, and ``--calib_seq`` from ModelOpt 0.39 on
  (0.37.0's script has none and calibrates on 512-token samples).
- TensorRT-LLM ``examples/quantization/quantize.py`` (a TensorRT-LLM
  checkpoint for ``trtllm-build``): ``--model_dir --qformat --dtype
  --output_dir --calib_size --batch_size --calib_max_seq_length
  --awq_block_size --kv_cache_dtype --calib_dataset``.
- ``trtllm-build --checkpoint_dir --output_dir --max_batch_size
  --max_input_len --max_seq_len --gemm_plugin auto --use_paged_context_fmha
  enable`` (paged context FMHA is what KV-cache block reuse needs).

The example scripts come from a sparse clone of the repository at the tag of
the installed version, unless a checkout is already there (NVIDIA's release
image ships TensorRT-LLM's examples under ``/app/tensorrt_llm``).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trtprep.settings import Calibration, Limits
from trtprep.versions import Versions, at_least

MODELOPT_GIT = "https://github.com/NVIDIA/Model-Optimizer.git"
TRTLLM_GIT = "https://github.com/NVIDIA/TensorRT-LLM.git"
CONTAINER_TRTLLM = Path("/app/tensorrt_llm")
HF_PTQ = Path("examples/llm_ptq/hf_ptq.py")
QUANTIZE_PY = Path("examples/quantization/quantize.py")
AWQ_CALIB_CAP = 32  # tensorrt_llm/quantization/quantize_by_modelopt.py lowers AWQ calib_size to 32


class ToolError(Exception):
    """A checkout that should hold an example script does not."""


@dataclass(frozen=True)
class Tool:
    """An example script and, when it is not here yet, the (title, command) pairs that fetch it."""

    script: Path
    fetch: tuple[tuple[str, tuple[str, ...]], ...]
    origin: str


def sparse_clone(url: str, ref: str, dest: Path, folder: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A shallow, blob-less clone of ``ref`` into ``dest``, then a checkout of ``folder`` only."""
    return (
        (f"clone {url} at {ref} into {dest} (shallow, sparse)",
         ("git", "clone", "--depth", "1", "--filter=blob:none", "--sparse", "--branch", ref, url, str(dest))),
        (f"check out {folder} only", ("git", "-C", str(dest), "sparse-checkout", "set", str(folder))),
    )


def _tool(repo: Path, script: Path, url: str, ref: str, origin: str) -> Tool:
    path = repo / script
    if path.is_file():
        return Tool(path, (), f"{origin} (found in {repo})")
    if repo.exists():
        raise ToolError(f"{repo} exists but has no {script}: point the variable elsewhere or delete it")
    return Tool(path, sparse_clone(url, ref, repo, script.parent), origin)


def modelopt_tool(repo: Path | None, versions: Versions) -> Tool:
    """ModelOpt's ``hf_ptq.py`` from ``TRT_MODELOPT_REPO_DIR`` or ``.modelopt-repo/<version>``.

    Raises:
        ToolError: the folder exists without the script.
    """
    where = repo or Path(".modelopt-repo") / versions.modelopt
    return _tool(where, HF_PTQ, MODELOPT_GIT, versions.modelopt, f"ModelOpt {versions.modelopt} hf_ptq.py")


def trtllm_tool(repo: Path | None, versions: Versions, container: Path = CONTAINER_TRTLLM) -> Tool:
    """TensorRT-LLM's ``quantize.py`` from ``TRT_REPO_DIR``, the release image, or ``.trtllm-repo/v<version>``.

    Raises:
        ToolError: the folder exists without the script.
    """
    tag = f"v{versions.tensorrt_llm}"
    origin = f"TensorRT-LLM {versions.tensorrt_llm} quantize.py"
    if repo is None and (container / QUANTIZE_PY).is_file():
        return Tool(container / QUANTIZE_PY, (), f"{origin} (found in {container})")
    return _tool(repo or Path(".trtllm-repo") / tag, QUANTIZE_PY, TRTLLM_GIT, tag, origin)


def calibrates(qformat: str, kv_dtype: str) -> bool:
    """Whether the quantize step needs calibration data at all."""
    return qformat != "full_prec" or kv_dtype != "auto"


def hf_ptq_argv(
    python: str, script: Path, model: str, qformat: str, out: Path, cal: Calibration, kv_dtype: str,
    modelopt: str,
) -> tuple[list[str], list[str]]:
    """``hf_ptq.py`` for a unified HF checkpoint; also the notes on settings it cannot take."""
    argv = [python, str(script), "--pyt_ckpt_path", model, "--qformat", qformat, "--export_path", str(out),
            "--calib_size", str(cal.calib_size), "--batch_size", str(cal.calib_batch_size),
            "--kv_cache_qformat", "fp8" if kv_dtype == "fp8" else "none"]
    notes: list[str] = []
    if "awq" in qformat:
        argv += ["--awq_block_size", str(cal.awq_block_size)]
    if at_least(modelopt, 0, 39):
        argv += ["--calib_seq", str(cal.calib_seqlen)]
    else:
        notes.append(f"TRT_CALIB_SEQLEN={cal.calib_seqlen} is not applied: ModelOpt {modelopt}'s hf_ptq.py "
                     "has no --calib_seq (it calibrates on samples of up to 512 tokens)")
    if cal.dataset:
        argv += ["--dataset", cal.dataset]
    return argv, notes


def quantize_py_argv(
    python: str, script: Path, model: str, qformat: str, out: Path, cal: Calibration, kv_dtype: str, dtype: str,
) -> tuple[list[str], list[str]]:
    """``quantize.py`` for a TensorRT-LLM checkpoint; also notes."""
    argv = [python, str(script), "--model_dir", model, "--qformat", qformat, "--dtype", dtype,
            "--output_dir", str(out)]
    notes: list[str] = []
    if calibrates(qformat, kv_dtype):
        argv += ["--calib_size", str(cal.calib_size), "--batch_size", str(cal.calib_batch_size),
                 "--calib_max_seq_length", str(cal.calib_seqlen)]
        if "awq" in qformat:
            argv += ["--awq_block_size", str(cal.awq_block_size)]
            if cal.calib_size > AWQ_CALIB_CAP:
                notes.append(f"quantize.py calibrates AWQ on at most {AWQ_CALIB_CAP} samples "
                             f"(TRT_CALIB_SIZE={cal.calib_size} is lowered)")
        if cal.dataset:
            argv += ["--calib_dataset", cal.dataset]
    if kv_dtype != "auto":
        argv += ["--kv_cache_dtype", kv_dtype]
    return argv, notes


def trtllm_build_argv(checkpoint: Path, out: Path, limits: Limits) -> list[str]:
    """``trtllm-build`` with the engine limits; ``limits.max_batch_size`` must be set."""
    if limits.max_batch_size is None:
        raise ValueError("max_batch_size is required to build an engine")
    return ["trtllm-build", "--checkpoint_dir", str(checkpoint), "--output_dir", str(out),
            "--max_batch_size", str(limits.max_batch_size), "--max_input_len", str(limits.max_input_len),
            "--max_seq_len", str(limits.max_seq_len), "--gemm_plugin", "auto",
            "--use_paged_context_fmha", "enable"]


def describe(argv: Sequence[str]) -> str:
    """The command as a shell would read it."""
    return shlex.join(argv)


__all__ = ["AWQ_CALIB_CAP", "CONTAINER_TRTLLM", "HF_PTQ", "MODELOPT_GIT", "QUANTIZE_PY", "TRTLLM_GIT", "Tool",
           "ToolError", "calibrates", "describe", "hf_ptq_argv", "modelopt_tool", "quantize_py_argv",
           "sparse_clone", "trtllm_build_argv", "trtllm_tool"]
