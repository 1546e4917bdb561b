"""Loading a causal LM and its tokenizer for the ``hf`` engine.

Everything here is blocking: the engine calls it from its scheduler thread.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import types
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel

from cadence.engines.base import EngineError
from cadence.engines.hf_config import HFEngineConfig
from cadence.engines.hf_decode_dtype import fastest_decode_dtype
from cadence.engines.hf_decode_weights import DECODE_MAX_ROWS, DecodeWeights, add_decode_weights
from cadence.engines.hf_lean_decode import LeanDecoder, lean_decoder
from cadence.engines.hf_tokenizer import HFPromptTokenizer

_DTYPES = types.MappingProxyType(
    {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
)
logger = logging.getLogger(__name__)
_PREPARE_HINT = (
    "for the default model run `python -m cadence models prepare` first, "
    "or point the engine at an existing model folder"
)


@dataclasses.dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model ready for the scheduler.

    Attributes:
        model: the causal LM in eval mode on ``device``.
        tokenizer: its thread-safe tokenizer wrapper.
        device: where the model and every input tensor live.
        stop_token_ids: ids that end a reply (EOS and end-of-turn markers).
        max_model_len: most tokens (prompt plus reply) one request may hold.
        keeps_last_logits: the forward accepts ``logits_to_keep``, so a
            prefill computes logits for its last position only.
        decode_weights: the switch of the decode weight copies (``nbytes``
            0 when there are none).
        lean_decoder: straight-line decode steps over those copies, for
            the model layouts :mod:`cadence.engines.hf_lean_decode` covers.
    """

    model: PreTrainedModel
    tokenizer: HFPromptTokenizer
    device: torch.device
    stop_token_ids: frozenset[int]
    max_model_len: int
    keeps_last_logits: bool
    decode_weights: DecodeWeights = dataclasses.field(default_factory=DecodeWeights)
    lean_decoder: LeanDecoder | None = None


def resolve_device(name: str) -> torch.device:
    """Map a configured device name to a torch device.

    Raises:
        EngineError: CUDA was asked for and is not available.
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise EngineError(f"device {name!r} asked for, but CUDA is not available")
    return device


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """Map a configured dtype name to a torch dtype (``auto``: bf16 on GPU)."""
    if name != "auto":
        return _DTYPES[name]
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


def resolve_decode_dtype(
    name: str, device: torch.device, dtype: torch.dtype, model: torch.nn.Module | None = None
) -> torch.dtype:
    """The dtype of the decode weight copy. ``auto``: for a float32 model on
    CPU, the half-size dtype whose one-row products over ``model``'s own
    matrices are fastest here (bfloat16 without a model); otherwise no copy."""
    if name != "auto":
        return _DTYPES[name]
    if device.type != "cpu" or dtype != torch.float32:
        return dtype
    return fastest_decode_dtype(model) if model is not None else torch.bfloat16


def _is_local(model: str) -> bool:
    """Whether ``model`` names a local folder rather than a hub model id.

    A hub id is ``name`` or ``org/name``; ``models/x`` counts as local when
    ``models`` is a local folder, so a missing prepared model is reported
    as such instead of being looked up on the hub.
    """
    path = Path(model).expanduser()
    if path.exists() or path.is_absolute() or model.startswith((".", "~")):
        return True
    parts = path.parts
    return len(parts) > 2 or (len(parts) == 2 and Path(parts[0]).is_dir())


def _from_pretrained(config: HFEngineConfig, dtype: torch.dtype) -> tuple[Any, Any]:
    """Load (model, tokenizer) with transformers.

    Raises:
        EngineError: the folder is missing or transformers failed.
    """
    local = _is_local(config.model)
    source = str(Path(config.model).expanduser()) if local else config.model
    if local and not Path(source).is_dir():
        raise EngineError(f"model folder {source!r} does not exist: {_PREPARE_HINT}")
    options: dict[str, Any] = {
        "local_files_only": local,
        "trust_remote_code": config.trust_remote_code,
    }
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, **options)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, **options)
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0][:300]
        raise EngineError(f"cannot load model {config.model!r}: {type(exc).__name__}: {first_line}") from exc
    return model, tokenizer


def _eos_ids(model: PreTrainedModel) -> list[int]:
    """EOS ids from the model's generation config (an int, a list or none)."""
    generation_config = getattr(model, "generation_config", None)
    eos = getattr(generation_config, "eos_token_id", None)
    if eos is None:
        return []
    return [int(eos)] if isinstance(eos, int) else [int(i) for i in eos]


def load_model(config: HFEngineConfig) -> LoadedModel:
    """Load ``config.model`` on the configured device and dtype. Blocking.

    Raises:
        EngineError: the model, its tokenizer or its chat template is missing,
            or loading failed.
    """
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)
    model, hf_tokenizer = _from_pretrained(config, dtype)
    try:
        model = model.to(device).eval()
    except Exception as exc:
        raise EngineError(f"cannot move model to {device}: {type(exc).__name__}") from exc
    decode_dtype = resolve_decode_dtype(config.decode_dtype, device, dtype, model)
    decode_weights = add_decode_weights(model, decode_dtype)
    lean = lean_decoder(model) if decode_weights.nbytes else None
    if decode_weights.nbytes:
        logger.info("hf decode steps of 1-%d rows read a %s copy of the weights (%d MB)%s", DECODE_MAX_ROWS, decode_dtype,
                    decode_weights.nbytes >> 20, ", through the lean decode step" if lean else "")
    tokenizer = HFPromptTokenizer(hf_tokenizer, config.chat_template)
    max_len = config.max_model_len or int(getattr(model.config, "max_position_embeddings", 0) or 2048)
    keeps_last = "logits_to_keep" in inspect.signature(model.forward).parameters
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        device=device,
        stop_token_ids=tokenizer.stop_token_ids(_eos_ids(model)),
        max_model_len=max_len,
        keeps_last_logits=keeps_last,
        decode_weights=decode_weights,
        lean_decoder=lean,
    )


__all__ = ["LoadedModel", "load_model", "resolve_decode_dtype", "resolve_device", "resolve_dtype"]
