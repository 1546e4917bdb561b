"""Chat engines: one interface, several backends (echo, hf, vllm, trt)."""
