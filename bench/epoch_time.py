"""Time one epoch (batch 64, SGD at 0.5) of the 784-64-10 sigmoid MLP of sheet 2.3c.

Three implementations train the same network on the same images in the same run: the
course's edf.py (reference/edf.py), the grading runtime (edf_autograder/runtime/edf.py) and,
when it can be imported, PyTorch on the CPU (in float32, its usual dtype, and in float64,
the precision EDF computes in when given the course loader's float64 images).

    python bench/epoch_time.py [--images 60000] [--threads 1 2] [--repeat 1]

Images are data/mnist-10k/digits.npz tiled to --images (random pixels when it is absent).
Nothing is asserted: the script prints seconds per epoch and the ratios between them.
"""
import argparse
import importlib.util
import os
import platform
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
DIGITS = ROOT / "data" / "mnist-10k" / "digits.npz"
BATCH, HIDDEN, RATE, SEED = 64, 64, 0.5, 1234
WARM_UP = 20 * BATCH

try:
    import torch
except ImportError:
    torch = None


def load_edf(name, relative):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def images(n):
    """(n, 784) float64 pixels in [0, 1] and int64 labels, as the course loader gives them."""
    if DIGITS.exists():
        with np.load(DIGITS) as digits:
            pixels = digits["images"].reshape(-1, 784) / 255.0
            labels = digits["labels"].astype(np.int64)
        shuffle = np.random.default_rng(0).permutation(len(labels))  # the file is sorted by label
        reps = -(-n // len(labels))
        return np.tile(pixels[shuffle], (reps, 1))[:n], np.tile(labels[shuffle], reps)[:n], "digits.npz tiled"
    rng = np.random.default_rng(0)
    return rng.random((n, 784)), rng.integers(0, 10, n), "random pixels"


def edf_epoch(edf, x_all, y_all):
    np.random.seed(SEED)
    edf.clear_compgraph()
    x, y = edf.Input(), edf.Input()
    hidden = edf.Sigmoid(edf.Affine(edf.AffineParams(784, HIDDEN), x))
    prob = edf.Softmax(edf.Affine(edf.AffineParams(HIDDEN, 10), hidden))
    loss = edf.CrossEntropyLoss(prob, y)
    edf.learning_rate = RATE
    errors = 0
    start = time.perf_counter()
    for i in range(0, len(x_all), BATCH):
        x.value, y.value = x_all[i:i + BATCH], y_all[i:i + BATCH]
        edf.Forward()
        errors += np.count_nonzero(np.argmax(prob.value, axis=1) != y.value)
        edf.Backward(loss)
        edf.UpdateParameters()
    return time.perf_counter() - start, errors / len(x_all)


def torch_epoch(x_all, y_all, dtype):
    torch.manual_seed(SEED)
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.Sigmoid(),
                                torch.nn.Linear(HIDDEN, 10)).to(dtype)
    step = torch.optim.SGD(model.parameters(), lr=RATE)
    cross_entropy = torch.nn.CrossEntropyLoss()
    x_all = torch.from_numpy(x_all).to(dtype)
    y_all = torch.from_numpy(y_all)
    errors = 0
    start = time.perf_counter()
    for i in range(0, len(x_all), BATCH):
        x, y = x_all[i:i + BATCH], y_all[i:i + BATCH]
        scores = model(x)
        loss = cross_entropy(scores, y)
        step.zero_grad()
        loss.backward()
        step.step()
        errors += int((scores.argmax(dim=1) != y).sum())
    return time.perf_counter() - start, errors / len(x_all)


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    versions = f"numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else "")
    blas = ", ".join(f"{lib['internal_api']} {lib['version']} ({lib['architecture']} kernels)"
                     for lib in threadpool_info() if lib["user_api"] == "blas")
    return f"{os.cpu_count()} CPUs ({cpu}); {versions}; {blas}; load average {os.getloadavg()[0]:.2f}"


def implementations(x_all, y_all):
    """name -> run(warm_up=False) -> (seconds, training error) of one epoch."""
    def data(warm_up):  # a few batches, so that no timing pays for first-call set-up
        return (x_all[:WARM_UP], y_all[:WARM_UP]) if warm_up else (x_all, y_all)

    course, runtime = load_edf("edf_course", "reference/edf.py"), load_edf("edf_runtime", "edf_autograder/runtime/edf.py")
    runs = {"course edf": lambda warm_up=False: edf_epoch(course, *data(warm_up)),
            "grading runtime": lambda warm_up=False: edf_epoch(runtime, *data(warm_up))}
    if torch is None:
        print("PyTorch is not importable: timing the two EDF versions only")
    else:
        runs["pytorch float32"] = lambda warm_up=False: torch_epoch(*data(warm_up), torch.float32)
        runs["pytorch float64"] = lambda warm_up=False: torch_epoch(*data(warm_up), torch.float64)
    return runs


def measure(runs, threads, repeat):
    """Fastest epoch of each implementation, and its training error, at `threads` threads."""
    with threadpool_limits(limits=threads):
        if torch is not None:
            torch.set_num_threads(threads)
        for run in runs.values():
            run(warm_up=True)
        seconds, error = {name: float("inf") for name in runs}, {}
        for _ in range(repeat):  # in rounds, so that a burst of other load hits all alike
            for name, run in runs.items():
                elapsed, error[name] = run()
                seconds[name] = min(seconds[name], elapsed)
    return seconds, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=60_000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="BLAS thread counts")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of epochs; the fastest of each counts")
    args = parser.parse_args()

    x_all, y_all, source = images(args.images)
    runs = implementations(x_all, y_all)
    print(machine())
    print(f"one epoch of {args.images} images ({source}), batch {BATCH}, 784-{HIDDEN}-10 sigmoid MLP")
    print(f"{'threads':>7}  {'implementation':<16} {'seconds':>8} {'train err':>10}")
    for threads in args.threads:
        seconds, error = measure(runs, threads, args.repeat)
        for name in runs:
            print(f"{threads:>7}  {name:<16} {seconds[name]:8.3f} {100 * error[name]:9.2f}%")
        fast = seconds["grading runtime"]
        ratios = [f"course/runtime {seconds['course edf'] / fast:.1f}x"]
        ratios += [f"runtime/{name} {fast / seconds[name]:.2f}x" for name in seconds if name.startswith("pytorch")]
        print(f"{threads:>7}  " + "; ".join(ratios))


if __name__ == "__main__":
    main()
