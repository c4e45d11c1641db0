"""The student's trained graph as plain data, and the grader's own forward pass of it.

The kernel describes its graph (node types, links, parameter arrays); the grader walks
that description itself. Graphs built only from EDF's own node types are evaluated
here, in the grader's process, with the grader's numpy: a kernel that patched `edf` or
numpy, or a graph whose output reads the labels, cannot change that number.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.errors import EvidenceMissing, KernelCallError


@dataclass
class Graph:
    nodes: list[dict]
    roles: dict
    params: dict[str, np.ndarray]   # "p<i>" -> value of node i

    def node(self, i: int) -> dict:
        return self.nodes[i]

    def param(self, node: dict, suffix: str) -> np.ndarray | None:
        for name, idx in node["params"].items():
            if name.split(".")[-1] == suffix:
                return self.params.get(f"p{idx}")
        return None

    def chain(self) -> list[int]:
        """Node indices from the input up to prob_node, following the non-label parent."""
        x, y, i = self.roles.get("x"), self.roles.get("y"), self.roles.get("prob")
        if i is None or x is None:
            raise EvidenceMissing("the graph has no recognisable input and output nodes")
        path = [i]
        while i != x:
            parents = [p for p in self.nodes[i]["parents"] if p != y]
            if not parents or len(path) > 64:
                raise EvidenceMissing(f"the output node {self.nodes[path[-1]]['type']} is not connected to x_node")
            i = parents[0]
            path.append(i)
        return path[::-1]

    def layers(self) -> list[tuple[str, tuple | None]]:
        """[(node type, weight shape or None)] from the input (excluded) to the output."""
        out = []
        for i in self.chain()[1:]:
            node = self.nodes[i]
            A = self.param(node, "A")
            out.append((node["type"], None if A is None else tuple(A.shape)))
        return out


def from_files(desc: dict, params: dict[str, np.ndarray]) -> Graph:
    try:
        nodes, roles = list(desc["nodes"]), dict(desc["roles"])
        for node in nodes:
            if not isinstance(node["type"], str) or not all(isinstance(p, int) for p in node["parents"]):
                raise TypeError
    except (KeyError, TypeError, ValueError):
        raise KernelCallError("the graph description from the kernel is malformed") from None
    return Graph(nodes, roles, {k: np.asarray(v, dtype=np.float64) for k, v in params.items()})


def _sigmoid(z):
    return 1 / (1 + np.exp(-np.clip(z, -10, 10)))


def _softmax(z):
    e = np.exp(np.maximum(-10, z - z.max(axis=1, keepdims=True)))
    return e / e.sum(axis=1, keepdims=True)


# EDF's own node types (and the notebook's given SingleProbToProbVector), evaluated here.
KNOWN = {
    "Sigmoid": _sigmoid,
    "Softmax": _softmax,
    "SingleProbToProbVector": lambda p: np.hstack([p, 1 - p]),
}


def forward(graph: Graph, x: np.ndarray) -> np.ndarray:
    """prob_node's value for input `x`, computed by the grader; EvidenceMissing when the
    graph holds a node type the grader does not evaluate itself (a student's class)."""
    value = np.asarray(x, dtype=np.float64)
    for i in graph.chain()[1:]:
        node = graph.nodes[i]
        if node["type"] == "Affine":
            A, b = graph.param(node, "A"), graph.param(node, "b")
            if A is None or b is None:
                raise EvidenceMissing("an Affine node has no parameters A and b")
            value = value @ A + b
        elif node["type"] in KNOWN:
            value = KNOWN[node["type"]](value)
        else:
            raise EvidenceMissing(f"node type {node['type']} is evaluated in the kernel only")
    return value
