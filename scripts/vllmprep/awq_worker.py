#!/usr/bin/env python3
"""Quantize a model to 4-bit AWQ with llm-compressor; run by ``AWQ_PYTHON`` (the ``.venv-awq`` Python).

The one place llm-compressor is imported. It imports nothing from Cadence:
the quantization environment has llm-compressor's own transformers pin,
not Cadence's. The API (llm-compressor 0.11 and later, examples/awq/):

    oneshot(model=<id or folder>, dataset=<name>, recipe=[AWQModifier(),
            QuantizationModifier(ignore=["lm_head"], scheme=..., targets=["Linear"])],
            max_seq_length=..., num_calibration_samples=..., output_dir=<folder>)

``oneshot`` loads the model and its tokenizer from the id, calibrates on the
dataset (``open_platypus`` is one it registers by name) and saves the
compressed model and the tokenizer into ``output_dir``. Before 0.11, one
``llmcompressor.modifiers.awq.AWQModifier`` took the scheme itself.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def build_recipe(scheme: str) -> list[Any]:
    """AWQ smoothing, then weight quantization of every Linear layer but ``lm_head``."""
    from llmcompressor.modifiers.quantization import QuantizationModifier

    try:
        from llmcompressor.modifiers.transform.awq import AWQModifier
    except ImportError:  # llm-compressor < 0.11: one modifier smooths and quantizes
        from llmcompressor.modifiers.awq import AWQModifier as OldAWQModifier

        return [OldAWQModifier(ignore=["lm_head"], scheme=scheme, targets=["Linear"])]
    return [AWQModifier(), QuantizationModifier(ignore=["lm_head"], scheme=scheme, targets=["Linear"])]


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="awq_worker.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model", required=True, help="Hugging Face model id or local folder")
    parser.add_argument("--out", required=True, help="the folder to save the compressed model into")
    parser.add_argument("--dataset", required=True, help="calibration dataset (open_platypus, or a hub id)")
    parser.add_argument("--nsamples", type=int, required=True, help="calibration samples")
    parser.add_argument("--seqlen", type=int, required=True, help="calibration sequence length")
    parser.add_argument("--scheme", default="W4A16_ASYM", help="llm-compressor preset scheme")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Quantize and save; 0 on success (llm-compressor's exceptions propagate)."""
    args = _parse(argv)
    try:
        from llmcompressor import oneshot
    except ImportError as exc:
        print(f"awq_worker: error: llm-compressor is not installed for {sys.executable} ({exc}): "
              "pip install -r requirements-vllm-quant.txt", file=sys.stderr)
        return 3
    print(f"awq_worker: oneshot(model={args.model!r}, dataset={args.dataset!r}, scheme={args.scheme!r}, "
          f"num_calibration_samples={args.nsamples}, max_seq_length={args.seqlen}, output_dir={args.out!r})",
          file=sys.stderr, flush=True)
    oneshot(model=args.model, dataset=args.dataset, recipe=build_recipe(args.scheme),
            max_seq_length=args.seqlen, num_calibration_samples=args.nsamples, output_dir=args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
