"""The vLLM 4-bit path: settings, detection, the plan, metadata, reuse and rebuild (no llm-compressor)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from quant_helpers import ROOT, FakeWorker, no_hub, write_config
from trtprep.metadata import MetadataError
from vllmprep.detect import detect
from vllmprep.metadata import FILENAME, README, SCHEME, read_metadata
from vllmprep.plan import Plan, Request, export_folder, make_plan
from vllmprep.runner import StepError, execute, render
from vllmprep.settings import ConfigError, load_settings
from vllmprep.versions import PINNED_LLMCOMPRESSOR, Versions

INSTALLED = Versions("/awq/bin/python", {"llmcompressor": "0.14.0.1", "torch": "2.13.0"}, installed=True)


def _request(tmp_path: Path, model: str = "org/Plain-8B", **env: str) -> Request:
    settings = load_settings({"AWQ_CACHE_DIR": str(tmp_path / ".awq"), "AWQ_PYTHON": "/awq/bin/python", **env})
    return Request(model, settings, detect(model, no_hub), INSTALLED, created="2026-12-08T01:00:00Z")


def _build(plan: Plan) -> FakeWorker:
    worker = FakeWorker()
    execute(plan.steps, io.StringIO(), run=worker)
    return worker


def test_settings_follow_the_brief_and_list_every_problem() -> None:
    settings = load_settings({})
    cal = settings.calibration
    assert (str(settings.cache_dir), cal.dataset, cal.nsamples, cal.seqlen) == (".awq", "open_platypus", 64, 2048)
    assert settings.force_rebuild is False
    with pytest.raises(ConfigError) as caught:
        load_settings({"AWQ_NSAMPLES": "0", "AWQ_SEQLEN": "long", "FORCE_REBUILD": "maybe"})
    text = str(caught.value)
    assert "AWQ_NSAMPLES=0" in text and "AWQ_SEQLEN='long'" in text and "FORCE_REBUILD='maybe'" in text


@pytest.mark.parametrize(("method", "source"), [("compressed-tensors", "config"), ("awq", "config"), ("gptq", "config")])
def test_a_local_folder_that_declares_a_quantization_is_served_as_it_is(tmp_path: Path, method: str,
                                                                        source: str) -> None:
    folder = write_config(tmp_path / "my-model", method)
    plan = make_plan(_request(tmp_path, str(folder)))
    assert (plan.kind, plan.steps, plan.serve) == ("prequantized", (), str(folder))
    assert f"its config declares {method}" in plan.notes[-1] and "not quantized again" in plan.notes[-1]


def test_a_hub_repo_is_detected_by_its_config_files_then_by_its_name(tmp_path: Path) -> None:
    fetched = write_config(tmp_path / "hub", "awq")
    assert detect("org/innocent-name", lambda _model: fetched).method == "awq"
    found = detect("org/Model-W4A16", no_hub)
    assert (found.method, found.source) == ("compressed-tensors", "name")
    assert "decided by the name alone" in found.notes[0]
    assert detect("org/Qwen3-8B-FP8", no_hub).method == "fp8"
    assert detect("org/Qwen3-8B", lambda _m: write_config(tmp_path / "plain")).method is None


def test_a_plain_model_is_quantized_into_the_cache_with_the_calibration_settings(tmp_path: Path) -> None:
    request = _request(tmp_path, AWQ_CALIB_DATASET="ultrachat_200k", AWQ_NSAMPLES="32", AWQ_SEQLEN="1024")
    plan = make_plan(request)
    target = tmp_path / ".awq" / "org--Plain-8B-w4a16"
    assert plan.kind == "quantize" and plan.target == target == export_folder(tmp_path / ".awq", "org/Plain-8B")
    assert [s.action for s in plan.steps] == ["mkdir", "run", "metadata", "rename"]
    argv = plan.steps[1].argv
    assert argv[0] == "/awq/bin/python" and argv[1].endswith("vllmprep/awq_worker.py")
    assert argv[argv.index("--out") + 1] == str(target) + ".partial"
    for flag, value in (("--dataset", "ultrachat_200k"), ("--nsamples", "32"), ("--seqlen", "1024"),
                        ("--scheme", SCHEME), ("--model", "org/Plain-8B")):
        assert argv[argv.index(flag) + 1] == value
    assert plan.serve == str(target.absolute())
    text = "\n".join(render(plan, request, dry_run=True))
    assert "dry run" in text and "ultrachat_200k, 32 samples of up to 1024 tokens" in text and "$ /awq/bin/python" in text


def test_the_export_gets_metadata_and_a_readme_and_is_reused(tmp_path: Path) -> None:
    plan = make_plan(_request(tmp_path))
    assert plan.target is not None
    worker = _build(plan)
    assert len(worker.calls) == 1 and plan.target.is_dir() and not Path(str(plan.target) + ".partial").exists()
    meta = read_metadata(plan.target)
    assert meta["model"] == "org/Plain-8B" and meta["scheme"] == SCHEME
    assert meta["calibration"] == {"dataset": "open_platypus", "nsamples": 64, "seqlen": 2048}
    assert meta["versions"]["llmcompressor"] == "0.14.0.1" and meta["created"] == "2026-12-08T01:00:00Z"
    readme = (plan.target / README).read_text()
    assert "base_model: org/Plain-8B" in readme and "open_platypus" in readme and "vllm serve" in readme
    again = make_plan(_request(tmp_path))
    assert again.kind == "reuse" and [s.action for s in again.steps] == ["reuse"] and not again.quantizes
    base = _request(tmp_path)
    newer = Versions("/x", {"llmcompressor": "9.9"}, installed=True)
    assert make_plan(Request(base.model, base.settings, base.detection, newer)).kind == "reuse"  # not compared


def test_changed_calibration_refuses_reuse_until_force_rebuild(tmp_path: Path) -> None:
    _build(make_plan(_request(tmp_path)))
    with pytest.raises(MetadataError) as caught:
        make_plan(_request(tmp_path, AWQ_NSAMPLES="128"))
    assert "calibration.nsamples: built with 64, asked for 128" in str(caught.value)
    assert "FORCE_REBUILD=true" in str(caught.value)
    rebuild = make_plan(_request(tmp_path, AWQ_NSAMPLES="128", FORCE_REBUILD="true"))
    assert [s.action for s in rebuild.steps] == ["remove", "mkdir", "run", "metadata", "rename"]
    _build(rebuild)
    assert rebuild.target is not None and read_metadata(rebuild.target)["calibration"]["nsamples"] == 128


def test_an_interrupted_export_is_removed_and_a_failed_one_never_looks_finished(tmp_path: Path) -> None:
    target = tmp_path / ".awq" / "org--Plain-8B-w4a16"
    Path(str(target) + ".partial").mkdir(parents=True)
    plan = make_plan(_request(tmp_path))
    assert plan.steps[0].action == "remove"
    with pytest.raises(StepError, match="exit status 1"):
        execute(plan.steps, io.StringIO(), run=FakeWorker(returncode=1))
    assert not target.exists()
    target.mkdir()
    with pytest.raises(MetadataError, match=r"no awq_metadata\.json"):
        make_plan(_request(tmp_path))


def test_the_plan_says_when_llm_compressor_is_missing(tmp_path: Path) -> None:
    request = _request(tmp_path)
    missing = Request(request.model, request.settings, request.detection, Versions("/p", {}, installed=False))
    plan = make_plan(missing)
    assert plan.quantizes and any("requirements-vllm-quant.txt" in note for note in plan.notes)
    assert f"llm-compressor {PINNED_LLMCOMPRESSOR} (pinned" in "\n".join(render(plan, missing, True))


def test_the_pin_matches_the_requirements_file() -> None:
    lines = (ROOT / "requirements-vllm-quant.txt").read_text().splitlines()
    assert f"llmcompressor=={PINNED_LLMCOMPRESSOR}" in lines
    assert FILENAME == "awq_metadata.json"
