"""Planning and running the vLLM 4-bit (AWQ / W4A16) preparation (``scripts/vllm_quantize.py``).

Pure where it can be, like :mod:`trtprep`: detection, the export's folder
and its metadata are decided from values passed in, so the tests plan every
case without llm-compressor or a GPU. Only :mod:`vllmprep.runner` changes
files and runs commands; :mod:`vllmprep.awq_worker` is the one module that
imports llm-compressor, in the quantization environment's Python.
"""
