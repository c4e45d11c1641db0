"""Submissions made from the course's real hand-out (`../shared/course-handout/`), filled in
by hand-written solutions that are independent of the project's reference notebooks.

Correct styles (`STYLES`): "given" (TO-DOs filled in place, nothing else changed), "helpers"
(the student's own helper functions, training function and loops), "merged" (cells merged
and reordered, metadata stripped, stale outputs saved). Faulty variants (`VARIANTS`) are
built from them, one mistake or misbehaviour each; `ONE_LINE` holds one-line faults in the
TO-DOs (`one_line.ONE_LINE_FAULTS`, with the items each may cost).

    write_submission("helpers", handout_dir, dest)  # dest/ gets both notebooks + pen_and_paper.toml

The hand-out's files are read at build time and never copied into the repository.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.handout import course, faulty, given, helpers, merged, one_line, own_files

ROOT = Path(__file__).resolve().parents[2]
ANSWER_FILE = ROOT / "reference" / "pen_and_paper.toml"  # the answer format, not a notebook

STYLES = {"given": given.build, "helpers": helpers.build, "merged": merged.build}
VARIANTS = {
    "syntax_error_2_3c": faulty.syntax_error_2_3c,
    "exit_in_2_3f": faulty.exit_in_2_3f,
    "tamper": faulty.tamper,
    "escape": faulty.escape,
    "min_error": faulty.min_error,
    "inline_markup": faulty.inline_markup,
    "helpers_2_3a_2_3c": faulty.helpers_2_3a_2_3c,
    "relu_backward": faulty.relu_backward,
    "one_sided_numdiff": faulty.one_sided_numdiff,
    "no_hidden_2_3c": faulty.no_hidden_2_3c,
    "three_faults": faulty.three_faults,
    "own_edf_input_value": own_files.input_takes_value,
    "own_edf_input_required_other_loader": own_files.input_required_other_loader,
    "own_edf_cosmetic": own_files.cosmetic_edf,
    "data_path_fails": own_files.data_path_fails,
    "no_sigmoid_2_2a": one_line.no_sigmoid_2_2a,
    "no_output_sigmoid_2_2c": one_line.no_output_sigmoid_2_2c,
    "plots_not_of_the_trained_models": one_line.plots_not_of_the_trained_models,
}
# one-line faults in the TO-DOs, each costing its own items only (issue 24); not all VARIANTS, which
# other tests (the kit's) grade one by one
ONE_LINE = {name: build for name, (build, _) in one_line.ONE_LINE_FAULTS.items()}


def write_submission(name: str, handout: Path, dest: Path, **options) -> Path:
    """Write submission `name` (a style or a variant) into the folder `dest`."""
    build = STYLES.get(name) or VARIANTS.get(name) or ONE_LINE[name]
    pcl, image, *files = build(handout, **options)  # a build may add files: {name: text}
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for filename, text in (files[0] if files else {}).items():
        (dest / filename).write_text(text, encoding="utf-8")
    (dest / course.PCL).write_text(course.dumps(pcl), encoding="utf-8")
    (dest / course.IMAGE).write_text(course.dumps(image), encoding="utf-8")
    shutil.copyfile(ANSWER_FILE, dest / "pen_and_paper.toml")
    return dest
