"""The GPU memory split between the chat and the tool model, read and checked once.

The brief's defaults: a model alone on its GPU may use 90% of its memory;
when the chat and the tool model share one GPU (``DEPLOY_MODE=both``),
70% for chat and 20% for the tool. ``CHAT_GPU_FRAC`` and ``TOOL_GPU_FRAC``
override them; each must be in (0, 1], and on a shared GPU their sum at
most 1.

They share a GPU in ``both`` mode unless the tool runs on the CPU
(``TOOL_DEVICE=cpu``), the chat engine uses none (``echo``, or ``hf`` with
``CHAT_DEVICE=cpu``), or both name different GPUs (``cuda:0``/``cuda:1``).
"""

from __future__ import annotations

from cadence.config.env import EnvReader
from cadence.config.settings import ALONE_FRAC, SHARED_CHAT_FRAC, SHARED_TOOL_FRAC, GpuSplit


def _uses_gpu(device: str) -> bool:
    return device.strip().lower() != "cpu"


def _distinct_gpus(chat_device: str, tool_device: str) -> bool:
    chat, tool = chat_device.strip().lower(), tool_device.strip().lower()
    return chat.startswith("cuda:") and tool.startswith("cuda:") and chat != tool


def shares_gpu(mode: str, engine: str, chat_device: str, tool_device: str) -> bool:
    """Whether the chat and the tool model are on the same GPU (see the module docstring).

    ``chat_device`` is ``CHAT_DEVICE``, which only the ``hf`` engine reads;
    ``vllm`` and ``trt`` always use the GPU.
    """
    if mode != "both" or engine == "echo" or not _uses_gpu(tool_device):
        return False
    if engine == "hf" and not _uses_gpu(chat_device):
        return False
    return not (engine == "hf" and _distinct_gpus(chat_device, tool_device))


def _fraction(env: EnvReader, name: str, default: float) -> tuple[float, bool]:
    """The value of ``name`` in (0, 1] and whether it was set (else ``default``)."""
    value = env.number(name, default)
    if not 0 < value <= 1:
        env.problem(f"{name}={value:g}: must be within (0, 1] (a share of the GPU's memory)")
        return default, False
    return value, bool(env.text(name).strip())


def load_gpu_split(env: EnvReader, mode: str, engine: str, chat_device: str, tool_device: str) -> GpuSplit:
    """Read ``CHAT_GPU_FRAC`` and ``TOOL_GPU_FRAC``; problems are recorded on ``env``."""
    shared = shares_gpu(mode, engine, chat_device, tool_device)
    chat_default, tool_default = (SHARED_CHAT_FRAC, SHARED_TOOL_FRAC) if shared else (ALONE_FRAC, ALONE_FRAC)
    chat, chat_set = _fraction(env, "CHAT_GPU_FRAC", chat_default)
    tool, tool_set = _fraction(env, "TOOL_GPU_FRAC", tool_default)
    if shared and chat + tool > 1 + 1e-9:
        chat_text = f"CHAT_GPU_FRAC={chat:g}" + ("" if chat_set else " (default)")
        tool_text = f"TOOL_GPU_FRAC={tool:g}" + ("" if tool_set else " (default)")
        env.problem(
            f"{chat_text} + {tool_text} = {chat + tool:g} exceeds 1: in DEPLOY_MODE=both the chat and "
            f"tool models share the GPU (defaults {SHARED_CHAT_FRAC:g} and {SHARED_TOOL_FRAC:g}); "
            "lower one, or put the tool on the CPU (TOOL_DEVICE=cpu)"
        )
    return GpuSplit(chat, tool, shared)


__all__ = ["load_gpu_split", "shares_gpu"]
