"""The course's MNIST loader: reads the four IDX files, plain or gzipped.

load_mnist(section='training'|'testing', path='MNIST') -> (images, labels): images float64
of shape (N, 28, 28) in [0, 1], labels int64 of shape (N,). The sample count comes from the
file headers. A missing, truncated or wrong-magic file raises an error naming the file and
the problem (FileNotFoundError or MNISTFileError, a ValueError).
"""
import gzip
import os
import struct

import numpy as np

FILES = {
    "training": ("train-images.idx3-ubyte", "train-labels.idx1-ubyte"),
    "testing": ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte"),
}
MAGIC = {3: 0x0803, 1: 0x0801}  # IDX magic: 0x08 = unsigned byte, then the number of dimensions


class MNISTFileError(ValueError):
    pass


def find(path, name):
    """name, name.gz, or the common dash spelling (train-images-idx3-ubyte[.gz])."""
    dashed = name.replace(".idx", "-idx")
    for candidate in (name, name + ".gz", dashed, dashed + ".gz"):
        full = os.path.join(path, candidate)
        if os.path.isfile(full):
            return full
    raise FileNotFoundError("%s: missing (also looked for %s.gz, %s and %s.gz)" % (
        os.path.join(path, name), name, dashed, dashed))


def read_idx(filename, ndim):
    """The uint8 array an IDX file holds, checked against its header."""
    try:
        with open(filename, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":  # gzip data, whatever the name says
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise MNISTFileError("%s: unreadable (%s)" % (filename, exc)) from None
    head = 4 + 4 * ndim
    if len(raw) < head:
        raise MNISTFileError("%s: truncated: %d bytes, shorter than the %d-byte header" % (filename, len(raw), head))
    magic, *dims = struct.unpack(">%dI" % (1 + ndim), raw[:head])
    if magic != MAGIC[ndim]:
        raise MNISTFileError("%s: wrong magic number 0x%08x, expected 0x%08x (an IDX file of unsigned bytes "
                             "with %d dimension(s))" % (filename, magic, MAGIC[ndim], ndim))
    what = "%d images of %dx%d" % tuple(dims) if ndim == 3 else "%d labels" % dims[0]
    if ndim == 3 and dims[1:] != [28, 28]:
        raise MNISTFileError("%s: header says %s, expected 28x28 images" % (filename, what))
    size = int(np.prod(dims))
    if len(raw) - head < size:
        raise MNISTFileError("%s: truncated: header says %s (%d bytes), file has %d bytes after the %d-byte header"
                             % (filename, what, size, len(raw) - head, head))
    return np.frombuffer(raw, dtype=np.uint8, count=size, offset=head).reshape(dims)


def read_section(section="training", path="MNIST"):
    """(images, labels) of one section as stored: uint8 arrays, counts checked against each other."""
    if section not in FILES:
        raise ValueError("section must be 'training' or 'testing', not %r" % (section,))
    image_file, label_file = (find(path, name) for name in FILES[section])
    images, labels = read_idx(image_file, 3), read_idx(label_file, 1)
    if len(images) != len(labels):
        raise MNISTFileError("%s has %d images but %s has %d labels"
                             % (image_file, len(images), label_file, len(labels)))
    return images, labels


def load_mnist(section="training", path="MNIST"):
    images, labels = read_section(section, path)
    return images / 255.0, labels.astype(np.int64)
