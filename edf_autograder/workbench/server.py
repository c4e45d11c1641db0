"""`grader.py review serve OUT`: the workbench on a local port, with a thread that writes the
reviewed outputs (feedback pages, grades.csv, ...) a few seconds after decisions change.

Bound to 127.0.0.1 by default; bound to any other address it requires a token, printed once
in the link to open (kept in a cookie after that)."""
from __future__ import annotations

import secrets
import sys
import threading
import traceback
from pathlib import Path

from werkzeug.serving import make_server

from edf_autograder.errors import HarnessError
from edf_autograder.workbench.app import create_app
from edf_autograder.workbench.publish import publish

LOCAL = ("127.0.0.1", "localhost", "::1")
WRITE_EVERY = 3.0  # seconds between looks for decisions whose outputs are not written yet


class Publisher(threading.Thread):
    """Writes the outputs of changed students in the background until stopped, then once more."""

    def __init__(self, out: Path):
        super().__init__(name="workbench-publisher", daemon=True)
        self.out, self.stopping = Path(out), threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(WRITE_EVERY):
            self.once()
        self.once()

    def once(self) -> None:
        try:
            publish(self.out)
        except Exception:  # a page that fails to render must not stop the tutors' work; it is retried
            traceback.print_exc(file=sys.stderr)

    def stop(self, timeout: float | None = 120) -> None:
        """Stop after writing what is pending (given up after `timeout`: the store keeps what is
        not written yet, and the next start writes it)."""
        self.stopping.set()
        self.join(timeout=timeout)


class Workbench:
    """The server and its publisher; `start()` serves in a thread, `stop()` ends both."""

    def __init__(self, out: Path, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None):
        out = Path(out)
        if not (out / "students").is_dir():
            raise HarnessError(f"{out}: no graded students here; run `grader.py grade ... --out {out}` first")
        if host not in LOCAL and not token:
            token = secrets.token_urlsafe(18)
        self.token = token
        self.app = create_app(out, token=token)
        self.server = make_server(host, port, self.app, threaded=True)
        self.publisher = Publisher(out)
        self.thread = threading.Thread(target=self.server.serve_forever, name="workbench-http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}/" + (f"?token={self.token}" if self.token else "")

    def start(self) -> Workbench:
        self.app.extensions["workbench"][0].refresh()  # read the records now, not on the first tutor's click
        self.publisher.once()  # pages a killed server did not write yet
        self.publisher.start()
        self.thread.start()
        return self

    def stop(self, timeout: float | None = 120) -> None:
        self.server.shutdown()
        self.thread.join(timeout=30)
        self.publisher.stop(timeout)


def serve(out: Path, *, host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    bench = Workbench(out, host=host, port=port, token=token)
    print(f"tutors' workbench for {out}: open {bench.url}  (Ctrl-C to stop)", file=sys.stderr)
    bench.start()
    try:
        bench.thread.join()
    except KeyboardInterrupt:
        print("stopping: writing the last outputs", file=sys.stderr)
    finally:
        bench.stop()
