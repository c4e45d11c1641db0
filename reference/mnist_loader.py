"""The course's MNIST loader: reads the four IDX files, plain or gzipped.

load_mnist(section='training'|'testing', path='MNIST') -> (images, labels) with images
float64 of shape (N, 28, 28) in [0, 1] and int64 labels of shape (N,). The sample count
comes from the file header; a missing, truncated or wrong-magic file raises an error
that names the file and the problem.
"""
import gzip
import os
import struct

import numpy as np

FILES = {
    "training": ("train-images.idx3-ubyte", "train-labels.idx1-ubyte"),
    "testing": ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"),
}
MAGIC = {3: 2051, 1: 2049}  # number of dimensions -> IDX magic for unsigned bytes


class MNISTFileError(ValueError):
    pass


def _find(path, name):
    """name, name.gz, or the common dash spelling (train-images-idx3-ubyte[.gz])."""
    dashed = name.replace(".idx", "-idx")
    for candidate in (name, name + ".gz", dashed, dashed + ".gz"):
        full = os.path.join(path, candidate)
        if os.path.isfile(full):
            return full
    raise FileNotFoundError("%s: missing (also looked for .gz and %s)" % (os.path.join(path, name), dashed))


def _read(path, name, ndim):
    full = _find(path, name)
    opener = gzip.open if full.endswith(".gz") else open
    try:
        with opener(full, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise MNISTFileError("%s: unreadable (%s)" % (full, exc)) from None
    head = 4 + 4 * ndim
    if len(raw) < head:
        raise MNISTFileError("%s: truncated: %d bytes, shorter than the %d-byte header" % (full, len(raw), head))
    magic, *dims = struct.unpack(">%dI" % (1 + ndim), raw[:head])
    if magic != MAGIC[ndim]:
        raise MNISTFileError("%s: wrong magic number %d, expected %d (not an IDX file of %d dimension(s))"
                             % (full, magic, MAGIC[ndim], ndim))
    size = int(np.prod(dims))
    if len(raw) - head < size:
        raise MNISTFileError("%s: truncated: header says %s (%d bytes), file has %d"
                             % (full, " x ".join(map(str, dims)), size, len(raw) - head))
    return np.frombuffer(raw, dtype=np.uint8, count=size, offset=head).reshape(dims), full


def load_mnist(section="training", path="MNIST"):
    if section not in FILES:
        raise ValueError("section must be 'training' or 'testing', not %r" % (section,))
    image_file, label_file = FILES[section]
    images, ifile = _read(path, image_file, 3)
    labels, lfile = _read(path, label_file, 1)
    if len(images) != len(labels):
        raise MNISTFileError("%s has %d images but %s has %d labels" % (ifile, len(images), lfile, len(labels)))
    return images.astype(np.float64) / 255.0, labels.astype(np.int64)
