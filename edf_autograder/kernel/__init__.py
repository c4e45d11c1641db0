"""Code that the grader sends into the student's kernel (see `probe.py`)."""
