"""scripts/push_artifacts.py: the variables, mutual exclusion, what goes where, the calls on a fake HfApi."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hfpush.settings import ConfigError, load_push_settings
from hfpush.targets import PushError, engine_subfolder, plan_push
from hfpush.upload import push
from push_artifacts import main
from quant_helpers import FakeApi

ENV = {"HF_TOKEN": "hf_secret", "HF_PUSH_REPO_ID": "me/model-awq"}
ENGINE_META = {"stage": "engine", "quantization": "int4_awq", "kv_cache_dtype": "auto", "sm": "sm90",
               "versions": {"tensorrt_llm": "1.2.0", "modelopt": "0.37.0"}}


def _folder(path: Path, filename: str, data: dict[str, Any]) -> Path:
    path.mkdir(parents=True)
    (path / filename).write_text(json.dumps(data))
    (path / "model.safetensors").write_text("weights")
    return path


def _apis() -> tuple[list[FakeApi], Any]:
    made: list[FakeApi] = []

    def make(token: str, **kw: Any) -> FakeApi:
        made.append(FakeApi(token, **kw))
        return made[-1]

    return made, make


@pytest.mark.parametrize(("missing", "message"), [
    ("HF_TOKEN", "HF_TOKEN is not set: --push-quant needs a Hugging Face token with write access"),
    ("HF_PUSH_REPO_ID", "HF_PUSH_REPO_ID is not set: --push-quant needs the target repo"),
])
def test_each_missing_variable_is_named(missing: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_push_settings({k: v for k, v in ENV.items() if k != missing})
    problems = caught.value.problems
    assert len(problems) == 1 and message in problems[0]


def test_every_problem_is_listed_at_once_and_private_defaults_to_1() -> None:
    with pytest.raises(ConfigError) as caught:
        load_push_settings({"HF_PUSH_REPO_ID": "no-slash", "HF_PUSH_PRIVATE": "maybe"}, "--push-engine")
    text = str(caught.value)
    assert "HF_TOKEN is not set: --push-engine" in text and "HF_PUSH_REPO_ID='no-slash': expected owner/name" in text
    assert "HF_PUSH_PRIVATE='maybe': expected 1 (private, the default) or 0 (public)" in text
    assert load_push_settings(ENV).private is True
    assert load_push_settings({**ENV, "HF_PUSH_PRIVATE": "0"}).private is False
    assert "hf_secret" not in repr(load_push_settings(ENV))


def test_the_two_flags_are_mutually_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--push-quant", "a", "--push-engine", "b"], ENV)
    assert caught.value.code == 2
    assert "--push-quant and --push-engine are mutually exclusive" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--dry-run"], ENV)


def test_an_awq_export_goes_to_the_root_of_a_created_repo(tmp_path: Path) -> None:
    export = _folder(tmp_path / "m-w4a16", "awq_metadata.json", {"model": "org/m"})
    made, make = _apis()
    assert main(["--push-quant", str(export)], {**ENV, "HF_PUSH_PRIVATE": "0"}, make) == 0
    (api,) = made
    assert api.token == "hf_secret"
    assert api.calls == [
        ("create_repo", ("me/model-awq",), {"private": False, "exist_ok": True}),
        ("upload_folder", (), {"repo_id": "me/model-awq", "folder_path": str(export), "path_in_repo": None,
                               "commit_message": "Add AWQ (W4A16) export (m-w4a16) with Cadence"}),
    ]


def test_an_engine_folder_pushes_its_checkpoint_and_the_engine_in_a_labelled_subfolder(tmp_path: Path) -> None:
    ckpt = _folder(tmp_path / "label" / "trtllm-checkpoint", "build_metadata.json", {"stage": "trtllm-checkpoint"})
    engine = _folder(tmp_path / "label" / "engine", "build_metadata.json", ENGINE_META)
    plan = plan_push("--push-quant", engine)
    assert [(u.folder, u.path_in_repo) for u in plan.uploads] == [
        (ckpt, None), (engine, "engines/int4_awq-sm90-trtllm1.2.0")]
    assert engine_subfolder({**ENGINE_META, "kv_cache_dtype": "fp8"}) == "engines/int4_awq-kvfp8-sm90-trtllm1.2.0"
    only = plan_push("--push-engine", engine)
    assert not only.create_repo and [u.path_in_repo for u in only.uploads] == ["engines/int4_awq-sm90-trtllm1.2.0"]


def test_push_engine_needs_an_existing_repo_and_an_engine(tmp_path: Path) -> None:
    engine = _folder(tmp_path / "engine", "build_metadata.json", ENGINE_META)
    log = io.StringIO()
    api = FakeApi("t", exists=False)
    with pytest.raises(PushError, match="does not exist or HF_TOKEN cannot see it"):
        push(plan_push("--push-engine", engine), load_push_settings(ENV), log, lambda _t: api)
    assert [c[0] for c in api.calls] == ["repo_exists"]
    ckpt = _folder(tmp_path / "checkpoint", "build_metadata.json", {"stage": "checkpoint"})
    with pytest.raises(PushError, match="is a checkpoint"):
        plan_push("--push-engine", ckpt)
    with pytest.raises(PushError, match="lacks sm"):
        engine_subfolder({**ENGINE_META, "sm": None})


def test_folders_not_made_by_the_pipeline_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "random").mkdir()
    made, make = _apis()
    assert main(["--push-quant", str(tmp_path / "random")], ENV, make) == 2
    assert main(["--push-quant", str(tmp_path / "absent")], ENV, make) == 2
    err = capsys.readouterr().err
    assert "has no awq_metadata.json or build_metadata.json" in err and "is not a folder" in err
    assert made == []


def test_a_dry_run_uploads_nothing_even_for_a_folder_not_made_yet(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    made, make = _apis()
    assert main(["--push-quant", str(tmp_path / "later"), "--dry-run"], ENV, make) == 0
    out = capsys.readouterr().out
    assert made == [] and "(dry run: nothing is uploaded)" in out and "does not exist yet" in out
    assert "hf_secret" not in out


def test_a_failed_upload_exits_1_without_the_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = _folder(tmp_path / "m-w4a16", "awq_metadata.json", {"model": "org/m"})
    assert main(["--push-quant", str(export)], ENV, lambda token: FakeApi(token, fail=True)) == 1
    err = capsys.readouterr().err
    assert "the upload failed (RuntimeError: 403 Forbidden" in err and "hf_secret" not in err
