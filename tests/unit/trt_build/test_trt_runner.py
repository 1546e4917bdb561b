"""Carrying a plan out (with a fake command runner), the settings, and the version pins."""

from __future__ import annotations

import io
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from trt_helpers import ROOT
from trtprep.metadata import FILENAME, MetadataError, read_metadata
from trtprep.plan import Plan, Request, make_plan
from trtprep.runner import StepError, execute
from trtprep.settings import ConfigError, load_settings
from trtprep.versions import PINNED_TRTLLM, Versions, at_least, detect_versions

VERSIONS = Versions("1.2.0", "0.37.0", installed=True)


class FakeRun:
    """Stands in for subprocess.run: records argv, creates the output folder a tool would."""

    def __init__(self, fail: str = "") -> None:
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(argv)
        if self.fail and any(self.fail in part for part in argv):
            return subprocess.CompletedProcess(argv, 3)
        for key in ("--export_path", "--output_dir"):
            if key in argv:
                out = Path(argv[argv.index(key) + 1])
                out.mkdir(parents=True)
                (out / "config.json").write_text("{}")
        return subprocess.CompletedProcess(argv, 0)


def _request(tmp_path: Path, command: str, mode: str, **env: str) -> Request:
    for repo, script in (("modelopt", "examples/llm_ptq/hf_ptq.py"), ("trtllm", "examples/quantization/quantize.py")):
        (tmp_path / repo / script).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / repo / script).write_text("# stand-in\n")
    environ = {"MODELS_DIR": str(tmp_path / "models"), "TRT_MODELOPT_REPO_DIR": str(tmp_path / "modelopt"),
               "TRT_REPO_DIR": str(tmp_path / "trtllm"), **env}
    return Request(command, "org/model", mode, "sm90", VERSIONS, load_settings(environ), "python",
                   created="2026-12-08T01:00:00Z")


def _run(plan: Plan, run: FakeRun) -> str:
    log = io.StringIO()
    execute(plan.steps, log, run=run)
    return log.getvalue()


def test_a_checkpoint_is_built_labelled_and_then_reused(tmp_path: Path) -> None:
    request = _request(tmp_path, "auto", "4bit")
    plan = make_plan(request)
    assert [s.action for s in plan.steps] == ["mkdir", "run", "metadata", "rename"]
    run = FakeRun()
    log = _run(plan, run)
    assert plan.serve is not None
    folder = plan.serve[1]
    assert folder.name == "checkpoint" and folder.parent.name == "org--model-int4_awq-sm90-trtllm1.2.0"
    data = read_metadata(folder)
    assert data["quantization"] == "int4_awq" and data["command"] == run.calls[0]
    assert data["created"] == "2026-12-08T01:00:00Z"
    assert not folder.with_name("checkpoint.partial").exists()
    assert log.index("[trt_prepare] step 2/4") < log.index("+ python ")
    again = make_plan(request)
    assert [s.action for s in again.steps] == ["reuse"]


def test_an_engine_is_built_from_a_reused_checkpoint(tmp_path: Path) -> None:
    request = _request(tmp_path, "build", "8bit", TRT_MAX_BATCH_SIZE="32")
    _run(make_plan(request), FakeRun())
    engine = read_metadata(tmp_path / "models/trt/org--model-fp8-sm90-trtllm1.2.0/engine")
    assert engine["limits"]["max_batch_size"] == 32 and engine["stage"] == "engine"
    bigger = _request(tmp_path, "build", "8bit", TRT_MAX_BATCH_SIZE="64", FORCE_REBUILD="false")
    with pytest.raises(MetadataError, match=r"limits.max_batch_size: built with 32, asked for 64"):
        make_plan(bigger)
    forced = make_plan(_request(tmp_path, "build", "8bit", TRT_MAX_BATCH_SIZE="64", FORCE_REBUILD="true"))
    assert [s.action for s in forced.steps][:2] == ["remove", "mkdir"]


def test_a_failed_command_stops_and_leaves_nothing_reusable(tmp_path: Path) -> None:
    request = _request(tmp_path, "auto", "8bit")
    with pytest.raises(StepError, match="exit status 3"):
        _run(make_plan(request), FakeRun(fail="hf_ptq.py"))
    base = tmp_path / "models/trt/org--model-fp8-sm90-trtllm1.2.0"
    assert not (base / "checkpoint").exists()
    (base / "checkpoint.partial").mkdir()
    retry = make_plan(request)
    assert retry.steps[0].title == f"remove the unfinished {base / 'checkpoint.partial'}"
    _run(retry, FakeRun())
    assert (base / "checkpoint" / FILENAME).is_file()


def test_settings_defaults_follow_the_brief() -> None:
    settings = load_settings({})
    cal, limits = settings.calibration, settings.limits
    assert (cal.awq_block_size, cal.calib_size, cal.calib_seqlen, cal.calib_batch_size) == (128, 64, 5175, 16)
    assert (limits.max_batch_size, limits.max_input_len, limits.max_output_len) == (None, 5025, 150)
    assert (settings.dtype, settings.kv_dtype, settings.force_rebuild, settings.build_engine) == (
        "float16", "auto", False, False)
    assert settings.output_root == Path("models/trt")
    chat = load_settings({"CHAT_MAX_LEN": "4000", "CHAT_MAX_OUT": "100", "MODELS_DIR": "/data"})
    assert chat.calibration.calib_seqlen == 4100 and chat.limits.max_input_len == 4000
    assert chat.output_root == Path("/data/trt")


def test_every_bad_setting_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"TRT_AWQ_BLOCK_SIZE": "96", "TRT_CALIB_SIZE": "0", "TRT_MAX_BATCH_SIZE": "x",
                       "KV_DTYPE": "fp4", "FORCE_REBUILD": "maybe"})
    assert len(caught.value.problems) == 5


def test_versions_come_from_the_overrides_the_packages_or_the_pins() -> None:
    def missing(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    assert detect_versions({}, missing) == Versions(PINNED_TRTLLM, "0.37.0", installed=False)
    found = {"tensorrt_llm": "1.2.0+cu130", "nvidia-modelopt": "0.37.0"}
    assert detect_versions({}, lambda name: found[name] if name in found else missing(name)) == Versions(
        "1.2.0", "0.37.0", installed=True)
    pinned = detect_versions({"CADENCE_TRTLLM_VERSION": "1.3.0rc1"}, missing)
    assert pinned.tensorrt_llm == "1.3.0rc1" and not pinned.installed
    assert at_least("0.39.0", 0, 39) and not at_least("0.37.0", 0, 39) and at_least("1.0.0rc1", 0, 39)


def test_the_pins_agree() -> None:
    requirements = (ROOT / "requirements-trt.txt").read_text()
    assert f"\ntensorrt-llm=={PINNED_TRTLLM}\n" in requirements
    assert "--extra-index-url https://pypi.nvidia.com" in requirements
    dockerfile = (ROOT / "docker" / "trt" / "Dockerfile").read_text()
    assert f"ARG TRTLLM_VERSION={PINNED_TRTLLM}\n" in dockerfile
    assert "FROM nvcr.io/nvidia/tensorrt-llm/release:${TRTLLM_VERSION}" in dockerfile
