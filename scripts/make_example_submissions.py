#!/usr/bin/env python3
"""Write submissions/: example submissions made from the reference, each named by the
verdict it must get, with expected.json beside it (tests/test_examples.py grades them).

Each example changes the reference the way a student would get it wrong. expected.json
maps item ids to the status a full run must give ("any" where the outcome is not the
point of the example); items not listed must pass (or be "manual" for free text).
"""
import json
import shutil
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "reference"
OUT = ROOT / "submissions"
PCL, IMAGE = "pcl_binary_classification.ipynb", "image_classification.ipynb"


def _edit(nb, tag: str, old: str, new: str) -> None:
    cell = next(c for c in nb.cells if tag in c.metadata.get("tags", []))
    if old not in cell.source:
        raise SystemExit(f"{tag}: {old!r} not found")
    cell.source = cell.source.replace(old, new)


def _write(name: str, expected: dict, *, pcl=None, image=None, answers=True, extra=None) -> None:
    folder = OUT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for fname, nb in ((PCL, pcl), (IMAGE, image)):
        nb = nb if nb is not None else nbformat.read(REF / fname, 4)
        if nb is not False:
            nbformat.write(nb, folder / fname)
    if answers:
        shutil.copy(REF / "pen_and_paper.toml", folder / "pen_and_paper.toml")
    for fname, content in (extra or {}).items():
        (folder / fname).write_bytes(content)
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")


def ref(fname):
    return nbformat.read(REF / fname, 4)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    _write("passes_all", {})

    nb = ref(IMAGE)  # uses the output instead of the step function: d/dx = x, not 1
    _edit(nb, "2.3d-relu", "self.x.addgrad(self.grad * (self.x.value > 0))", "self.x.addgrad(self.grad * self.value)")
    _write("fails_2_3d_relu_backward", {"2.3d-relu": "fail", "2.3d-relu-mlp": "any", "2.3f-relu": "any",
                                         "2.3g-relu": "any", "2.3h-relu": "any"}, image=nb)

    nb = ref(IMAGE)  # a forward difference with the symmetric quotient's name
    _edit(nb, "2.3e", "numeric_grad = (f_plus.value - f_minus.value) / (2 * h)",
          "f_zero = f(x)\n    edf.Forward()\n    numeric_grad = (f_plus.value - f_zero.value) / h")
    _write("fails_2_3e_one_sided_difference", {"2.3e": "fail"}, image=nb)

    nb = ref(PCL)  # the MLP task left undone: the hand-out's TO-DO stays
    from edf_autograder.integrations.release import strip_notebook
    stripped = strip_notebook(nb)
    for i, cell in enumerate(nb.cells):
        if "2.2c" in cell.metadata.get("tags", []):
            nb.cells[i] = stripped.cells[i]
    _write("fails_2_2c_missing_task", {"2.2c-graph": "not found", "2.2c-error": "not found", "2.2d": "not found"}, pcl=nb)

    nb = ref(IMAGE)  # crashes midway: later cells still run and are graded
    _edit(nb, "2.3e", "    h = 1e-4\n", "    h = 1e-4\n    raise RuntimeError('not finished yet')\n")
    _write("fails_crash_midway_2_3e", {"2.3e": "fail"}, image=nb)

    nb = ref(IMAGE)  # hard-coded sweep numbers instead of the measured ones
    _edit(nb, "2.3f-sigmoid", "\nbest_sigmoid_idx = np.argmin(test_err_per_lr)",
          "\ntest_err_per_lr = [3.0, 2.5, 2.0]  # the sheet says about 2 %\nbest_sigmoid_idx = np.argmin(test_err_per_lr)")
    _write("fails_2_3f_hardcoded_numbers", {"2.3f-sigmoid": "fail"}, image=nb)

    nb = ref(IMAGE)  # the logistic regression reads the labels: a label leak
    _edit(nb, "2.3a", "prob_node = edf.Softmax(edf.Affine(affine_params, x_node))",
          "class Hint(edf.CompNode):\n"
          "    def __init__(self, s, y):\n        edf.CompNodes.append(self)\n        self.s, self.y = s, y\n"
          "    def forward(self):\n        self.value = self.s.value + 20.0 * np.eye(10)[self.y.value]\n"
          "    def backward(self):\n        self.s.addgrad(self.grad)\n"
          "prob_node = edf.Softmax(Hint(edf.Affine(affine_params, x_node), y_node))")
    _write("fails_2_3a_label_leak", {"2.3a-graph": "fail", "2.3a-error": "fail"}, image=nb)

    nb = ref(PCL)  # a cell that never finishes: interrupted at the time limit, the rest graded
    _edit(nb, "2.2d", "# END SOLUTION\nedf.Forward()\n", "# END SOLUTION\nedf.Forward()\nwhile True:\n    pass\n")
    _write("fails_2_2d_never_finishes", {"2.2d": "fail"}, pcl=nb)

    all_image = {"2.3" + s: "not found" for s in (
        "a-graph", "a-error", "c-graph", "c-error", "d-tanh", "d-relu", "d-leakyrelu", "d-tanh-mlp",
        "d-relu-mlp", "d-leakyrelu-mlp", "e", "f-sigmoid", "f-relu", "g-sigmoid", "g-relu", "h-sigmoid",
        "h-relu", "b", "i")}
    _write("fails_broken_image_notebook", all_image, image=False,
           extra={IMAGE: b'{"cells": [{"cell_type": "code", "source": "import edf'})


if __name__ == "__main__":
    main()
    print("\n".join(sorted(p.name for p in OUT.iterdir() if p.is_dir())))
