"""Model paths: configured, prepared default, or a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadence.config.model_paths import ModelNotPreparedError, model_path
from cadence.config.settings import Settings
from cadence.engines.factory import EngineUnavailableError, default_chat_model
from cadence.tools.factory import ToolUnavailableError, tool_model_path


def test_a_configured_path_wins_without_touching_the_disk(tmp_path: Path) -> None:
    assert model_path("org/model", str(tmp_path), "absent", role="chat", env_name="CHAT_MODEL") == "org/model"


def test_the_prepared_default_is_used(tmp_path: Path) -> None:
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "config.json").write_text("{}")
    assert model_path("", str(tmp_path), "default", role="chat", env_name="X") == str(tmp_path / "default")


def test_a_missing_default_says_how_to_prepare_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotPreparedError, match=r"cadence models prepare.*TOOL_MODEL"):
        model_path("", str(tmp_path), "default", role="tool", env_name="TOOL_MODEL")


def test_each_factory_raises_its_own_error(tmp_path: Path) -> None:
    settings = Settings(models_dir=str(tmp_path))
    with pytest.raises(EngineUnavailableError, match="default chat model is not prepared"):
        default_chat_model(settings)
    with pytest.raises(ToolUnavailableError, match="default tool model is not prepared"):
        tool_model_path(settings)
