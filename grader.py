#!/usr/bin/env python3
"""Autograder for Exercise 2 (Image Classification): see README.md, or `python grader.py -h`."""
import sys

from edf_autograder.cli import main

if __name__ == "__main__":
    sys.exit(main())
