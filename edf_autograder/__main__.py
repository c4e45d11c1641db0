"""`python -m edf_autograder ...` = `edf-grader ...` = `python grader.py ...`."""
import sys

from edf_autograder.cli import main

sys.exit(main())
