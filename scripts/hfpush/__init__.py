"""Uploading quantized exports and TensorRT-LLM engines to Hugging Face (``scripts/push_artifacts.py``).

:mod:`hfpush.settings` reads ``HF_TOKEN``, ``HF_PUSH_REPO_ID`` and
``HF_PUSH_PRIVATE``; :mod:`hfpush.targets` decides what goes where from the
metadata the preparation steps wrote (``awq_metadata.json``,
``build_metadata.json``); :mod:`hfpush.upload` calls ``huggingface_hub``
through an injectable API object, so the tests never reach the network.
"""
