"""What Exercise 2's two notebooks must produce: the one home of the names, shapes and
lists the course's hand-out asks for (../shared/course-handout; docs/contract.md).

The grader requires nothing else: graphs are recognised by their structure, wherever
and however a student builds them; names only where the hand-out's given cells use them.
"""
from edf_autograder.evidence.plan import GraphSlot, NotebookPlan, Sweep

HIDDEN = {"pcl": 16, "image": 64}      # nHiddens of 2.2c and of the MLPs of 2.3c/2.3d
LEAKY_SLOPE = 0.01                     # LeakyReLU's c
ACTIVATIONS = {"tanh": "Tanh", "relu": "ReLU", "leakyrelu": "LeakyReLU"}  # 2.3d's classes
SWEEP_ACTIVATIONS = {"sigmoid": "Sigmoid", "relu": "ReLU"}


def mlp(act: str, n_in: int, hidden: int, n_out: int, out: str) -> tuple:
    return (("Affine", (n_in, hidden)), (act, None), ("Affine", (hidden, n_out)), (out, None))


PCL_LOGREG = (("Affine", (2, 1)), ("Sigmoid", None), ("SingleProbToProbVector", None))
PCL_MLP = mlp("Sigmoid", 2, HIDDEN["pcl"], 1, "Sigmoid") + (("SingleProbToProbVector", None),)
MNIST_LOGREG = (("Affine", (784, 10)), ("Softmax", None))


def mnist_mlp(act: str) -> tuple:
    return mlp(act, 784, HIDDEN["image"], 10, "Softmax")


PCL = NotebookPlan(
    kind="pcl", classes=2, inputs=("points",),
    # the given 2 x 100,000 training steps are most of a quick check's time; no quick item
    # reads their result (the error items skip a stopped training, see s2_2_point_cloud)
    quick_updates=1000,
    slots=(
        GraphSlot("2.2a-train", PCL_LOGREG, title="logistic regression"),
        GraphSlot("2.2b", PCL_LOGREG[:-1], kind="plot", of="2.2a-train", title="logistic regression plot"),
        GraphSlot("2.2c-train", PCL_MLP, title="MLP"),
        GraphSlot("2.2d", PCL_MLP[:-1], kind="plot", of="2.2c-train", title="MLP plot"),
    ),
)

IMAGE = NotebookPlan(
    kind="image", classes=10, inputs=("heldout", "test", "trainhead"),
    slots=(
        GraphSlot("2.3a-train", MNIST_LOGREG, title="logistic regression"),
        GraphSlot("2.3c-train", mnist_mlp("Sigmoid"), title="Sigmoid MLP"),
        *(GraphSlot(f"2.3d-{act}-train", mnist_mlp(cls), title=f"{cls} MLP") for act, cls in ACTIVATIONS.items()),
    ),
    sweeps=(
        Sweep("2.3f", ("train_err_per_lr", "test_err_per_lr"), "learning_rates", (0.1, 0.5, 1.0),
              SWEEP_ACTIVATIONS, {"sigmoid": "best_sigmoid_lr", "relu": "best_relu_lr"}, what="lr"),
        Sweep("2.3g", ("train_err_per_depth", "test_err_per_depth"), "num_layers", (2, 4, 6),
              SWEEP_ACTIVATIONS, {"sigmoid": "best_sigmoid_depth", "relu": "best_relu_depth"}, what="depth"),
        # the hand-out's width sweeps end with the loop and a plot: no best width is asked for
        Sweep("2.3h", ("train_err_per_hidden", "test_err_per_hidden"), "num_hidden", (32, 64, 128),
              SWEEP_ACTIVATIONS, {}, what="hidden"),
    ),
    definitions={**{f"2.3d-{act}": cls for act, cls in ACTIVATIONS.items()},
                 "2.3e": "numerical_differentiation"},
)

PLANS = {"pcl": PCL, "image": IMAGE}
