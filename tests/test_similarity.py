"""Similar code: renamed and reformatted copies are flagged, independent solutions are not,
hand-out code does not count, and the page escapes what it quotes."""
import nbformat
import pytest

from edf_autograder.reports import html as outputs
from edf_autograder.reports import similarity
from edf_ex2.exercise import EXERCISE

NAMES = list(EXERCISE.files.values())

# Student code: no line of it is in the hand-out (whose sweep cells hold `x_node = edf.Input()`).
ORIGINAL = '''
def build_mlp(n_hidden):
    x_in = edf.Input()
    y_in = edf.Input()
    params_1 = edf.AffineParams(2, n_hidden)
    params_2 = edf.AffineParams(n_hidden, 1)
    hidden = edf.Sigmoid(edf.Affine(params_1, x_in))
    prob = edf.Sigmoid(edf.Affine(params_2, hidden))
    loss = edf.CrossEntropyLoss(SingleProbToProbVector(prob), y_in)
    return x_in, y_in, prob, loss

errors = []
for lr in [0.1, 0.5, 1.0]:
    edf.learning_rate = lr
    x_node, y_node, prob, loss = build_mlp(16)
    train(1000, X, y, x_node, y_node, prob, loss)
    errors.append(np.mean((prob.value[:, 0] > 0.5) != y))
print("errors:", errors)
'''

# The same code with every name changed, other literals, comments and another layout.
DISGUISED = '''
# my own MLP builder!!
def make_network(width):
    inp = edf.Input()   # the points
    target = edf.Input()
    first = edf.AffineParams(2,
                             width)
    second = edf.AffineParams(width, 1)
    h = edf.Sigmoid(edf.Affine(first, inp))
    p = edf.Sigmoid(edf.Affine(second, h))
    objective = edf.CrossEntropyLoss(
        SingleProbToProbVector(p),
        target,
    )
    return inp, target, p, objective


results = []
for rate in [.2, .7, 1.5]:
    edf.learning_rate = rate
    inp, target, p, objective = make_network(32)
    train(5000, X, y, inp, target, p, objective)
    results.append(np.mean((p.value[:, 0] > .5) != y))
print('my results', results)
'''

INDEPENDENT = '''
sizes = {"lr": [0.1, 0.5, 1.0]}
table = {}
for rate in sizes["lr"]:
    edf.clear_compgraph()
    edf.learning_rate = rate
    xin, yin = edf.Input(), edf.Input()
    layer = edf.AffineParams(2, 16)
    out = edf.AffineParams(16, 1)
    net = edf.Sigmoid(edf.Affine(out, edf.Sigmoid(edf.Affine(layer, xin))))
    cost = edf.CrossEntropyLoss(SingleProbToProbVector(net), yin)
    xin.value, yin.value = X, y
    step = 0
    while step < 2000:
        edf.Forward()
        edf.Backward(cost)
        edf.UpdateParameters()
        step += 1
    wrong = sum(1 for guess, label in zip(net.value[:, 0] < 0.5, y) if int(guess) != label)
    table[rate] = wrong / len(y)
for rate, err in table.items():
    print(f"{rate}: {err:.3f}")
'''


def student(tmp_path, name: str, *cells: str, magic: bool = False):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Exercise 2.2")]
    if magic:
        nb.cells.append(nbformat.v4.new_code_cell("%matplotlib inline\n!pip list"))
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    folder = tmp_path / name
    (folder / "notebooks").mkdir(parents=True)
    nbformat.write(nb, folder / "notebooks" / "pcl_binary_classification.ipynb")
    return name, folder


def test_renamed_and_reformatted_copies_are_flagged(tmp_path):
    folders = [student(tmp_path, "anna", ORIGINAL), student(tmp_path, "ben", DISGUISED, magic=True),
               student(tmp_path, "cleo", INDEPENDENT)]
    pairs = similarity.similar_pairs(folders)
    assert [(p.a, p.b) for p in pairs] == [("anna", "ben")]
    assert pairs[0].ratio > 0.95
    region = max(pairs[0].regions, key=lambda r: r.tokens)
    assert region.a[0][1] == "def build_mlp(n_hidden):" and region.b[0][1] == "def make_network(width):"
    assert region.a[0][0] == "pcl_binary_classification.ipynb cell 1, line 2"
    assert similarity.Region.where(region.b) == "pcl_binary_classification.ipynb cell 2, lines 3\u201324"


def test_independent_solutions_stay_below_the_threshold(tmp_path):
    a = similarity.own_code("anna", student(tmp_path, "anna", ORIGINAL)[1], set(), NAMES)
    c = similarity.own_code("cleo", student(tmp_path, "cleo", INDEPENDENT)[1], set(), NAMES)
    assert similarity.compare([a, c], threshold=0.0)[0].ratio < 0.7


def test_normalisation_keeps_keywords_builtins_and_attributes():
    tokens = [t for t, _ in similarity.normalise("total = len(xs) + 2.5  # why\nedf.learning_rate = 'a'")]
    assert tokens == ["ID", "=", "len", "(", "ID", ")", "+", "NUM", "edf", ".", "learning_rate", "=", "STR"]


def test_hand_out_code_and_unchanged_hand_outs_are_not_compared(tmp_path):
    reference = tmp_path / "reference"
    reference.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(ORIGINAL.strip() + "\n# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION")]
    nbformat.write(nb, reference / "pcl_binary_classification.ipynb")
    given = similarity.given_lines(reference, NAMES)
    assert "def build_mlp(n_hidden):" in given and "answer = 42" not in given
    code = similarity.own_code("anna", student(tmp_path, "anna", ORIGINAL + "answer = 41\n")[1], given, NAMES)
    assert code.tokens == ["ID", "=", "NUM"]
    pairs, skipped = similarity.similar_pairs_report(
        [student(tmp_path, "x", ""), student(tmp_path, "y", "")])
    assert pairs == [] and [s for s, _ in skipped] == ["x", "y"]


def test_broken_code_is_still_compared(tmp_path):
    broken = ORIGINAL + "\nif True:\n  oops = (\n"
    a = similarity.own_code("anna", student(tmp_path, "anna", broken)[1], set(), NAMES)
    assert len(a.tokens) > similarity.MIN_TOKENS


def test_the_page_escapes_quoted_code(tmp_path):
    evil = '<script>alert(1)</script>'
    code = ORIGINAL + f"\nnote = '{evil}'\n"
    page = outputs.similarity_html([student(tmp_path, evil, code), student(tmp_path, "ben", code)], EXERCISE)
    assert "<script" not in page and "&lt;script&gt;" in page and "100% alike" in page


@pytest.mark.parametrize("threshold", [0.5, 0.99])
def test_the_threshold_is_respected(tmp_path, threshold):
    folders = [student(tmp_path, "anna", ORIGINAL), student(tmp_path, "ben", DISGUISED)]
    assert all(p.ratio >= threshold for p in similarity.similar_pairs(folders, EXERCISE, threshold=threshold))
