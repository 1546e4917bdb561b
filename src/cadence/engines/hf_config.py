"""Configuration of the ``hf`` engine (read from nowhere: the caller fills it)."""

from __future__ import annotations

import dataclasses

DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "bfloat16", "float16")


@dataclasses.dataclass(frozen=True, slots=True)
class HFEngineConfig:
    """Settings of one :class:`~cadence.engines.hf.HFEngine`.

    Attributes:
        model: a local folder holding a causal LM and its tokenizer (loaded
            with ``local_files_only``, so never from the network), or a model
            id that transformers can fetch on a machine with hub access.
        device: ``auto`` (CUDA when available, else CPU), ``cpu``, ``cuda``
            or ``cuda:N``.
        dtype: ``auto`` (bfloat16 on CUDA, float32 on CPU) or a torch dtype
            name among :data:`DTYPES`.
        max_batch_size: most requests decoding at once; more wait, queued,
            for a free slot before their prefill.
        prefix_cache_mb: memory for the KV caches of finished requests,
            reused by later prompts that share their token prefix (0
            disables reuse); least recently used first.
        prefill_chunk_tokens: prompt tokens per prefill forward pass. Between
            chunks the engine runs one decode step of the running requests
            and honours aborts, so a long prompt neither stalls other
            sessions nor delays its own abort by more than one chunk.
        max_model_len: context size (prompt plus reply); ``None`` uses the
            model config's ``max_position_embeddings``.
        chat_template: a Jinja chat template overriding the tokenizer's own.
        trust_remote_code: passed to transformers (needed by some models).
        warmup: run two short generations in :meth:`HFEngine.start`.
        cpu_threads: intra-op threads for the engine's forward passes on CPU
            (``torch.set_num_threads`` called on the scheduler thread, which
            with torch's OpenMP build affects that thread only); ``None``
            keeps torch's default, one per core. On a CPU shared with other
            busy threads or processes, fewer threads avoid OpenMP spin-wait
            stalls that make batched steps many times slower.
        decode_dtype: dtype of a second copy of the linear weights used by
            decode steps (:mod:`cadence.engines.hf_decode_weights`):
            ``auto``, for a float32 model on CPU (decode there is bound by
            the bytes of weights read), is whichever of ``bfloat16`` and
            ``float16`` reads faster on this CPU
            (:mod:`cadence.engines.hf_decode_dtype`), and no copy
            otherwise; a dtype equal to the model's adds no copy.
    """

    model: str
    device: str = "auto"
    dtype: str = "auto"
    max_batch_size: int = 8
    prefill_chunk_tokens: int = 256
    max_model_len: int | None = None
    chat_template: str | None = None
    trust_remote_code: bool = False
    warmup: bool = True
    cpu_threads: int | None = None
    prefix_cache_mb: int = 512
    decode_dtype: str = "auto"

    def __post_init__(self) -> None:
        """Check every field at once.

        Raises:
            ValueError: listing every invalid field.
        """
        problems = [
            message
            for bad, message in (
                (not self.model.strip(), "model must not be empty"),
                (
                    self.device not in DEVICES and not self.device.startswith("cuda:"),
                    f"device must be one of {', '.join(DEVICES)} or cuda:N",
                ),
                (self.dtype not in DTYPES, f"dtype must be one of {', '.join(DTYPES)}"),
                (self.decode_dtype not in DTYPES, f"decode_dtype must be one of {', '.join(DTYPES)}"),
                (self.max_batch_size < 1, "max_batch_size must be >= 1"),
                (self.prefill_chunk_tokens < 1, "prefill_chunk_tokens must be >= 1"),
                (self.prefix_cache_mb < 0, "prefix_cache_mb must be >= 0"),
                (
                    self.cpu_threads is not None and self.cpu_threads < 1,
                    "cpu_threads must be >= 1",
                ),
                (
                    self.max_model_len is not None and self.max_model_len < 2,
                    "max_model_len must be >= 2",
                ),
            )
            if bad
        ]
        if problems:
            raise ValueError("invalid HFEngineConfig: " + "; ".join(problems))


__all__ = ["DEVICES", "DTYPES", "HFEngineConfig"]
