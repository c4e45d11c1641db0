"""Steps per second of the point-cloud notebook's training loop, course edf.py vs the grading runtime.

The loop is the notebook's given `train` (Forward, the error count by argmax, Backward,
UpdateParameters, and its progress line at iterations 100, 200, 500, 1000, 5000 and every
10,000), on data/2d_pcl_dataset.npz, for the notebook's two graphs:

    logistic regression  Affine(2->1) -> Sigmoid -> SingleProbToProbVector -> CrossEntropyLoss
    2-16-1 MLP           Affine(2->16) -> Sigmoid -> Affine(16->1) -> Sigmoid -> ... the same

Both implementations train the same graph from the same seed in the same run, in alternating
chunks of steps, so that a neighbour's load on a shared machine slows both alike, with one BLAS
thread as in the grader's kernels. Prints steps per second of CPU time (this process's; stable
when neighbours load the machine) and of wall-clock time, their ratios, and whether the printed
progress lines and final parameters agree. Last, the part of a step no edf.py can speed up: the
notebook's own code (the given node's forward and backward, and the error count), and the
same training as straight-line numpy without any framework: what numpy's per-call cost leaves.

    python bench/pcl_steps.py [--steps 100000] [--chunks 20] [--runtime FILE] [--profile]

`--profile` adds the CPU time of each node's forward and backward, and of each part of a step.

The course's edf.py is read from ../shared/course-handout/ (or $SHARED_DIR/course-handout/);
reference/edf.py stands in for it, with a note, when that folder is absent. Nothing is asserted.
"""
import argparse
import os
import sys
import time
import timeit
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.modules import load_file  # noqa: E402  (no bytecode beside ../shared's files)

SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
COURSE_EDF = SHARED / "course-handout" / "edf.py"
RUNTIME_EDF = ROOT / "edf_autograder" / "runtime" / "edf.py"
DATASET = ROOT / "data" / "2d_pcl_dataset.npz"
PRINTED = (100, 200, 500, 1000, 5000)  # the given train's progress iterations, besides every 10,000
SEED, RATE, HIDDEN = 1234, 1, 16



def course_edf():
    if COURSE_EDF.exists():
        return load_file("edf_course", COURSE_EDF), str(COURSE_EDF)
    print(f"note: {COURSE_EDF} is absent; timing reference/edf.py as the course's edf.py")
    return load_file("edf_course", ROOT / "reference" / "edf.py"), "reference/edf.py"


def prob_vector_class(edf):
    """The notebook's given node, as a student's class on `edf`: an (N, 1) probability z
    becomes the (N, 2) matrix [z, 1 - z]; made by np.repeat and a column write, as given."""

    class SingleProbToProbVector(edf.CompNode):
        def __init__(self, z):
            edf.CompNodes.append(self)
            self.z = z

        def forward(self):
            pair = np.repeat(self.z.value, 2, axis=1)
            pair[:, 1] = 1 - pair[:, 1]
            self.value = pair

        def backward(self):
            self.z.addgrad((self.grad[:, 0] - self.grad[:, 1]).reshape(-1, 1))

    return SingleProbToProbVector


def build(edf, hidden):
    """The notebook's graph: the MLP when `hidden`, else logistic regression."""
    edf.clear_compgraph()
    x_node, y_node = edf.Input(), edf.Input()
    h, width = x_node, 2
    if hidden:
        h, width = edf.Sigmoid(edf.Affine(edf.AffineParams(2, hidden), x_node)), hidden
    prob_node = prob_vector_class(edf)(edf.Sigmoid(edf.Affine(edf.AffineParams(width, 1), h)))
    loss_node = edf.CrossEntropyLoss(prob_node, y_node)
    return x_node, y_node, prob_node, loss_node


