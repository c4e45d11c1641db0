"""What of the engine the students' kit carries: an allow-list, and the one place to extend
when an engine module joins the students' path (e.g. an in-notebook per-task check).

The kit runs `grade(..., quick=True)` as the grader does, with plain kernels: the sandbox,
the memory cap and the /proc readers (Linux-only), the batch, the HTML pages, the LMS
exports and the release stay with the grader, and so do jinja2, matplotlib, tqdm and dask.
"""
from __future__ import annotations

ENGINE_MODULES = (
    "edf_autograder",
    "edf_autograder.errors", "edf_autograder.exercise", "edf_autograder.pipeline",
    "edf_autograder.answers", "edf_autograder.answers.expressions", "edf_autograder.answers.formulas",
    "edf_autograder.answers.notation", "edf_autograder.answers.sheet",
    "edf_autograder.checking", "edf_autograder.checking.evidence", "edf_autograder.checking.registry",
    "edf_autograder.checking.verdicts",
    "edf_autograder.evidence", "edf_autograder.evidence.assign", "edf_autograder.evidence.capture",
    "edf_autograder.evidence.graph", "edf_autograder.evidence.integrity", "edf_autograder.evidence.notebooks",
    "edf_autograder.evidence.plan",
    "edf_autograder.intake", "edf_autograder.intake.archives", "edf_autograder.intake.stage",
    "edf_autograder.kernel", "edf_autograder.kernel.exchange", "edf_autograder.kernel.launch",
    "edf_autograder.kernel.output_cap", "edf_autograder.kernel.plain", "edf_autograder.kernel.probe",
    "edf_autograder.kernel.replay", "edf_autograder.kernel.session",
    "edf_autograder.reports", "edf_autograder.reports.text", "edf_autograder.reports.junit",
    "edf_autograder.integrations", "edf_autograder.integrations.classroom",
    "edf_autograder.runtime", "edf_autograder.runtime.edf",
    "edf_autograder.kit", "edf_autograder.kit.cli", "edf_autograder.kit.manifest",
    "edf_autograder.kit.readable",
)

# files beside the modules that the kit needs: package -> names
ENGINE_DATA = {"edf_autograder.answers": ("expression.lark",)}

# what the engine's kit path imports, by distribution (the kit's wheel requires the grader's versions)
REQUIRES = ("numpy", "nbformat", "nbclient", "ipykernel", "jupyter_client", "pyzmq", "traitlets",
            "hypothesis", "lark")
