"""The llm-compressor environment: is it there, and which versions does it have.

The quantize step runs in its own Python (``AWQ_PYTHON``, ``.venv-awq``):
llm-compressor pins ``transformers`` and ``compressed-tensors`` to ranges
that disagree with the serving environment's pins (requirements-vllm-quant.txt
says why). A short probe run in that Python reports the versions, which go
into ``awq_metadata.json``; on a machine without it (planning, tests) the
pin of ``requirements-vllm-quant.txt`` is shown instead.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# requirements-vllm-quant.txt pins llmcompressor==PINNED_LLMCOMPRESSOR (a test checks they agree).
PINNED_LLMCOMPRESSOR = "0.14.0.1"
PACKAGES = ("llmcompressor", "compressed-tensors", "transformers", "torch")
INSTALL_HINT = ("pip install -r requirements-vllm-quant.txt into its own virtualenv on the GPU host "
                "(scripts/lib/vllm_quant.sh does it into .venv-awq) and point AWQ_PYTHON at its python")

_PROBE = (
    "import json, importlib.metadata as m\n"
    "def v(n):\n"
    "    try:\n"
    "        return m.version(n)\n"
    "    except m.PackageNotFoundError:\n"
    "        return None\n"
    f"print(json.dumps({{n: v(n) for n in {PACKAGES!r}}}))\n"
)

Run = Callable[..., Any]


class QuantEnvError(Exception):
    """llm-compressor is not installed in ``AWQ_PYTHON``."""


@dataclass(frozen=True)
class Versions:
    """Package versions of the quantization environment; ``installed`` False: the pin, not installed."""

    python: str
    packages: dict[str, str | None]
    installed: bool

    @property
    def llmcompressor(self) -> str:
        """The llm-compressor version (the pin when it is not installed)."""
        return self.packages.get("llmcompressor") or PINNED_LLMCOMPRESSOR

    def describe(self) -> str:
        """One line for the plan."""
        if not self.installed:
            return (f"llm-compressor {PINNED_LLMCOMPRESSOR} (pinned in requirements-vllm-quant.txt: "
                    f"not installed for {self.python})")
        found = ", ".join(f"{name} {version}" for name, version in self.packages.items() if version)
        return f"{found} ({self.python})"


def probe_versions(python: str, run: Run = subprocess.run) -> Versions:
    """Ask ``python`` for the versions of :data:`PACKAGES` (nothing is imported here)."""
    try:
        done = run([python, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return Versions(python, {}, installed=False)
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else {}
    except (ValueError, IndexError):
        found = {}
    packages = {name: found.get(name) for name in PACKAGES} if isinstance(found, dict) else {}
    return Versions(python, packages, installed=bool(packages.get("llmcompressor")))


def require_installed(versions: Versions) -> None:
    """Raise unless llm-compressor is installed for ``versions.python``.

    Raises:
        QuantEnvError: with what to install.
    """
    if not versions.installed:
        raise QuantEnvError(f"llm-compressor is not installed for {versions.python}: {INSTALL_HINT}")


__all__ = ["INSTALL_HINT", "PACKAGES", "PINNED_LLMCOMPRESSOR", "QuantEnvError", "Versions", "probe_versions",
           "require_installed"]