def train_steps(edf, first, last, y_node, prob_node, loss_node, printed):
    """Iterations first..last of the notebook's `train` loop, appending its progress lines."""
    for iteration in range(first, last + 1):
        edf.Forward()
        total_err = np.sum(np.not_equal(np.argmax(prob_node.value, axis=1), y_node.value))
        edf.Backward(loss_node)
        edf.UpdateParameters()
        if iteration in PRINTED or iteration % 10000 == 0:
            printed.append(f'iter: {iteration}, error: {total_err:6f}')


class Run:
    """One implementation training one graph, advanced a chunk of steps at a time."""

    def __init__(self, edf, hidden, X, y):
        self.edf, self.seconds, self.cpu, self.printed, self.done = edf, 0.0, 0.0, [], 0
        np.random.seed(SEED)  # AffineParams draw from numpy's global state: same weights for both
        self.x_node, self.y_node, self.prob_node, self.loss_node = build(edf, hidden)
        self.nodes, self.params = edf.CompNodes, edf.Parameters
        self.x_node.value, self.y_node.value = X, y
        edf.learning_rate = RATE

    def advance(self, steps):
        edf = self.edf
        edf.CompNodes, edf.Parameters = self.nodes, self.params  # the module holds one graph at a time
        start, cpu = time.perf_counter(), time.process_time()
        train_steps(edf, self.done + 1, self.done + steps, self.y_node, self.prob_node, self.loss_node, self.printed)
        self.seconds += time.perf_counter() - start
        self.cpu += time.process_time() - cpu
        self.done += steps


