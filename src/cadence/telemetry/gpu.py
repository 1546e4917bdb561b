"""GPU memory and utilization per device, for the ``text_inference.gpu.*`` gauges.

Read through NVML (``pynvml``, from the ``nvidia-ml-py`` package) when it is
installed and finds a driver, else through ``torch.cuda`` when torch is
already loaded and sees a GPU (memory only). On a CPU machine every reading
is empty, and nothing is imported to find that out.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class GpuReading:
    """One device: memory in bytes, utilization in percent (``None``: unknown)."""

    device: int
    used: int
    free: int
    total: int
    utilization: float | None = None


class GpuReader:
    """Reads every visible GPU; :meth:`read` never raises."""

    def __init__(self) -> None:
        self._nvml: Any = None
        try:
            nvml = importlib.import_module("pynvml")
            nvml.nvmlInit()
            self._nvml = nvml
        except Exception:  # not installed, or no driver: try torch at read time
            self._nvml = None

    def read(self) -> list[GpuReading]:
        """A reading per device (empty on CPU machines or on any failure)."""
        try:
            return self._read_nvml() if self._nvml is not None else self._read_torch()
        except Exception:
            return []

    def _read_nvml(self) -> list[GpuReading]:
        nvml = self._nvml
        readings = []
        for index in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            utilization = nvml.nvmlDeviceGetUtilizationRates(handle).gpu
            readings.append(GpuReading(index, int(memory.used), int(memory.free), int(memory.total),
                                       float(utilization)))
        return readings

    @staticmethod
    def _read_torch() -> list[GpuReading]:
        torch = sys.modules.get("torch")
        if torch is None or not torch.cuda.is_available():
            return []
        readings = []
        for index in range(torch.cuda.device_count()):
            free, total = torch.cuda.mem_get_info(index)
            readings.append(GpuReading(index, int(total - free), int(free), int(total)))
        return readings


__all__ = ["GpuReader", "GpuReading"]
