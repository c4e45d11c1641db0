"""Shared test setup: hypothesis profiles chosen by HYPOTHESIS_PROFILE, and the paths
of the course's own files (used only by tests that skip when they are absent)."""
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
COURSE_DATA = SHARED / "data" / "course"
COURSE_HANDOUT = SHARED / "course-handout"

settings.register_profile("quick", max_examples=10, deadline=None)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def course_data() -> Path:
    if not COURSE_DATA.is_dir():
        pytest.skip(f"the course's own files are not at {COURSE_DATA}")
    return COURSE_DATA


@pytest.fixture(scope="session")
def course_handout() -> Path:
    """The course's own hand-out (its two notebooks, edf.py, mnist_loader.py), read in place."""
    if not COURSE_HANDOUT.is_dir():
        pytest.skip(f"the course's hand-out is not at {COURSE_HANDOUT}")
    return COURSE_HANDOUT
