"""The grader's probes feed a student's classes through an `edf.Input` / `edf.Parameter` it makes
itself (issue 24): it must work with a student's changed framework (an `Input` that takes its
value, or one that takes more), or say why it could not. Run in-process on a module made from
the course's `edf.py` edited as students edit it; in a grade the same code runs in the kernel."""
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from edf_autograder.kernel import probe

COURSE_EDF = (Path(__file__).resolve().parents[1] / "reference" / "edf.py").read_text(encoding="utf-8")
COURSE_INPUT = "    def __init__(self):\n        pass\n"
INPUTS = {
    "course": COURSE_INPUT,
    "takes its value": "    def __init__(self, value):\n        self.value = value\n",
    "value and a name": "    def __init__(self, value, name):\n        self.value, self.name = value, name\n",
}
COURSE_PARAMETER = "    def __init__(self, value):\n        Parameters.append(self)\n        self.value = DT(value)\n"
PARAMETERS = {  # numerical differentiation is fed an edf.Parameter, as the notebook's plot helper does
    "course": COURSE_PARAMETER,
    "value and a name": "    def __init__(self, value, name):\n        Parameters.append(self)\n"
                        "        self.value, self.name = DT(value), name\n",
    "nothing": "    def __init__(self):\n        Parameters.append(self)\n",
}
TANH = '''
class Tanh(CompNode):
    def __init__(self, x):
        CompNodes.append(self)
        self.x = x

    def forward(self):
        self.value = np.tanh(self.x.value)

    def backward(self):
        self.x.addgrad(self.grad * (1 - self.value ** 2))
'''


def student_edf(monkeypatch, init: str, course: str = COURSE_INPUT) -> types.ModuleType:
    """The course's edf.py with `course` (Input's __init__, or Parameter's) replaced by `init`."""
    assert course in COURSE_EDF, "reference/edf.py no longer defines the class as this test expects"
    edf = types.ModuleType("edf")
    exec(COURSE_EDF.replace(course, init, 1) + TANH, edf.__dict__)
    edf.clear_compgraph()
    monkeypatch.setitem(sys.modules, "edf", edf)
    return edf


def call_tanh(tmp_path: Path, edf) -> dict:
    x = np.array([[-2.0, 0.5, 3.0]])
    np.savez(tmp_path / "in.npz", x=x, upstream=np.ones_like(x), grad0=np.zeros_like(x))
    probe.STASH["test"] = {"Tanh": edf.Tanh}
    probe.call_activation(str(tmp_path), str(tmp_path / "in.npz"), "test", "Tanh")
    with np.load(tmp_path / "act.npz") as out:
        np.testing.assert_allclose(out["value"], np.tanh(x))
        np.testing.assert_allclose(out["grad"], 1 - np.tanh(x) ** 2)
        return dict(out)


@pytest.mark.parametrize("init", INPUTS.values(), ids=INPUTS.keys())
def test_an_activation_is_called_whatever_its_input_takes(tmp_path, monkeypatch, init):
    call_tanh(tmp_path, student_edf(monkeypatch, init))


@pytest.mark.parametrize("init", PARAMETERS.values(), ids=PARAMETERS.keys())
def test_numerical_differentiation_is_called_whatever_its_parameter_takes(tmp_path, monkeypatch, init):
    student_edf(monkeypatch, init, COURSE_PARAMETER)
    x = np.linspace(-1, 1, 5)
    np.savez(tmp_path / "in.npz", x=x)

    def numerical_differentiation(f, node, h=1e-5):
        start = node.value.copy()
        node.value = start + h
        up = f(node)
        up.forward()
        node.value = start - h
        down = f(node)
        down.forward()
        node.value = start
        return (up.value - down.value) / (2 * h)
    probe.STASH["numdiff"] = {"numerical_differentiation": numerical_differentiation}
    probe.call_numdiff(str(tmp_path), str(tmp_path / "in.npz"), "numdiff", "numerical_differentiation", "sigmoid")
    with np.load(tmp_path / "numdiff.npz") as out:
        sig = 1 / (1 + np.exp(-x))
        np.testing.assert_allclose(out["numeric"], sig * (1 - sig), atol=1e-6)


def test_an_input_that_cannot_be_made_says_why(tmp_path, monkeypatch):
    edf = student_edf(monkeypatch, "    def __init__(self, value):\n        raise RuntimeError('no data given')\n")
    with pytest.raises(probe.GraderCallError) as caught:
        call_tanh(tmp_path, edf)
    message = str(caught.value)
    assert message.startswith("the grader could not make an edf.Input holding its inputs with your edf.py")
    assert "Input(value) raised RuntimeError: no data given" in message
    assert "missing 1 required positional argument" not in message
