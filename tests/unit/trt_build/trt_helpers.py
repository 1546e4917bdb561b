"""Helpers of the trt_build tests: ``scripts/`` on ``sys.path`` (for ``trtprep``), running ``scripts/trt_prepare.py``.

The runs are dry runs on a fake GPU (``CADENCE_GPU_SM``) with the versions
given by ``CADENCE_TRTLLM_VERSION``/``CADENCE_MODELOPT_VERSION``, in a
temporary folder: nothing here has TensorRT-LLM or a GPU.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

# Variables the script reads: cleared so the caller's environment cannot leak in.
CLEARED = ("QUANTIZATION", "KV_DTYPE", "FORCE_REBUILD", "MODELS_DIR", "CHAT_MAX_LEN", "CHAT_MAX_OUT",
           "CHAT_QUANTIZATION", "CADENCE_GPU_SM", "CADENCE_TRTLLM_VERSION", "CADENCE_MODELOPT_VERSION")


@dataclass
class Result:
    """What one run printed and returned."""

    code: int
    out: str
    err: str

    @property
    def serve_line(self) -> str:
        """The last stdout line when it names the result, else ``""``."""
        lines = self.out.strip().splitlines()
        last = lines[-1] if lines else ""
        return last if last.startswith(("TRT_CHECKPOINT_DIR=", "TRT_ENGINE_DIR=")) else ""


Prepare = Callable[..., Result]


def make_prepare(tmp_path: Path) -> Prepare:
    """Run ``trt_prepare.py`` in ``tmp_path``: ``prepare("auto", "org/model", "--quant", "4bit", sm="sm90", X=...)``."""

    def run(*args: str, sm: str = "sm90", dry_run: bool = True, **env: str) -> Result:
        environ = {k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith("TRT_")}
        environ.update(CADENCE_GPU_SM=sm, CADENCE_TRTLLM_VERSION="1.2.0", CADENCE_MODELOPT_VERSION="0.37.0",
                       MODELS_DIR=str(tmp_path / "models"))
        environ.update(env)
        argv = [sys.executable, str(SCRIPTS / "trt_prepare.py"), *args] + (["--dry-run"] if dry_run else [])
        done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=environ, timeout=60,
                              check=False)
        return Result(done.returncode, done.stdout, done.stderr)

    return run


def files_under(folder: Path) -> set[str]:
    """Every path under ``folder``, relative (to show a dry run changed nothing)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


__all__ = ["ROOT", "SCRIPTS", "Prepare", "Result", "files_under", "make_prepare"]
