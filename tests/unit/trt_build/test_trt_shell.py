"""The shell side of the trt path (scripts/lib/trt.sh): reading trt_prepare.py's result, the guards."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from trt_helpers import ROOT

PRELUDE = "source scripts/lib/setup.sh; source scripts/lib/trt.sh; "


def bash(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TRT_", "CHAT_"))}
    environ.update(env)
    return subprocess.run(["bash", "-c", PRELUDE + script], capture_output=True, text=True, cwd=ROOT,
                          env=environ, timeout=60, check=False)


def test_the_result_line_is_exported_and_other_lines_ignored() -> None:
    done = bash('trt_export_result "$(printf "plan\\nTRT_ENGINE_DIR=/models/a b/engine\\nOTHER=1\\n")"; '
                'printf "%s|%s" "$TRT_ENGINE_DIR" "${OTHER:-unset}"')
    assert done.returncode == 0, done.stderr
    assert done.stdout == "/models/a b/engine|unset"


def test_a_named_engine_or_checkpoint_is_served_as_it_is() -> None:
    done = bash('trt_prepare_chat 4bit; echo "ok"', TRT_CHECKPOINT_DIR="/ckpt", CHAT_MODEL="org/model")
    assert done.returncode == 0 and done.stdout.strip() == "ok"
    assert "serving /ckpt as it is" in done.stderr


def test_quantizing_needs_a_chat_model() -> None:
    done = bash("trt_prepare_chat 8bit")
    assert done.returncode == 1
    assert "--trt 8bit needs a chat model" in done.stderr
    assert bash('trt_prepare_chat none; echo "ok"').stdout.strip() == "ok"


@pytest.mark.skipif(shutil.which("nvidia-smi") is not None, reason="this host has nvidia-smi")
def test_the_setup_refuses_a_host_without_a_gpu() -> None:
    done = bash("trt_setup")
    assert done.returncode == 1
    assert "needs an NVIDIA GPU host" in done.stderr
