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
    "edf_autograder.checking.run", "edf_autograder.checking.hypothesis_storage", "edf_autograder.checking.hypothesis_pool",
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

# What the engine's kit path imports, by distribution, as ranges: the kit is installed into the
# student's own environment (Colab, the course's conda environment, a venv) and must change none of
# its packages, so each floor is the oldest version the kit is tested with (`tox -e kit-oldest`
# installs exactly these; `tox -e kit-newest` the newest) and there is no top. The floors are Colab's
# versions (the oldest environment students use; the course's environment.yml resolves newer ones).
# numpy 1.x is not supported: Colab and the course's environment both have numpy 2.
REQUIRES = (
    "numpy>=2.0.2",            # Colab's; the checks and the kernel probe use numpy 2's API
    "nbformat>=5.10.4",        # Colab's: reads and writes the notebooks
    "nbclient>=0.10.2",        # Colab's: executes the notebooks (0.11 needs traitlets>=5.13, newer than Colab's)
    "ipykernel>=6.17.1",       # Colab's: the kernel the notebooks run in, and IPython for the in-notebook check
    "jupyter_client>=7.4.9",   # Colab's: starts and talks to that kernel
    "pyzmq>=24.0.1",           # Colab's: the kernel's sockets (the output cap reads them)
    "traitlets>=5.7.1",        # Colab's: configures the kernel manager
    "Jinja2>=3.1.2",           # the in-notebook table (autoescaped); Jupyter has it anyway
    "hypothesis>=6.100.0",     # the property checks of the students' classes
    "lark>=1.1.9",             # parses pen-and-paper answers to read them back
)
