"""Helpers of the deploy_quant tests: ``scripts/`` on ``sys.path`` (for ``vllmprep``, ``hfpush``), fakes.

Nothing here has llm-compressor, a GPU or the network: the hub config
lookup, the llm-compressor command and ``HfApi`` are all stand-ins.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = ROOT / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))


def write_config(folder: Path, quant_method: str | None = None) -> Path:
    """A model folder with a ``config.json`` (declaring ``quant_method`` when given)."""
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"model_type": "llama"}
    if quant_method:
        config["quantization_config"] = {"quant_method": quant_method}
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


class FakeWorker:
    """Stands in for subprocess.run of the llm-compressor worker: records argv, writes a compressed-tensors folder."""

    def __init__(self, returncode: int = 0) -> None:
        self.calls: list[list[str]] = []
        self.returncode = returncode

    def __call__(self, argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(argv)
        if self.returncode == 0:
            write_config(Path(argv[argv.index("--out") + 1]), "compressed-tensors")
        return subprocess.CompletedProcess(argv, self.returncode)


class FakeApi:
    """Stands in for huggingface_hub.HfApi: records every call."""

    def __init__(self, token: str, *, exists: bool = True, fail: bool = False) -> None:
        self.token = token
        self.exists = exists
        self.fail = fail
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def create_repo(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("create_repo", args, kwargs))
        return f"https://huggingface.co/{args[0]}"

    def repo_exists(self, *args: Any, **kwargs: Any) -> bool:
        self.calls.append(("repo_exists", args, kwargs))
        return self.exists

    def upload_folder(self, *args: Any, **kwargs: Any) -> str:
        self.calls.append(("upload_folder", args, kwargs))
        if self.fail:
            raise RuntimeError("403 Forbidden: token has no write access")
        return "https://huggingface.co/commit"


def no_hub(model: str) -> Path:
    """A hub lookup that always fails (offline): the name alone decides."""
    raise OSError(f"offline: {model}")


__all__ = ["ROOT", "SCRIPTS", "FakeApi", "FakeWorker", "no_hub", "write_config"]
