"""From a request to the ordered steps that make (or reuse) an AWQ export; nothing is run here.

Three kinds of plan:

- ``prequantized``: the model already declares (or its name says) a
  quantization; vLLM serves it as it is.
- ``reuse``: ``$AWQ_CACHE_DIR/<model-label>-w4a16`` exists and its
  ``awq_metadata.json`` matches (a mismatch is an error unless
  ``FORCE_REBUILD=true``, which removes and rebuilds it).
- ``quantize``: llm-compressor writes the export into ``<folder>.partial``;
  the metadata and README are written, then it is renamed, so an interrupted
  run never looks finished.

The result is the folder vLLM serves (``CHAT_MODEL``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from trtprep.layout import model_slug, partial
from trtprep.plan import Step

from vllmprep.detect import Detection
from vllmprep.metadata import FILENAME, README, SCHEME, make_metadata, validate
from vllmprep.settings import AwqSettings
from vllmprep.versions import Versions

SERVE_ENV = "CHAT_MODEL"
WORKER = Path(__file__).resolve().parent / "awq_worker.py"
SUFFIX = "w4a16"


@dataclass(frozen=True)
class Request:
    """What was asked, what was found about the model, and this host's quantization environment."""

    model: str
    settings: AwqSettings
    detection: Detection
    versions: Versions
    created: str = ""


@dataclass(frozen=True)
class Plan:
    """The steps, the folder or model id vLLM serves, and notes for the user."""

    kind: str
    target: Path | None
    steps: tuple[Step, ...]
    serve: str
    notes: tuple[str, ...]

    @property
    def quantizes(self) -> bool:
        """Whether a step runs llm-compressor (it needs the quantization environment)."""
        return any(step.action == "run" for step in self.steps)


def export_folder(cache_dir: Path, model: str) -> Path:
    """``$AWQ_CACHE_DIR/<model-label>-w4a16``: ``Qwen/Qwen3-8B`` → ``.awq/Qwen--Qwen3-8B-w4a16``."""
    return cache_dir / f"{model_slug(model)}-{SUFFIX}"


def worker_argv(req: Request, out: Path) -> tuple[str, ...]:
    """The llm-compressor command (:mod:`vllmprep.awq_worker`, run by ``AWQ_PYTHON``)."""
    cal = req.settings.calibration
    return (req.settings.python, str(WORKER), "--model", req.model, "--out", str(out),
            "--dataset", cal.dataset, "--nsamples", str(cal.nsamples), "--seqlen", str(cal.seqlen),
            "--scheme", SCHEME)


def _quantize(req: Request, target: Path) -> list[Step]:
    steps: list[Step] = []
    if target.exists():
        steps.append(Step("remove", f"remove {target} (FORCE_REBUILD=true)", path=target))
    work = partial(target)
    if work.exists():
        steps.append(Step("remove", f"remove the unfinished {work}", path=work))
    argv = worker_argv(req, work)
    data = make_metadata(req.model, req.settings.calibration, versions=req.versions.packages,
                         command=argv, created=req.created)
    steps += [
        Step("mkdir", f"create {req.settings.cache_dir}", path=req.settings.cache_dir),
        Step("run", f"quantize {req.model} to {SCHEME} with llm-compressor (AWQ)", argv=argv),
        Step("metadata", f"write {work / FILENAME} and {work / README}", path=work, data=data),
        Step("rename", f"rename {work} -> {target}", path=work, dest=target),
    ]
    return steps


def make_plan(req: Request) -> Plan:
    """Plan ``req``.

    Raises:
        MetadataError: the export exists, does not match, and FORCE_REBUILD is off.
    """
    found = req.detection
    notes = list(found.notes)
    if found.method is not None:
        why = "its config declares" if found.source == "config" else "its name says"
        notes.append(f"{req.model} is already quantized ({why} {found.method}): vLLM serves it as it is, "
                     "it is not quantized again")
        return Plan("prequantized", None, (), req.model, tuple(notes))
    target = export_folder(req.settings.cache_dir, req.model)
    expected = make_metadata(req.model, req.settings.calibration)
    if target.exists() and not req.settings.force_rebuild:
        validate(target, expected)
        step = Step("reuse", f"reuse {target} ({FILENAME} matches)", path=target)
        return Plan("reuse", target, (step,), str(target.absolute()), tuple(notes))
    if not req.versions.installed:
        notes.append(f"llm-compressor is not installed for {req.settings.python}: "
                     "scripts/lib/vllm_quant.sh installs requirements-vllm-quant.txt into .venv-awq first")
    notes.append("calibration downloads the dataset and needs the GPU; the export is about a quarter "
                 "of the model's 16-bit size")
    return Plan("quantize", target, tuple(_quantize(req, target)), str(target.absolute()), tuple(notes))


__all__ = ["SERVE_ENV", "SUFFIX", "WORKER", "Plan", "Request", "export_folder", "make_plan", "worker_argv"]
