"""The students' kit holds no solution (issue 18, part 2): built from the repository, every
archive in it unpacked, its text holds no solution line of the reference notebooks, no value
of the pen-and-paper key, none of the reference's answers and none of its measured results."""
import pytest

from edf_autograder.kit.build import build
from edf_ex2.exercise import EXERCISE
from tests.kit_leaks import key_values, kit_files, leaks, reference_results, solutions

DATA_SUFFIXES = (".npy", "-ubyte")  # the quick data slice: arrays, no text


@pytest.fixture(scope="module")
def kit_texts(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("kit")
    build(folder, exercise=EXERCISE)  # the dependency wheels are PyPI's packages, not searched
    texts, binary = {}, []
    for name, data in kit_files(folder).items():
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            binary.append(name)
    assert binary and all(name.endswith(DATA_SUFFIXES) for name in binary), binary
    return texts


def test_the_kit_holds_no_solution_key_value_or_reference_result(kit_texts):
    assert any(name.endswith("manifest.json") for name in kit_texts)
    assert leaks(kit_texts) == []


def test_the_kit_holds_no_grader_only_file(kit_texts):
    names = "\n".join(kit_texts)
    for absent in ("edf_ex2/key.py", "s2_1a_derivatives", "s2_1bc_proof_and_update", "s2_3_inline_questions",
                   "edf_ex2/data.py", "edf_ex2/figures.py", "figures.json", "pen_and_paper_key", "reference/",
                   "heldout", "kernel/sandbox.py", "memory_cap", "process_tree", "reports/html.py", "batch/"):
        assert absent not in names


def test_the_search_finds_what_it_looks_for():
    """Each kind of needle is found where it is planted (the search cannot pass by seeing nothing)."""
    numbers, texts = key_values()
    assert {"16.5", "33/2", "16,5", "23.611", "425/18", "-2, 4", "11/3, 2/3", "3.667, .667", "3,667; 0,667"} <= numbers
    planted = {
        "a.py": "A = (3,667; 0,667)  # updated",
        "b.md": "loss after: 425/18",
        "c.py": "expected = '1 - tanh(x)^2'",
        "d.py": "    " + sorted(solutions())[0],
        "e.json": "[" + sorted(reference_results())[0] + "]",
    }
    assert len(leaks(planted)) >= len(planted)
    assert leaks({"f.py": "x = 116.5 + 2/35; y = [-2, 45]"}) == []  # other numbers are no leak
