"""Planning and running the TensorRT-LLM preparation steps (``scripts/trt_prepare.py``).

The modules here are pure where they can be: the GPU's SM, the quantization
format, the output folders and the metadata are decided from values passed
in, so the tests plan every combination on a machine with no GPU. The plan
reads existing output folders (to reuse them); only :mod:`trtprep.runner`
changes files and runs commands.
"""
