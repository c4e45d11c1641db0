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
    "edf_autograder.answers", "edf_autograder.answers.chains", "edf_autograder.answers.expressions",
    "edf_autograder.answers.formulas", "edf_autograder.answers.notation", "edf_autograder.answers.sheet",
    "edf_autograder.checking", "edf_autograder.checking.evidence", "edf_autograder.checking.registry",
    "edf_autograder.checking.run", "edf_autograder.checking.hypothesis_storage",
    "edf_autograder.checking.verdicts",
    "edf_autograder.evidence", "edf_autograder.evidence.assign", "edf_autograder.evidence.capture",
    "edf_autograder.evidence.graph", "edf_autograder.evidence.integrity", "edf_autograder.evidence.notebooks",
    "edf_autograder.evidence.plan", "edf_autograder.evidence.causes",
    "edf_autograder.intake", "edf_autograder.intake.archives", "edf_autograder.intake.stage",
    "edf_autograder.intake.identify", "edf_autograder.intake.notebooks", "edf_autograder.intake.lms_names",
    "edf_autograder.intake.course_files",
    "edf_autograder.own_files", "edf_autograder.own_files.copies", "edf_autograder.own_files.told",
    "edf_autograder.kernel", "edf_autograder.kernel.exchange", "edf_autograder.kernel.launch",
    "edf_autograder.kernel.output_cap", "edf_autograder.kernel.plain", "edf_autograder.kernel.probe",
    "edf_autograder.kernel.replay", "edf_autograder.kernel.session",
    "edf_autograder.kernel.cells", "edf_autograder.kernel.interpreter", "edf_autograder.kernel.course_env",
    "edf_autograder.reports", "edf_autograder.reports.text", "edf_autograder.reports.junit",
    "edf_autograder.integrations", "edf_autograder.integrations.classroom",
    "edf_autograder.runtime", "edf_autograder.runtime.edf",
    "edf_autograder.kit", "edf_autograder.kit.cli", "edf_autograder.kit.manifest",
    "edf_autograder.kit.readable",
    # the per-task check in a student's notebook (`from edf_autograder.selfcheck import check`)
    "edf_autograder.selfcheck", "edf_autograder.selfcheck.assemble", "edf_autograder.selfcheck.check",
    "edf_autograder.selfcheck.notebook_file", "edf_autograder.selfcheck.recorder", "edf_autograder.selfcheck.session",
    "edf_autograder.selfcheck.show", "edf_autograder.selfcheck.tasks",
)

# files beside the modules that the kit needs: package -> names
ENGINE_DATA = {"edf_autograder.answers": ("expression.lark",), "edf_autograder.selfcheck": ("templates/check.html",)}

# what the engine's kit path imports, by distribution (the kit's wheel requires the grader's versions)
REQUIRES = ("numpy", "nbformat", "nbclient", "ipykernel", "jupyter_client", "pyzmq", "traitlets",
            "hypothesis", "lark", "Jinja2")  # Jinja2: the in-notebook table (Jupyter has it anyway)
