"""One student's page in the workbench (`/student/<safe_id>`): every item with its points as
the reports show them, where any item, automatic ones included, can be overridden with a
reason (a grade appeal); the student's flags, each decided there ("cleared", or "confirmed"
with a points change); and the history of every decision taken for the student."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, redirect, render_template, request, url_for

from edf_autograder.reports.text import decision_change
from edf_autograder.workbench import flags, scores
from edf_autograder.workbench.attention import flag_rows
from edf_autograder.workbench.batch import Batch
from edf_autograder.workbench.decide import ReviewError, appeal
from edf_autograder.workbench.store import Decisions


def page(record: dict, store: Decisions) -> dict:
    safe_id = record.get("safe_id", "")
    decided, flagged = store.all(safe_id).get(safe_id, {}), store.flags(safe_id).get(safe_id, {})
    shown = scores.reviewed(record, decided, flagged)
    return {"record": shown, "student": record.get("student", record.get("submission", "")), "safe_id": safe_id,
            "decided": decided, "flags": flag_rows(record, flagged), "history": store.history(safe_id),
            "targets": [(i["id"], i["max_points"]) for i in record["items"]]}


def register(app: Flask, batch: Batch, store: Decisions, tutor: Callable[[], str]) -> None:
    """The student page and its two forms: decide a flag, override an item."""

    def known(safe_id: str) -> dict:
        record = batch.refresh().record(safe_id)
        if record is None:
            abort(404, f"no graded student {safe_id}")
        return record

    @app.get("/student/<safe_id>")
    def student(safe_id: str):
        return render_template("student.html", **page(known(safe_id), store), message=request.args.get("msg", ""))

    @app.post("/student/<safe_id>/flag")
    def decide_flag(safe_id: str):
        record = known(safe_id)
        flag = next((f for f in record.get("flags") or [] if flags.flag_id(f) == request.form.get("flag")), None)
        if flag is None:
            return _back(safe_id, "this flag is no longer raised (the submission was graded again); reload the page")
        try:
            d = flags.decide_flag(store, safe_id, flag, verdict=request.form.get("verdict", ""), tutor=tutor(),
                                  points=request.form.get("points", "0"), target=request.form.get("target", ""),
                                  comment=request.form.get("comment", ""), internal=bool(request.form.get("internal")),
                                  items={i["id"]: i["max_points"] for i in record["items"]})
        except ReviewError as exc:
            return _back(safe_id, str(exc))
        change = decision_change(d.verdict, d.points, d.target)
        change = f" with {change}" if change else " with no points change" if d.verdict == flags.CONFIRMED else ""
        return _back(safe_id, f"{flag.get('kind', 'flag')} flag {d.verdict}{change}")

    @app.post("/student/<safe_id>/override")
    def override(safe_id: str):
        plain = scores.automatic(known(safe_id))
        item = next((i for i in plain["items"] if i["id"] == request.form.get("item")), None)
        if item is None:
            abort(404, "no such item")
        try:
            done = appeal(store, safe_id, item["id"], scores.basis(plain, item), tutor=tutor(),
                          points=None if request.form.get("withdraw") else request.form.get("points", ""),
                          reason=request.form.get("reason", ""), max_points=item["max_points"])
        except ReviewError as exc:
            return _back(safe_id, str(exc))
        return _back(safe_id, f"{item['id']}: " + ("override stored" if done.written else "nothing to withdraw"))


def _back(safe_id: str, message: str):
    return redirect(url_for("student", safe_id=safe_id, msg=message or None), code=303)
