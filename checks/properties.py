"""Hypothesis settings for checks that grade: derandomised (the same submission gets the
same verdict every run), no example database, no deadline (each example is a round
trip into the student's kernel)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


def grading_settings(quick: bool) -> settings:
    return settings(max_examples=12 if quick else 40, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    report_multiple_bugs=False)


@st.composite
def activation_inputs(draw, min_abs: float = 1e-2):
    """(x, upstream, grad0): a batch of inputs away from 0 (the kinks), an upstream
    gradient, and a non-zero starting gradient so that overwriting shows."""
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 6)))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    scale = draw(st.sampled_from([0.3, 1.0, 4.0, 30.0]))
    mag = draw(hnp.arrays(np.float64, shape, elements=st.floats(min_abs, 1.0)))
    sign = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    upstream = draw(hnp.arrays(np.float64, shape, elements=st.floats(-2.0, 2.0)))
    grad0 = draw(hnp.arrays(np.float64, shape, elements=st.floats(-1.0, 1.0)))
    return (sign * mag * scale).astype(dtype), upstream, grad0


def central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """The grader's own numerical derivative of an element-wise f, in float64."""
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)
