"""Where a model is loaded from: its configured path, or the default that
``cadence models prepare`` put under ``MODELS_DIR``."""

from __future__ import annotations

from pathlib import Path


class ModelNotPreparedError(Exception):
    """No model is configured and the default one is not prepared; the
    message says how to prepare it."""


def model_path(configured: str, models_dir: str, default_dir: str, *, role: str, env_name: str) -> str:
    """``configured`` when set, else ``models_dir/default_dir`` once prepared
    (a folder with a ``config.json``). Checks the file system only.

    Raises:
        ModelNotPreparedError: nothing configured and no prepared default.
    """
    if configured:
        return configured
    folder = Path(models_dir) / default_dir
    if not (folder / "config.json").is_file():
        raise ModelNotPreparedError(
            f"the default {role} model is not prepared at {folder}: run "
            f"`python -m cadence models prepare` (or `bash scripts/main.sh`), or set {env_name}"
        )
    return str(folder)


__all__ = ["ModelNotPreparedError", "model_path"]