def compare(course, runtime, hidden, X, y, steps, chunks):
    runs = [Run(course, hidden, X, y), Run(runtime, hidden, X, y)]
    size = -(-steps // chunks)
    for first in range(0, steps, size):
        for run in runs if first // size % 2 == 0 else runs[::-1]:
            run.advance(min(size, steps - first))
    return runs


def notebook_code(run, steps):
    """CPU seconds per step of what the notebook itself runs in each step: the given node's
    forward and backward (its backward adds into its input's grad) and the error count."""
    node, y_node = run.prob_node, run.y_node
    start = time.process_time()
    for _ in range(steps):
        node.forward()
        np.sum(np.not_equal(np.argmax(node.value, axis=1), y_node.value))
        node.backward()
    return (time.process_time() - start) / steps


def numpy_floor(hidden, X, y, steps):
    """CPU seconds per step of the same training as straight-line numpy: no framework, no
    checks, the fewest calls we know for the math (float32 gradients as EDF keeps them),
    the notebook's own code included. What numpy's per-call cost leaves for any edf.py."""
    rng = np.random.default_rng(SEED)
    sizes = [2, hidden, 1] if hidden else [2, 1]
    layers = [(rng.uniform(-1, 1, (m, n)).astype(np.float32), np.zeros(n, np.float32))
              for m, n in zip(sizes, sizes[1:])]
    picker, weight = np.arange(len(y)) * 2 + y, np.full(len(y), 1 / len(y))
    one, low, high = np.array(1.0), np.array(-10.0), np.array(10.0)
    clip = np._core.umath.clip
    start = time.process_time()
    for _ in range(steps):
        outs = [X]
        for A, b in layers:
            outs.append(np.reciprocal(np.exp(-clip(outs[-1] @ A + b, low, high)) + one))
        pair = np.repeat(outs[-1], 2, axis=1)  # the given node's forward
        pair[:, 1] = 1 - pair[:, 1]
        -np.log(pair.take(picker))
        np.sum(np.not_equal(np.argmax(pair, axis=1), y))  # the given train's error count
        pair_grad = np.zeros(pair.shape, np.float32)
        pair_grad.reshape(-1)[picker] -= weight / pair.take(picker)
        grad = np.zeros((len(y), 1), np.float32)
        grad += (pair_grad[:, 0] - pair_grad[:, 1]).reshape(-1, 1)  # the given node's backward
        for (A, b), below, out in zip(layers[::-1], outs[-2::-1], outs[:0:-1]):
            grad = (grad * out * (one - out)).astype(np.float32)
            below_grad = (grad @ A.T).astype(np.float32) if below is not X else None
            A -= (below.T @ grad).astype(np.float32)
            b -= np.add.reduce(grad, 0)
            grad = below_grad
    return (time.process_time() - start) / steps


def per_node(edf, hidden, X, y, repeat=20000):
    """CPU microseconds of each part of a step, on a graph trained for 100 steps: every node's
    forward and backward alone, then Forward, Backward, UpdateParameters and the error count."""
    run = Run(edf, hidden, X, y)
    run.advance(100)

    def cost(call):
        return min(timeit.repeat(call, number=repeat, repeat=3, timer=time.process_time)) / repeat * 1e6

    rows = [(f"{type(node).__name__}.{part}", cost(getattr(node, part)))
            for node in edf.CompNodes for part in ("forward", "backward")]
    rows += [("Forward()", cost(edf.Forward)), ("Backward(loss)", cost(lambda: edf.Backward(run.loss_node))),
             ("UpdateParameters()", cost(edf.UpdateParameters)),
             ("error count", cost(lambda: np.sum(np.not_equal(np.argmax(run.prob_node.value, axis=1), y))))]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100000)
    parser.add_argument("--chunks", type=int, default=20, help="alternations between the implementations")
    parser.add_argument("--runtime", type=Path, default=RUNTIME_EDF,
                        help="the runtime file to time (e.g. an earlier version, from git show)")
    parser.add_argument("--profile", action="store_true", help="also time each node's forward and backward alone")
    args = parser.parse_args()
    threadpool_limits(1)  # the grader's kernels run with one BLAS thread
    course, where = course_edf()
    runtime = load_file("edf_runtime", args.runtime)
    with np.load(DATASET) as data:
        X, y = data["X"], data["y"]
    print(f"nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}; numpy {np.__version__}; "
          f"{len(X)} points; course edf: {where}; runtime: {args.runtime}")
    print(f"{args.steps} steps of the notebook's train loop, {args.chunks} alternating chunks")
    print("graph                implementation    steps/s (CPU)  steps/s (wall)  CPU s  wall s")
    for name, hidden in (("logistic regression", 0), ("2-16-1 MLP", HIDDEN)):
        slow, fast = compare(course, runtime, hidden, X, y, args.steps, args.chunks)
        for label, run in (("course edf", slow), ("grading runtime", fast)):
            print(f"{name:20s} {label:16s} {run.done / run.cpu:14.0f} {run.done / run.seconds:15.0f} "
                  f"{run.cpu:6.2f} {run.seconds:7.2f}")
        drift = max(float(np.max(np.abs(a.value - b.value))) for a, b in zip(slow.params, fast.params, strict=True))
        same = "same" if slow.printed == fast.printed else "DIFFERENT"
        print(f"{name:20s} course/runtime {slow.cpu / fast.cpu:.2f}x CPU, {slow.seconds / fast.seconds:.2f}x wall; "
              f"printed errors {same}; largest parameter difference {drift:.2e}")
        course_step, few = slow.cpu / slow.done, min(args.steps, 10000)
        own = min(notebook_code(fast, few) for _ in range(3))  # single timings: the fastest of three
        floor = min(numpy_floor(hidden, X, y, few) for _ in range(3))
        print(f"{name:20s} CPU us per step: course {course_step * 1e6:.1f}, runtime {fast.cpu / fast.done * 1e6:.1f}, "
              f"straight-line numpy {floor * 1e6:.1f} (course/that {course_step / floor:.2f}x), "
              f"the notebook's own code {own * 1e6:.1f} (course/that {course_step / own:.1f}x)")
        if args.profile:
            print(f"{name}: CPU us per call          course   runtime")
            for (part, slow_us), (_, fast_us) in zip(per_node(course, hidden, X, y), per_node(runtime, hidden, X, y)):
                print(f"  {part:32s} {slow_us:7.2f} {fast_us:9.2f}")


if __name__ == "__main__":
    main()
