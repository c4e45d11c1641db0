# Runs INSIDE the student's kernel, sent there by the grader as text. It only reads
# the kernel's state and runs the student's graph or classes on grader-chosen inputs,
# writing plain arrays/JSON into the exchange folder. Nothing here decides a grade:
# the grader validates and judges what comes back. Keep it self-contained (numpy, edf).
import json as _json
import sys as _sys

import numpy as _np


def _edf():
    return _sys.modules["edf"]


def _is_node(obj):
    edf = _edf()
    return isinstance(obj, (edf.CompNode, edf.Parameter))


def _graph_nodes():
    """CompNodes, Parameters and the leaves they reference (Inputs are not registered)."""
    edf = _edf()
    order = list(edf.CompNodes) + list(edf.Parameters)
    seen = {id(n) for n in order}
    for node in list(order):
        for value in vars(node).values():
            if _is_node(value) and id(value) not in seen:
                seen.add(id(value))
                order.append(value)
    return order


def _links(node):
    """(parent nodes, parameters) of a node: direct node attributes, and the Parameters
    held one level down (e.g. AffineParams.A/.b)."""
    parents, params = [], []
    for name, value in vars(node).items():
        if name in ("value", "grad"):
            continue
        if isinstance(value, _edf().Parameter):
            params.append((name, value))
        elif _is_node(value):
            parents.append((name, value))
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            for sub, inner in vars(value).items():
                if isinstance(inner, _edf().Parameter):
                    params.append((name + "." + sub, inner))
    return parents, params


def _find_loss(g):
    edf = _edf()
    for node in reversed(list(edf.CompNodes)):
        if isinstance(node, edf.CrossEntropyLoss):
            return node
    return None


def _roles(g):
    """x_node, y_node, prob_node of the current graph: by the notebook's names when they
    belong to the current graph, else inferred from the last CrossEntropyLoss."""
    nodes = _graph_nodes()
    ids = {id(n) for n in nodes}
    named = {k: g.get(k) for k in ("x_node", "y_node", "prob_node", "loss_node")}
    if all(named[k] is not None and id(named[k]) in ids for k in ("x_node", "y_node", "prob_node")):
        return named["x_node"], named["y_node"], named["prob_node"], "names"
    loss = _find_loss(g)
    if loss is None:
        raise LookupError("no x_node/y_node/prob_node in the current graph and no CrossEntropyLoss to infer them from")
    parents = [v for _, v in _links(loss)[0]]
    prob = next(v for v in parents if isinstance(v, _edf().CompNode) and not isinstance(v, _edf().Input))
    y = next(v for v in parents if v is not prob)
    stack, x = [prob], None
    while stack:
        node = stack.pop()
        if isinstance(node, _edf().Input) and node is not y:
            x = node
            break
        stack.extend(v for _, v in _links(node)[0])
    if x is None:
        raise LookupError("could not find the graph's input node")
    return x, y, prob, "inferred"


def describe_graph(out_dir, g):
    """Write graph.json (node types, parents, parameter ids) and params.npz."""
    nodes = _graph_nodes()
    index = {id(n): i for i, n in enumerate(nodes)}
    x, y, prob, how = _roles(g)
    desc, arrays = [], {}
    for i, node in enumerate(nodes):
        parents, params = _links(node)
        entry = {
            "type": type(node).__name__,
            "bases": [c.__name__ for c in type(node).__mro__[1:]],
            "parents": [index[id(p)] for _, p in parents if id(p) in index],
            "params": {name: index[id(p)] for name, p in params if id(p) in index},
        }
        if isinstance(node, _edf().Parameter):
            arrays["p%d" % i] = _np.asarray(node.value)
        desc.append(entry)
    roles = {"x": index.get(id(x)), "y": index.get(id(y)), "prob": index.get(id(prob)), "how": how}
    with open(out_dir + "/graph.json", "w") as fh:
        _json.dump({"nodes": desc, "roles": roles}, fh)
    _np.savez(out_dir + "/params.npz", **arrays)


