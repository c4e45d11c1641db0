"""The student's graph as plain data, and the grader's own forward pass of it.

The kernel describes its graph (node types, links, value shapes, a checksum per
Parameter, and the Parameters' arrays when the grader asks for them); the grader walks
that description itself. Graphs built only from EDF's own node types are evaluated
here, in the grader's process, with the grader's numpy: a kernel that patched `edf` or
numpy, or a graph whose output reads the labels, cannot change that number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from edf_autograder.errors import EvidenceMissing, KernelCallError


@dataclass
class Graph:
    nodes: list[dict]
    roles: dict
    params: dict[str, np.ndarray] = field(default_factory=dict)  # "p<i>" -> value of node i

    def _weight(self, node: dict, suffix: str) -> int | None:
        return next((idx for name, idx in node["params"].items() if name.split(".")[-1] == suffix), None)

    def param(self, node: dict, suffix: str) -> np.ndarray | None:
        idx = self._weight(node, suffix)
        return None if idx is None else self.params.get(f"p{idx}")

    def param_shape(self, node: dict, suffix: str) -> tuple | None:
        idx = self._weight(node, suffix)
        if idx is None:
            return None
        shape = self.nodes[idx].get("shape")
        if shape is None and f"p{idx}" in self.params:
            shape = self.params[f"p{idx}"].shape
        return tuple(shape) if shape is not None else None

    def chain(self) -> list[int]:
        """Node indices from the input up to the output, following the non-label parent."""
        x, y, i = self.roles.get("x"), self.roles.get("y"), self.roles.get("prob")
        if i is None or x is None:
            raise EvidenceMissing("the graph has no recognisable input and output nodes")
        path = [i]
        while i != x:
            parents = [p for p in self.nodes[i]["parents"] if p != y]
            if not parents or len(path) > 64:
                raise EvidenceMissing(f"the output node {self.nodes[path[-1]]['type']} is not connected to the input")
            i = parents[0]
            path.append(i)
        return path[::-1]

    def layers(self) -> list[tuple[str, tuple | None]]:
        """[(node type, weight shape or None)] from the input (excluded) to the output."""
        return [(self.nodes[i]["type"], self.param_shape(self.nodes[i], "A")) for i in self.chain()[1:]]

    def chain_weights(self) -> list[np.ndarray | None]:
        """The weights' arrays along the chain, input to output (each node's by weight name;
        None where the kernel sent no array): which parameters a graph computes with."""
        return [self.params.get(f"p{idx}") for i in self.chain()
                for _, idx in sorted(self.nodes[i]["params"].items(), key=lambda item: item[0].split(".")[-1])]

    def has_loss(self, losses: tuple[str, ...] = ("CrossEntropyLoss",)) -> bool:
        """A loss node (of one of these classes, or a subclass) reads the output: a graph
        built to be trained."""
        prob = self.roles.get("prob")
        return prob is not None and any(
            prob in n["parents"] and (n["type"] in losses or set(n.get("bases", ())) & set(losses)) for n in self.nodes)

    def identity(self) -> tuple:
        """Which graph this is, across cells: its output and input nodes."""
        return tuple(self.nodes[self.roles[r]]["uid"] if self.roles.get(r) is not None else None
                     for r in ("prob", "x"))

    def weights_checksum(self) -> tuple:
        """Changes when a weight on the chain changes: training happened."""
        try:
            chain = self.chain()
        except EvidenceMissing:
            return ()
        return tuple(self.nodes[idx].get("checksum") for i in chain
                     for idx in self.nodes[i]["params"].values())

    def input_shape(self) -> tuple | None:
        x = self.roles.get("x")
        shape = self.nodes[x].get("shape") if x is not None else None
        return tuple(shape) if shape is not None else None


def from_files(desc: dict, params: dict[str, np.ndarray] | None = None) -> Graph:
    """A Graph from the kernel's description, validated: indices in range, plain types."""
    try:
        nodes, roles = list(desc["nodes"]), dict(desc["roles"])
        n = len(nodes)
        for node in nodes:
            if not isinstance(node["type"], str) or not all(isinstance(p, int) and 0 <= p < n for p in node["parents"]):
                raise TypeError
            if not all(isinstance(i, int) and 0 <= i < n for i in dict(node["params"]).values()):
                raise TypeError
            shape = node.get("shape")
            if shape is not None and not all(isinstance(s, int) for s in shape):
                raise TypeError
        if not all(roles.get(r) is None or (isinstance(roles[r], int) and 0 <= roles[r] < n)
                   for r in ("x", "y", "prob")):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError):
        raise KernelCallError("the graph description from the kernel is malformed") from None
    return Graph(nodes, roles, {k: np.asarray(v, dtype=np.float64) for k, v in (params or {}).items()})


def _sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -10, 10)))


def _softmax(z):
    e = np.exp(np.maximum(-10, z - z.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


# EDF's own node types, evaluated here (an exercise adds the node types its hand-out gives).
KNOWN = {
    "Sigmoid": _sigmoid,
    "Softmax": _softmax,
}


def forward(graph: Graph, x: np.ndarray, *, upto: int | None = None, nodes=KNOWN) -> np.ndarray:
    """The output's value for input `x`, computed by the grader (the chain's first `upto`
    layers only, if given); EvidenceMissing when a node on the way is of a type the grader
    does not evaluate itself (a student's class)."""
    value = np.asarray(x, dtype=np.float64)
    for i in graph.chain()[1:][:upto]:
        node = graph.nodes[i]
        if node["type"] == "Affine":
            A, b = graph.param(node, "A"), graph.param(node, "b")
            if A is None or b is None:
                raise EvidenceMissing("an Affine node has no parameters A and b")
            value = value @ A + b
        elif node["type"] in nodes:
            value = nodes[node["type"]](value)
        else:
            raise EvidenceMissing(f"node type {node['type']} is evaluated in the kernel only")
    return value
