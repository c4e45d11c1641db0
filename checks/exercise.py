"""Exercise 2 (Image Classification) as the engine reads it: its notebooks, data, answer
sheet, checks, figures and summary tables, declared once. Installed as the entry point
`ex2` of `edf_autograder.exercises`."""
from __future__ import annotations

import json
from pathlib import Path

from edf_autograder import runtime
from edf_autograder.exercise import AnswerSheet, Environment, Exercise, Kit, Notebook, Tally
from edf_ex2 import data, figures, folder, key, local_data
from edf_ex2.notebooks import IMAGE, PCL

REFERENCE = folder("reference")
RUNTIME = Path(runtime.__file__).with_name("edf.py")  # the course's EDF, faster (docs/performance.md)
COURSE_COPIES = json.loads((REFERENCE / "course_copies.json").read_text(encoding="utf-8"))

# The course's environment.yml (../shared/course-handout/) lists numpy, jupyterlab, scikit-image and
# matplotlib; students' notebooks run there. jupyterlab is left out: it is the browser front end and
# its server (jupyter_server, notebook stack, ~40 packages) that no kernel runs or notebook imports;
# the kernel itself (ipykernel, IPython) is in the lock.
COURSE_ENVIRONMENT = Environment(
    packages=("numpy", "matplotlib", "scikit-image"),
    lock=Path(__file__).with_name("course_environment.txt"),
    source="the course's environment.yml",
)

ANSWER_SHEET = AnswerSheet(
    filename="pen_and_paper.toml",
    handwritten="pen_and_paper",
    schema={("a", "i"): "expression", ("a", "ii"): "expression", ("a", "iii"): "expression",
            ("a", "iv"): "expression", ("a", "v"): "expression",
            ("b", "proof"): "text",
            ("c", "loss_before"): "number", ("c", "loss_after"): "number", ("c", "gradient"): "pair",
            ("c", "A_updated"): "pair", ("c", "ii"): "text", ("c", "iii_gradient"): "pair",
            ("c", "iii_remark"): "text"},
    template=REFERENCE / "pen_and_paper_template.toml",
    section="2.1",
    key_markers=("c_iii_policy",),
    variables={("a", "i"): ("x", "c"), ("a", "ii"): ("x", "c"), ("a", "iii"): ("x",),
               ("a", "iv"): ("S_j", "S_k", "delta_jk", "j", "k"), ("a", "v"): ("y_i", "p_i")},
)

# What students may have (their self-check kit): the checks whose verdicts they see and what
# those import. Not the key, the pen-and-paper or inline-question checks, the data
# resolution (held-out labels), the thresholds or the figures (the reference's results).
KIT = Kit(
    # edf_ex2.local_data: the hand-out folder's reader, which the in-notebook check measures with
    modules=("edf_ex2", "edf_ex2.notebooks", "edf_ex2.common", "edf_ex2.properties", "edf_ex2.dataset", "edf_ex2.local_data",
             "edf_ex2.s2_2_point_cloud", "edf_ex2.s2_3_mnist_models", "edf_ex2.s2_3d_activations",
             "edf_ex2.s2_3e_numerical_diff", "edf_ex2.s2_3fgh_sweeps"),
    data=data.kit_data,
    dataset="edf_ex2.dataset:kit_dataset",
    readable={"2.1a-i": (("a", "i"),), "2.1a-ii": (("a", "ii"),), "2.1a-iii": (("a", "iii"),),
              "2.1a-iv": (("a", "iv"),), "2.1a-v": (("a", "v"),),
              "2.1c-i": (("c", "loss_before"), ("c", "loss_after"), ("c", "gradient"), ("c", "A_updated")),
              "2.1c-iii": (("c", "iii_gradient"),)},
    requires=("matplotlib",),  # the hand-out's notebooks plot
)


def tallies() -> tuple[Tally, ...]:
    """The disputed key of 2.1c-iii: which gradient the students gave."""
    values = {name: "[" + ", ".join(f"{v:g}" for v in value) + "]" for name, value in key.c_iii_values().items()}
    return (Tally("2.1c-iii", "c_iii", "Pen & paper: the disputed key of 2.1c-iii",
                  {"sheet": f"the sheet's {values['sheet']}", "recomputed": f"the recomputed {values['recomputed']}",
                   "neither": "neither", "no answer": "no gradient"},
                  note=f"The sheet's gradient is {values['sheet']}; recomputing it gives {values['recomputed']}."),)


EXERCISE = Exercise(
    name="ex2",
    title="Exercise 2: Image Classification",
    sections={"2.1": "2.1 Pen & paper", "2.2": "2.2 Point cloud", "2.3": "2.3 MNIST"},
    check_modules=(
        "edf_ex2.s2_1a_derivatives",
        "edf_ex2.s2_1bc_proof_and_update",
        "edf_ex2.s2_2_point_cloud",
        "edf_ex2.s2_3_mnist_models",
        "edf_ex2.s2_3d_activations",
        "edf_ex2.s2_3e_numerical_diff",
        "edf_ex2.s2_3fgh_sweeps",
        "edf_ex2.s2_3_inline_questions",
    ),
    notebooks=(
        Notebook(PCL, "pcl_binary_classification.ipynb", markers=("2d_pcl_dataset", "SingleProbToProbVector")),
        Notebook(IMAGE, "image_classification.ipynb", markers=("mnist_loader", "train_and_test")),
    ),
    reference=REFERENCE,
    staged={"edf.py": RUNTIME, "mnist_loader.py": REFERENCE / "mnist_loader.py"},
    handout_files={"edf.py": REFERENCE / "edf.py", "mnist_loader.py": REFERENCE / "mnist_loader.py"},
    # the course's own copies (../shared/course-handout/PROVENANCE.md): a student who hands them in is told
    # nothing; a changed one is compared with them too (scripts/course_copies.py wrote their fingerprints)
    known_copies={name: (copy["sha256"],) for name, copy in COURSE_COPIES.items()},
    known_forms={name: tuple(copy["forms"]) for name, copy in COURSE_COPIES.items()},
    data=data.resolve,
    data_options={"data": "folder with the full MNIST IDX files (else $MNIST_DIR, else the bundled subset)",
                  "pcl": "point-cloud .npz to use (e.g. the course's own; else $PCL_DATASET, else the project's)"},
    # seconds (cell, notebook), by what the notebooks train on: the reference's longest cell
    # takes a few seconds on the bundled data (docs/reference-results.md)
    time_limits={"quick": (60, 300), "bundled": (120, 1200), "full": (900, 5400)},
    answers=ANSWER_SHEET,
    environment=COURSE_ENVIRONMENT,
    figures=figures.collect,
    drawings=figures.DRAWINGS,
    tallies=tallies,
    local_data=local_data.load,
    kit=KIT,
)