def evaluate(out_dir, in_file, g, n_classes):
    """prob_node's value for each input array, with two different fake label vectors
    in y_node (a graph whose output moves with the labels reads them)."""
    edf = _edf()
    x, y, prob, _ = _roles(g)
    saved = (getattr(x, "value", None), getattr(y, "value", None))
    result = {}
    try:
        with _np.load(in_file, allow_pickle=False) as inputs:
            for name in inputs.files:
                data = inputs[name]
                for k, labels in enumerate((_np.zeros(len(data), dtype=_np.int64),
                                            _np.arange(len(data), dtype=_np.int64) % n_classes)):
                    x.value, y.value = data, labels
                    edf.Forward()
                    result["%s_%d" % (name, k)] = _np.array(prob.value, dtype=_np.float64, copy=True)
    finally:
        x.value, y.value = saved
    _np.savez(out_dir + "/eval.npz", **result)


def _lookup(g, dotted):
    first, *rest = dotted.split(".")
    obj = g[first]
    for attr in rest:
        obj = getattr(obj, attr)
    return obj


def values(out_dir, g, names):
    """Numeric values (numbers, lists, arrays; dotted names such as `output.value`) of
    the given global names; values.json says which were absent or not numeric."""
    arrays, report = {}, {}
    for name in names:
        try:
            v = _lookup(g, name)
        except (KeyError, AttributeError):
            report[name] = "absent"
            continue
        try:
            arrays[name] = _np.asarray(v, dtype=_np.float64)
            report[name] = "ok"
        except (TypeError, ValueError):
            report[name] = "not numeric: " + type(v).__name__
    _np.savez(out_dir + "/values.npz", **arrays)
    with open(out_dir + "/values.json", "w") as fh:
        _json.dump(report, fh)


STASH = {}


def stash(out_dir, g, key, names):
    """Keep the student's classes/functions as they are now, before later cells rebind them."""
    STASH[key] = {n: g[n] for n in names if n in g}
    with open(out_dir + "/stash.json", "w") as fh:
        _json.dump(sorted(STASH[key]), fh)


def call_activation(out_dir, in_file, key, name):
    """Forward and backward of a student's activation class on grader inputs.
    The input leaf's grad starts at `grad0` so that overwriting (instead of
    accumulating with addgrad) shows."""
    edf = _edf()
    cls = STASH[key][name]
    with _np.load(in_file, allow_pickle=False) as f:
        x, upstream, grad0 = f["x"], f["upstream"], f["grad0"]
    edf.clear_compgraph()
    leaf = edf.Input()
    leaf.value = x
    leaf.grad = grad0.copy()
    leaf.addgrad = lambda delta: setattr(leaf, "grad", leaf.grad + delta)
    node = cls(leaf)
    node.forward()
    forward = _np.array(node.value, dtype=_np.float64, copy=True)
    node.grad = upstream
    node.backward()
    _np.savez(out_dir + "/act.npz", value=forward, grad=_np.asarray(leaf.grad, dtype=_np.float64))
    edf.clear_compgraph()


def _make_cube():
    """A node students have never seen, with high curvature: f(x) = x**3/3 + sin(2x)."""
    edf = _edf()

    class GraderCube(edf.CompNode):
        def __init__(self, x):
            edf.CompNodes.append(self)
            self.x = x

        def forward(self):
            self.value = self.x.value ** 3 / 3 + _np.sin(2 * self.x.value)

        def backward(self):
            self.x.addgrad(self.grad * (self.x.value ** 2 + 2 * _np.cos(2 * self.x.value)))

    return GraderCube


def call_numdiff(out_dir, in_file, key, fname, which):
    """The student's numerical_differentiation(f, x) with x a Parameter holding float64
    values and the analytic gradient, as the notebook's plot helper prepares it."""
    edf = _edf()
    numdiff = STASH[key][fname]
    if which == "sigmoid":
        f = edf.Sigmoid
    elif which == "cube":
        f = _make_cube()
    else:
        f = STASH[which[0]][which[1]]
    with _np.load(in_file, allow_pickle=False) as data:
        xv = data["x"]
    edf.clear_compgraph()
    x = edf.Parameter(xv)
    x.value = _np.array(xv, dtype=_np.float64)
    y = f(x)
    edf.Forward()
    edf.Backward(y)
    out = numdiff(f, x)
    numeric = out[0] if isinstance(out, tuple) else out
    _np.savez(out_dir + "/numdiff.npz", numeric=_np.asarray(numeric, dtype=_np.float64))
    edf.clear_compgraph()

