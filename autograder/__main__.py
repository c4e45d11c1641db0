"""`python -m autograder ...` = `edf-grader ...` = `python grader.py ...`."""
import sys

from autograder.cli import main

sys.exit(main())
