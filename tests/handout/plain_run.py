"""Run a submission's notebooks with plain nbclient beside the course's own edf.py and
mnist_loader.py (no grader involved), and report what they produce: the cells that
raised, and after every training cell the model's errors measured by a probe cell that is
run in the kernel but not added to the notebook.

    python -m tests.handout.plain_run given helpers merged [--quick] [--handout DIR]

This is how the correct styles were checked to be correct; it is not a sandbox: never
run hostile variants (the escape attempt) through it.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from edf_ex2 import data
from tests.handout import course, write_submission

HANDOUT = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[3] / "shared")) / "course-handout"
PROBES = {  # what to print after a cell, by what the cell does: (pattern, unless, code)
    "pcl": [(r"(?<![\w.])train\(|for step in", r"def train",
             "x_node.value, y_node.value = X, y\nedf.Forward()\n"
             "print('PROBE wrong points:', int((np.argmax(prob_node.value, axis=1) != y).sum()), 'of', len(y))")],
    "image": [(r"test_err_per_(lr|depth|hidden)\s*(=|\.append)", r"(?!)",
               "for _n in {names}:\n"
               "    print('PROBE', _n, '=', [round(float(v), 2) for v in np.atleast_1d(globals()[_n])])"),
              (r"train_and_test\(|\bfit\(x_node|for epoch in", r"^\s*def ",
               "x_node.value, y_node.value = test_images, test_labels\nedf.Forward()\n"
               "print('PROBE test error of', [type(n).__name__ for n in edf.CompNodes],\n"
               "      '%.2f %%' % (100 * (np.argmax(prob_node.value, axis=1) != test_labels).mean()))")],
}


def execute(folder: Path, kind: str, workdir: Path) -> list[str]:
    """Lines of report for one notebook: errors by cell, stream tails, probe results."""
    name = course.PCL if kind == "pcl" else course.IMAGE
    nb = nbformat.read(folder / name, as_version=4)
    client = NotebookClient(nb, timeout=3600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    lines: list[str] = []
    started = time.monotonic()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except DeadKernelError as exc:
                lines.append(f"[{index}] KERNEL DIED: {str(exc)[:100]}")
                break
            for out in cell.outputs:
                if out.output_type == "error":
                    lines.append(f"[{index}] ERROR {out.ename}: {out.evalue}")
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            tail = [t for t in text.splitlines() if "Batch" not in t][-2:]
            if tail:
                lines.append(f"[{index}] ... " + " | ".join(t.strip() for t in tail))
            lines += [f"[{index}] {line}" for line in probe(client, kind, cell, index)]
    lines.append(f"{name}: {time.monotonic() - started:.0f} s")
    return lines


def probe(client: NotebookClient, kind: str, cell, index: int) -> list[str]:
    """Run the first matching probe after `cell`, in its kernel, without adding it to the notebook."""
    for pattern, unless, code in PROBES[kind]:
        if re.search(pattern, cell.source) and not re.search(unless, cell.source, re.M):
            names = sorted(set(re.findall(r"\b(?:train|test)_err_per_\w+|\bbest_\w+_(?:lr|depth)\b", cell.source)))
            extra = nbformat.v4.new_code_cell(code.format(names=names))
            client.execute_cell(extra, index)
            return [out.get("text", "").strip() or f"{out.get('ename')}: {out.get('evalue')}" for out in extra.outputs]
    return []


def run(folder: Path, handout: Path, *, quick: bool = False) -> dict[str, list[str]]:
    with tempfile.TemporaryDirectory(prefix="plain-run-") as tmp:
        work = Path(tmp)
        for name in ("edf.py", "mnist_loader.py"):
            shutil.copyfile(handout / name, work / name)
        data.resolve().stage(work, quick=quick)
        return {kind: execute(Path(folder), kind, work) for kind in ("pcl", "image")}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--quick", action="store_true", help="the grader's quick data slice")
    parser.add_argument("--handout", type=Path, default=HANDOUT)
    args = parser.parse_args(argv)
    os.environ["MPLBACKEND"] = "Agg"
    for name in args.names:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_submission(name, args.handout, Path(tmp) / name)
            for kind, lines in run(folder, args.handout, quick=args.quick).items():
                print(f"== {name} / {kind}", *lines, sep="\n", flush=True)


if __name__ == "__main__":
    main()
