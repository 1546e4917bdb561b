"""scripts/vllm_quantize.py end to end (dry runs, exit statuses), the version probe and the worker's API use."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from quant_helpers import no_hub, write_config
from vllm_quantize import NEEDS_QUANT_ENV, main
from vllmprep import awq_worker
from vllmprep.versions import probe_versions


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"AWQ_CACHE_DIR": str(tmp_path / ".awq"), "AWQ_PYTHON": sys.executable, **extra}


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_dry_run_prints_the_plan_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _files(tmp_path)
    code = main(["org/Plain-8B", "--dry-run"], _env(tmp_path), fetch=no_hub)
    out = capsys.readouterr().out
    assert code == 0 and _files(tmp_path) == before
    assert "vLLM 4-bit (AWQ) preparation plan (dry run: nothing is changed)" in out
    assert "quantize org/Plain-8B to W4A16_ASYM with llm-compressor (AWQ)" in out
    assert out.strip().splitlines()[-1] == f"CHAT_MODEL={(tmp_path / '.awq' / 'org--Plain-8B-w4a16').absolute()}"


def test_without_llm_compressor_it_exits_3_before_changing_anything(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["org/Plain-8B"], _env(tmp_path), fetch=no_hub)
    captured = capsys.readouterr()
    assert code == NEEDS_QUANT_ENV and not (tmp_path / ".awq").exists()
    assert "llm-compressor is not installed" in captured.err and "CHAT_MODEL=" not in captured.out


def test_a_prequantized_model_needs_no_quantization_environment(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_config(tmp_path / "Qwen3-8B-AWQ", "awq")
    code = main([str(folder)], _env(tmp_path, AWQ_PYTHON="/nonexistent/python"), fetch=no_hub)
    captured = capsys.readouterr()
    assert code == 0 and captured.out.strip() == f"CHAT_MODEL={folder}"
    assert "already quantized (its config declares awq)" in captured.err


def test_bad_settings_and_a_mismatched_export_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["org/m", "--dry-run"], _env(tmp_path, AWQ_NSAMPLES="-1"), fetch=no_hub) == 2
    (tmp_path / ".awq" / "org--m-w4a16").mkdir(parents=True)
    assert main(["org/m", "--dry-run"], _env(tmp_path), fetch=no_hub) == 2
    err = capsys.readouterr().err
    assert "AWQ_NSAMPLES=-1" in err and "no awq_metadata.json" in err


def test_the_probe_reads_versions_from_the_other_python() -> None:
    here = probe_versions(sys.executable)
    assert here.installed is False and here.packages["torch"] and here.packages["llmcompressor"] is None
    assert probe_versions("/nonexistent/python").installed is False

    def fake(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 0, stdout='{"llmcompressor": "0.14.0.1", "torch": "2.13.0"}\n')

    found = probe_versions("/awq/bin/python", run=fake)
    assert found.installed and found.llmcompressor == "0.14.0.1" and "llmcompressor 0.14.0.1" in found.describe()


def _fake_llmcompressor(monkeypatch: pytest.MonkeyPatch, *, new_api: bool) -> list[dict[str, Any]]:
    """Fake llmcompressor modules recording what the worker builds and passes to oneshot."""
    calls: list[dict[str, Any]] = []

    def modifier(name: str) -> type:
        return type(name, (), {"__init__": lambda self, **kw: setattr(self, "kwargs", kw)})

    modules = {
        "llmcompressor": types.SimpleNamespace(oneshot=lambda **kw: calls.append(kw)),
        "llmcompressor.modifiers": types.SimpleNamespace(),
        "llmcompressor.modifiers.quantization": types.SimpleNamespace(QuantizationModifier=modifier("QM")),
        "llmcompressor.modifiers.awq": types.SimpleNamespace(AWQModifier=modifier("OldAWQ")),
    }
    if new_api:
        modules["llmcompressor.modifiers.transform"] = types.SimpleNamespace()
        modules["llmcompressor.modifiers.transform.awq"] = types.SimpleNamespace(AWQModifier=modifier("AWQ"))
    else:
        monkeypatch.setitem(sys.modules, "llmcompressor.modifiers.transform.awq", None)
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return calls


def test_the_worker_builds_the_awq_recipe_and_calls_oneshot(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _fake_llmcompressor(monkeypatch, new_api=True)
    code = awq_worker.main(["--model", "org/m", "--out", "/tmp/x.partial", "--dataset", "open_platypus",
                            "--nsamples", "64", "--seqlen", "2048"])
    assert code == 0 and len(calls) == 1
    kw = calls[0]
    assert (kw["model"], kw["dataset"], kw["num_calibration_samples"], kw["max_seq_length"], kw["output_dir"]) == (
        "org/m", "open_platypus", 64, 2048, "/tmp/x.partial")
    awq, quant = kw["recipe"]
    assert type(awq).__name__ == "AWQ" and awq.kwargs == {}
    assert quant.kwargs == {"ignore": ["lm_head"], "scheme": "W4A16_ASYM", "targets": ["Linear"]}


def test_the_worker_falls_back_to_the_old_single_modifier(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_llmcompressor(monkeypatch, new_api=False)
    (old,) = awq_worker.build_recipe("W4A16")
    assert type(old).__name__ == "OldAWQ" and old.kwargs["scheme"] == "W4A16"


def test_the_worker_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "llmcompressor", None)
    code = awq_worker.main(["--model", "m", "--out", "o", "--dataset", "d", "--nsamples", "1", "--seqlen", "16"])
    assert code == 3 and "requirements-vllm-quant.txt" in capsys.readouterr().err
