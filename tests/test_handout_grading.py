"""The untouched hand-out is graded to zero, item by item, without the grader failing."""
from edf_autograder.integrations.release import release
from edf_autograder.pipeline import grade


def test_untouched_handout_scores_zero(tmp_path):
    release(tmp_path / "handout")
    result = grade(tmp_path / "handout", quick=True)
    assert result.score == 0 and result.suggested_score == 0
    assert all(i.status in ("fail", "not found", "manual", "skipped") for i in result.items), \
        [(i.id, i.status, i.message) for i in result.items if i.status not in ("fail", "not found", "manual", "skipped")]
    assert all(i.message for i in result.items if i.status != "skipped")
