"""The tutors' workbench: a Flask application over one output folder.

Pages: `/` progress per item and tutor, `/item/<id>` the item's answers in groups with the
rubric, `/attention` flags, errors, ungraded submissions and handwritten pages, `/class` the
measured values against their limits. Every form posts back to the page it came from.

Safety: templates autoescape every piece of student text; the Content-Security-Policy allows
only the workbench's own script file, so even text that slipped through cannot run; forms carry
a per-server secret (another site's page cannot post decisions); handwritten files are served
only from the students' handwritten/ folders, as images or PDF, never as HTML.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, abort, redirect, render_template, request, send_from_directory, url_for

from edf_autograder.intake.stage import HANDWRITTEN_FOLDER
from edf_autograder.reports import html
from edf_autograder.workbench import attention, decide, overview, student, views
from edf_autograder.workbench.batch import Batch
from edf_autograder.workbench.decide import ReviewError
from edf_autograder.workbench.store import Decisions

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'self'; "
       "frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
FILE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp"}


def create_app(out: Path, *, token: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(OUT=Path(out), TOKEN=token, CSRF=secrets.token_urlsafe(16), MAX_CONTENT_LENGTH=1 << 20)
    batch, store = Batch(out), Decisions(out)
    app.extensions["workbench"] = (batch, store)
    app.jinja_env.filters.update(html.FILTERS)
    app.jinja_env.globals.update(html.GLOBALS)

    @app.before_request
    def guard():
        if token and request.cookies.get("wb_token") != token:
            if request.args.get("token") == token:  # the link the server printed: keep it in a cookie
                reply = redirect(request.path)
                reply.set_cookie("wb_token", token, httponly=True, samesite="Strict")
                return reply
            abort(403)
        if request.method == "POST" and request.form.get("csrf") != app.config["CSRF"]:
            abort(400, "this form is from an older server start or another site; reload the page")

    @app.after_request
    def headers(reply):
        reply.headers.setdefault("Content-Security-Policy", CSP)
        reply.headers["X-Content-Type-Options"] = "nosniff"
        reply.headers["Referrer-Policy"] = "no-referrer"
        reply.headers["Cache-Control"] = "no-store"
        return reply

    @app.context_processor
    def common():
        return {"csrf": app.config["CSRF"], "tutor": _tutor(), "out": str(app.config["OUT"])}

    @app.get("/")
    def index():
        b = batch.refresh()
        decided = store.all()
        return render_template("index.html", progress=overview.progress(b.items, decided, store.progress()),
                               attention=len(attention.students(b.records, store.flags(), decided)), students=len(b.records),
                               dirty=len(store.dirty()))

    @app.get("/item/<item_id>")
    def item(item_id: str):
        b = batch.refresh()
        if item_id not in b.items:
            abort(404, f"no item {item_id} waits for a person")
        return render_template("item.html", **views.item_page(b, store, item_id), message=request.args.get("msg", ""))

    @app.post("/item/<item_id>/decide")
    def decide_group(item_id: str):
        b = _known(batch, item_id)
        entry = request.form.get("rubric") or None
        answers = views.bases(b, item_id, request.form.getlist("student"))
        try:
            done = decide.decide(store, item_id, answers, max_points=b.items[item_id].max_points, tutor=_tutor(),
                                 points=None if request.form.get("withdraw") else request.form.get("points", ""),
                                 comment=request.form.get("comment", ""), seen=request.form.get("seen", type=int),
                                 rubric_id=int(entry) if entry else None)
        except ReviewError as exc:
            return _back(item_id, str(exc), request.form.get("group"))
        return _back(item_id, done.note(), request.form.get("next") or request.form.get("group"))

    @app.post("/item/<item_id>/split")
    def split(item_id: str):
        decide.split(store, request.form["student"], item_id, apart=request.form.get("apart") == "1")
        return _back(item_id, "", None)

    @app.post("/item/<item_id>/rubric")
    def add_entry(item_id: str):
        b = _known(batch, item_id)
        try:
            decide.add_entry(store, item_id, request.form.get("points", ""), request.form.get("comment", ""),
                             max_points=b.items[item_id].max_points, tutor=_tutor())
        except ReviewError as exc:
            return _back(item_id, str(exc), None)
        return _back(item_id, "rubric entry added", request.form.get("group"))

    @app.post("/rubric/<int:entry_id>")
    def change_entry(entry_id: int):
        item_id = request.form.get("item", "")
        b = _known(batch, item_id)
        try:
            changed = decide.change_entry(store, entry_id, points=request.form.get("points", ""), tutor=_tutor(),
                                          comment=request.form.get("comment"), max_points=b.items[item_id].max_points)
        except ReviewError as exc:
            return _back(item_id, str(exc), None)
        return _back(item_id, f"rubric entry changed: {len(changed)} decisions follow it", None)

    student.register(app, batch, store, _tutor)

    @app.get("/attention")
    def attention_page():
        students = attention.students(batch.refresh().records, store.flags(), store.all())
        return render_template("attention.html", students=students)

    @app.get("/class")
    def class_page():
        return render_template("class.html", measures=overview.measures(batch.refresh().records), near=overview.NEAR)

    @app.get("/file/<safe_id>/<name>")
    def handwritten(safe_id: str, name: str):
        kind = FILE_TYPES.get(Path(name).suffix.lower())
        if kind is None or batch.refresh().record(safe_id) is None:
            abort(404)
        folder = app.config["OUT"] / "students" / safe_id / HANDWRITTEN_FOLDER
        reply = send_from_directory(folder, name, mimetype=kind, as_attachment=False)
        # the type is fixed by the file's extension (with nosniff): never run as a page. An image gets
        # a sandbox as well; a PDF cannot (the browser's PDF viewer does not run in one, nor under
        # default-src 'none'), and may only be framed by the workbench itself
        reply.headers["Content-Security-Policy"] = ("sandbox; default-src 'none'; img-src 'self'"
                                                    if kind.startswith("image/") else "frame-ancestors 'self'")
        return reply

    @app.post("/set-tutor")
    def set_tutor():
        back = request.form.get("back", "")
        reply = redirect(back if back.startswith("/") and not back.startswith("//") else url_for("index"))
        reply.set_cookie("wb_tutor", request.form.get("name", "").strip()[:60], samesite="Strict")
        return reply

    @app.post("/publish")
    def publish_now():
        from edf_autograder.workbench.publish import publish
        publish(app.config["OUT"])
        return redirect(url_for("index"))

    return app


def _known(batch: Batch, item_id: str) -> Batch:
    b = batch.refresh()
    if item_id not in b.items:
        abort(404, f"no item {item_id} waits for a person")
    return b


def _tutor() -> str:
    return request.cookies.get("wb_tutor") or "tutor"


def _back(item_id: str, message: str, anchor: str | None):
    target = url_for("item", item_id=item_id, msg=message or None)
    return redirect(target + (f"#g-{anchor}" if anchor else ""), code=303)
