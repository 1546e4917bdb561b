"""``build_metadata.json``: a match is reused, every kind of mismatch is named, a missing file is an error."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from trt_helpers import SCRIPTS
from trtprep.layout import Target
from trtprep.metadata import FILENAME, MetadataError, make_metadata, read_metadata, validate, write_metadata
from trtprep.settings import Calibration, Limits

TARGET = Target("Qwen/Qwen3-8B", "fp8", "auto", "sm90", "1.2.0", "0.37.0")
CAL = Calibration(awq_block_size=128, calib_size=64, calib_seqlen=5175, calib_batch_size=16, dataset=None)
LIMITS = Limits(max_batch_size=32, max_input_len=5025, max_output_len=150)


def _engine(target: Target = TARGET, cal: Calibration = CAL, limits: Limits = LIMITS,
            dtype: str = "float16") -> dict[str, Any]:
    return make_metadata("engine", target, dtype=dtype, calibration=cal, limits=limits)


def _built(folder: Path, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True)
    write_metadata(folder, {**data, "command": ["trtllm-build", "--max_batch_size", "32"],
                            "created": "2026-12-08T01:00:00Z"})
    return folder


def test_scripts_folder_is_on_the_path() -> None:
    assert (SCRIPTS / "trtprep" / "metadata.py").is_file()


def test_the_file_records_model_quantization_sm_versions_and_limits(tmp_path: Path) -> None:
    folder = _built(tmp_path / "engine", _engine())
    data = json.loads((folder / FILENAME).read_text())
    assert data["model"] == "Qwen/Qwen3-8B"
    assert data["quantization"] == "fp8"
    assert data["sm"] == "sm90"
    assert data["versions"] == {"tensorrt_llm": "1.2.0", "modelopt": "0.37.0"}
    assert data["limits"] == {"max_batch_size": 32, "max_input_len": 5025, "max_output_len": 150,
                              "max_seq_len": 5175}
    assert data["calibration"]["calib_size"] == 64
    assert data["stage"] == "engine"
    assert read_metadata(folder) == data


def test_a_match_validates_whatever_the_command_and_date(tmp_path: Path) -> None:
    folder = _built(tmp_path / "engine", _engine())
    validate(folder, _engine())


def test_checkpoints_record_no_limits() -> None:
    data = make_metadata("checkpoint", TARGET, dtype=None, calibration=CAL, limits=None)
    assert data["limits"] is None
    assert data["dtype"] is None


MISMATCHES = [
    ("model", _engine(target=dataclasses.replace(TARGET, model="meta-llama/Llama-3.1-8B-Instruct"))),
    ("quantization", _engine(target=dataclasses.replace(TARGET, qformat="int8_sq"))),
    ("kv_cache_dtype", _engine(target=dataclasses.replace(TARGET, kv_dtype="fp8"))),
    ("sm", _engine(target=dataclasses.replace(TARGET, sm="sm89"))),
    ("versions.tensorrt_llm", _engine(target=dataclasses.replace(TARGET, tensorrt_llm="1.2.1"))),
    ("versions.modelopt", _engine(target=dataclasses.replace(TARGET, modelopt="0.39.0"))),
    ("dtype", _engine(dtype="bfloat16")),
    ("calibration.calib_size", _engine(cal=dataclasses.replace(CAL, calib_size=128))),
    ("calibration.awq_block_size", _engine(cal=dataclasses.replace(CAL, awq_block_size=64))),
    ("limits.max_batch_size", _engine(limits=dataclasses.replace(LIMITS, max_batch_size=64))),
    ("limits.max_input_len", _engine(limits=dataclasses.replace(LIMITS, max_input_len=4096))),
    ("limits.max_output_len", _engine(limits=dataclasses.replace(LIMITS, max_output_len=300))),
    ("stage", make_metadata("trtllm-checkpoint", TARGET, dtype="float16", calibration=CAL, limits=LIMITS)),
]


@pytest.mark.parametrize(("field", "expected"), MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_each_mismatch_is_named_with_both_values(tmp_path: Path, field: str, expected: dict[str, Any]) -> None:
    folder = _built(tmp_path / "engine", _engine())
    with pytest.raises(MetadataError) as caught:
        validate(folder, expected)
    problems = [p for p in caught.value.problems if p.startswith(f"{field}:")]
    assert len(problems) == 1, caught.value.problems
    assert "built with" in problems[0] and "asked for" in problems[0]
    assert "FORCE_REBUILD=true" in str(caught.value)
    assert str(folder) in str(caught.value)


def test_several_mismatches_are_listed_together(tmp_path: Path) -> None:
    folder = _built(tmp_path / "engine", _engine())
    expected = _engine(target=dataclasses.replace(TARGET, sm="sm89"), limits=dataclasses.replace(LIMITS, max_batch_size=8))
    with pytest.raises(MetadataError) as caught:
        validate(folder, expected)
    assert sorted(p.split(":")[0] for p in caught.value.problems) == ["limits.max_batch_size", "sm"]


def test_a_folder_without_the_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "engine").mkdir()
    with pytest.raises(MetadataError, match=rf"no {FILENAME} in it"):
        validate(tmp_path / "engine", _engine())


@pytest.mark.parametrize(("text", "message"), [("{not json", "unreadable"), ("[1, 2]", "not a JSON object")])
def test_a_broken_file_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / FILENAME).write_text(text)
    with pytest.raises(MetadataError, match=message):
        validate(tmp_path / "engine", _engine())
