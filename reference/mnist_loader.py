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
    raise FileNotFoundError(f"{os.path.join(path, name)}: missing (also looked for {name}.gz, {dashed} and {dashed}.gz)")


def read_idx(filename, ndim):
    """The uint8 array an IDX file holds, checked against its header."""
    try:
        with open(filename, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":  # gzip data, whatever the name says
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise MNISTFileError(f"{filename}: unreadable ({exc})") from None
    head = 4 + 4 * ndim
    if len(raw) < head:
        raise MNISTFileError(f"{filename}: truncated: {len(raw)} bytes, shorter than the {head}-byte header")
    magic, *dims = struct.unpack(f">{1 + ndim}I", raw[:head])
    if magic != MAGIC[ndim]:
        raise MNISTFileError(f"{filename}: wrong magic number 0x{magic:08x}, expected 0x{MAGIC[ndim]:08x} (an IDX "
                             f"file of unsigned bytes with {ndim} dimension(s))")
    what = f"{dims[0]} images of {dims[1]}x{dims[2]}" if ndim == 3 else f"{dims[0]} labels"
    if ndim == 3 and dims[1:] != [28, 28]:
        raise MNISTFileError(f"{filename}: header says {what}, expected 28x28 images")
    size = int(np.prod(dims))
    if len(raw) - head < size:
        raise MNISTFileError(f"{filename}: truncated: header says {what} ({size} bytes), file has "
                             f"{len(raw) - head} bytes after the {head}-byte header")
    return np.frombuffer(raw, dtype=np.uint8, count=size, offset=head).reshape(dims)


def read_section(section="training", path="MNIST"):
    """(images, labels) of one section as stored: uint8 arrays, counts checked against each other."""
    if section not in FILES:
        raise ValueError(f"section must be 'training' or 'testing', not {section!r}")
    image_file, label_file = (find(path, name) for name in FILES[section])
    images, labels = read_idx(image_file, 3), read_idx(label_file, 1)
    if len(images) != len(labels):
        raise MNISTFileError(f"{image_file} has {len(images)} images but {label_file} has {len(labels)} labels")
    return images, labels


def load_mnist(section="training", path="MNIST"):
    images, labels = read_section(section, path)
    return images / 255.0, labels.astype(np.int64)
