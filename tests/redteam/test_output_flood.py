"""Output floods: the grader keeps a bounded amount per cell, says so, and its memory
stays small; the kernel's next cell still reports normally."""
from edf_autograder.kernel import sandbox

from .harness import PeakRSS


def test_200_mb_of_output_leaves_the_grader_small(hostile):
    with PeakRSS() as rss:
        ran = hostile("print('x' * (200 * 2**20))",
                      "import time\nstart = time.time()\nwhile time.time() - start < 3:\n    print('y' * 1000, flush=True)",
                      "print('after')")
    assert ran.status() == ["ok", "ok", "ok"]
    assert "output connection was reset" in ran.texts[0]  # one message over 16 MiB
    assert "was not kept" in ran.texts[1]                  # many small ones
    assert len(ran.texts[1]) <= sandbox.CELL_OUTPUT
    assert ran.texts[2] == "after\n"
    assert rss.growth < 100, f"the grader grew by {rss.growth:.0f} MiB"
