"""The quantization format for every mode on every GPU, ``QUANTIZATION``, and SM detection."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from trt_helpers import SCRIPTS
from trtprep.gpu import NVIDIA_SMI, GpuError, detect_sm, parse_sm, sm_number
from trtprep.quant import FORMATS, QuantError, choose_format

SMS = ("sm80", "sm86", "sm89", "sm90", "sm100", "sm120")
ERROR = "error"

# mode -> the format on each SM of SMS, in order.
TABLE = {
    "4bit": ("int4_awq", "int4_awq", "int4_awq", "int4_awq", "nvfp4", "nvfp4"),
    "awq": ("int4_awq",) * 6,
    "8bit": ("int8_sq", "int8_sq", "fp8", "fp8", "fp8", "fp8"),
    "fp8": (ERROR, ERROR, "fp8", "fp8", "fp8", "fp8"),
    "int8": ("int8_sq",) * 6,
    "none": ("full_prec",) * 6,
}
CASES = [(mode, sm, expected) for mode, row in TABLE.items() for sm, expected in zip(SMS, row, strict=True)]


def test_scripts_folder_is_on_the_path() -> None:
    assert (SCRIPTS / "trtprep" / "quant.py").is_file()


@pytest.mark.parametrize(("mode", "sm", "expected"), CASES)
def test_each_mode_on_each_gpu(mode: str, sm: str, expected: str) -> None:
    if expected == ERROR:
        with pytest.raises(QuantError, match=r"needs sm89 or newer.*8bit on this GPU is int8_sq"):
            choose_format(mode, sm)
        return
    choice = choose_format(mode, sm)
    assert choice.qformat == expected
    assert choice.reason == f"{mode} on {sm}"
    assert choice.engine_only == (expected == "int8_sq")


def test_awq_on_blackwell_warns_that_nvfp4_is_the_documented_format() -> None:
    assert choose_format("awq", "sm100").warnings
    assert not choose_format("awq", "sm90").warnings
    assert not choose_format("4bit", "sm100").warnings


@pytest.mark.parametrize(("override", "sm", "expected"), [
    ("int8_sq", "sm90", "int8_sq"),
    ("FP8", "sm89", "fp8"),
    (" fp8 ", "sm90", "fp8"),
    ("w4a8_awq", "sm90", "w4a8_awq"),
    ("nvfp4", "sm100", "nvfp4"),
    ("full_prec", "sm80", "full_prec"),
])
def test_quantization_overrides_the_mode(override: str, sm: str, expected: str) -> None:
    choice = choose_format("4bit", sm, override)
    assert choice.qformat == expected
    assert choice.reason == f"QUANTIZATION={expected}"


def test_an_empty_override_is_no_override() -> None:
    assert choose_format("8bit", "sm80", "  ").qformat == "int8_sq"


@pytest.mark.parametrize("bad", ["int4", "fp16", "awq4", "8bit"])
def test_an_unknown_override_is_an_error_naming_the_choices(bad: str) -> None:
    with pytest.raises(QuantError, match=rf"QUANTIZATION='{bad}' is not a known format: expected one of "):
        choose_format("4bit", "sm90", bad)


@pytest.mark.parametrize(("override", "sm", "needs"), [
    ("fp8", "sm80", "sm89"), ("fp8", "sm86", "sm89"), ("w4a8_awq", "sm86", "sm89"), ("nvfp4", "sm90", "sm100"),
])
def test_an_override_the_gpu_lacks_is_an_error(override: str, sm: str, needs: str) -> None:
    with pytest.raises(QuantError, match=rf"{override} .* needs {needs} or newer .* this GPU is {sm}"):
        choose_format("4bit", sm, override)


def test_gptq_and_unknown_modes_are_errors() -> None:
    with pytest.raises(QuantError, match="GPTQ"):
        choose_format("gptq", "sm90")
    with pytest.raises(QuantError, match="unknown quantization mode 'int3'"):
        choose_format("int3", "sm90")


def test_only_int8_sq_is_engine_only() -> None:
    assert [f.name for f in FORMATS.values() if f.engine_only] == ["int8_sq"]


@pytest.mark.parametrize(("text", "sm"), [
    ("8.0", "sm80"), ("8.6", "sm86"), ("8.9", "sm89"), ("9.0", "sm90"), ("10.0", "sm100"), ("12.0", "sm120"),
    ("sm90", "sm90"), ("SM_89", "sm89"), ("90", "sm90"), (" 9.0\n", "sm90"), ("10.3", "sm103"), ("sm_100", "sm100"),
])
def test_compute_capabilities_parse(text: str, sm: str) -> None:
    assert parse_sm(text) == sm


@pytest.mark.parametrize("bad", ["", "abc", "9", "9.0.1", "sm9x"])
def test_bad_compute_capabilities_are_errors(bad: str) -> None:
    with pytest.raises(GpuError, match="not a compute capability"):
        parse_sm(bad)


def test_sm_numbers_compare() -> None:
    assert sm_number("sm89") < sm_number("sm90") < sm_number("sm100")


def _smi(answer: str) -> tuple[list[Sequence[str]], Callable[[Sequence[str]], str]]:
    calls: list[Sequence[str]] = []

    def run(argv: Sequence[str]) -> str:
        calls.append(argv)
        return answer

    return calls, run


def test_detect_sm_asks_nvidia_smi_for_the_compute_capability() -> None:
    calls, run = _smi("9.0\n9.0\n")
    assert detect_sm({}, run) == "sm90"
    assert calls == [NVIDIA_SMI]
    assert NVIDIA_SMI == ("nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader")


def test_the_override_replaces_nvidia_smi() -> None:
    calls, run = _smi("8.0\n")
    assert detect_sm({"CADENCE_GPU_SM": "8.9"}, run) == "sm89"
    assert calls == []


def test_mixed_or_missing_gpus_are_errors() -> None:
    with pytest.raises(GpuError, match="mixes GPU architectures"):
        detect_sm({}, _smi("9.0\n8.0\n")[1])
    with pytest.raises(GpuError, match="listed no GPU"):
        detect_sm({}, _smi("\n")[1])
