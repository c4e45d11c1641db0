"""Where a confirmed flag's points go (the workbench, issue 24's flag decisions): its target
item; on the total, first the items the flag is about, then the rest in the sheet's order."""
from edf_autograder.workbench.flags import CONFIRMED, apply, flag_basis, flag_id
from edf_autograder.workbench.store import FlagDecision


def _record(flag_message: str) -> dict:
    items = [{"id": "2.1a-i", "status": "pass", "points": 1.0, "max_points": 1.0},
             {"id": "2.3f-relu", "status": "pass", "points": 1.0, "max_points": 1.0},
             {"id": "2.3f-sigmoid", "status": "pass", "points": 1.0, "max_points": 1.0}]
    return {"items": items, "flags": [{"kind": "mismatch", "message": flag_message}]}


def _confirmed(record: dict, points: float, target: str = "") -> dict:
    flag = record["flags"][0]
    decision = FlagDecision("alice", flag_id(flag), CONFIRMED, points, target, "copied sweep", 0, "tutor",
                            "2026-12-08T02:30:00", flag_basis(flag), 1)
    return {i["id"]: i["points"] for i in apply(record, {flag_id(flag): decision})["items"]}


def test_a_change_on_the_total_lands_on_the_items_the_flag_is_about():
    record = _record("2.3f-sigmoid: the recorded errors are numbers no run produced")
    assert _confirmed(record, -1) == {"2.1a-i": 1.0, "2.3f-relu": 1.0, "2.3f-sigmoid": 0.0}


def test_beyond_the_flags_items_or_without_any_it_goes_in_the_sheets_order():
    assert _confirmed(_record("2.3f-sigmoid: copied"), -2) == {"2.1a-i": 0.0, "2.3f-relu": 1.0, "2.3f-sigmoid": 0.0}
    assert _confirmed(_record("cell 7 replaced Sigmoid.forward"), -1) == {"2.1a-i": 0.0, "2.3f-relu": 1.0,
                                                                          "2.3f-sigmoid": 1.0}


def test_a_target_takes_the_whole_change():
    assert _confirmed(_record("2.3f-sigmoid: copied"), -1, "2.3f-relu") == {"2.1a-i": 1.0, "2.3f-relu": 0.0,
                                                                            "2.3f-sigmoid": 1.0}
