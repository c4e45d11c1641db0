"""Who a submission belongs to, read from the names an LMS gives its "download all" files.

- Moodle (mod/assign): `Full Name_12345_assignsubmission_file` per student and plugin (Moodle
  4.1 on; 3.1-4.0 add a trailing `_`), or flat files `Full Name_12345_assignsubmission_file_<name>`.
  12345 is the participant id the grading worksheet shows as "Participant 12345". Moodle turns
  underscores in names into spaces, so the first underscore ends the name.
- ILIAS (exercise): `<exercise>/<assignment>/Submissions/Lastname_Firstname_login_12345/<file>`,
  12345 the user id; names transliterated to ASCII. A login may hold underscores, a name rarely:
  the login takes what lies between the first name and the id.
- Canvas (submissions.zip): flat files `sortablename[_LATE]_12345_67890_<name>` (older Canvas:
  `sortablenamelate_...`): user id, then the id of the student's file, whose name gets `-1`,
  `-2` when it was submitted again; `anon_<id>_67890_<name>` when grading is anonymous;
  `sortablename_12345_text.html` / `_link.html` for text and URL entries.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

MOODLE = re.compile(r"(?P<name>[^_]+)_(?P<id>\d+)_assign(?:submission|feedback)_(?P<plugin>[a-z0-9]+)(?:_(?P<rest>.*))?", re.S)
ILIAS = re.compile(r"(?P<last>[^_]+)_(?P<first>[^_]+)_(?P<login>.+)_(?P<id>\d+)", re.S)
CANVAS = re.compile(r"(?P<who>.+?)_(?P<id>\d+)_(?P<att>\d+)_(?P<file>.+)", re.S)
CANVAS_ANON = re.compile(r"(?P<late>LATE_)?anon_(?P<id>[A-Za-z0-9]+)_(?P<att>\d+)_(?P<file>.+)", re.S)
CANVAS_ENTRY = re.compile(r"(?P<who>.+?)_(?P<id>\d+)_(?:text|link)\.html", re.S)
RESUBMITTED = re.compile(r"-\d+(?=(\.[^.]*)?$)")


@dataclass(frozen=True)
class Identity:
    """A student as the LMS names them; `lms_id` is what its grade sheet is keyed by."""

    lms: str                     # "moodle", "ilias" or "canvas"
    lms_id: str                  # participant id / user id / Canvas user id or "anon_<id>"
    name: str = ""               # as the download spells it (ILIAS: Lastname_Firstname; Canvas:
                                 # the sortable name, lower case, without punctuation)
    login: str = ""              # ILIAS only
    late: bool = False           # Canvas marks late files
    files: tuple[str, ...] = ()  # Canvas: ids of the student's files (comment uploads refer to one)

    @property
    def key(self) -> tuple[str, str]:
        return self.lms, self.lms_id

    @property
    def label(self) -> str:
        """The student's name in our outputs: readable and unique within the course."""
        if self.lms == "ilias":
            return f"{self.name}_{self.login}_{self.lms_id}"
        return f"{self.name}_{self.lms_id}" if self.name else self.lms_id

    def merge(self, other: Identity) -> Identity:
        files = tuple(dict.fromkeys(self.files + other.files))
        return Identity(self.lms, self.lms_id, self.name or other.name, self.login or other.login,
                        self.late or other.late, files)

    def to_dict(self) -> dict:
        return asdict(self) | {"files": list(self.files)}

    @classmethod
    def from_dict(cls, data: dict | None) -> Identity | None:
        if not isinstance(data, dict) or not data.get("lms") or not data.get("lms_id"):
            return None
        return cls(str(data["lms"]), str(data["lms_id"]), str(data.get("name", "")), str(data.get("login", "")),
                   bool(data.get("late")), tuple(str(f) for f in data.get("files", ())))


def folder(name: str) -> Identity | None:
    """A student's folder in a download: Moodle's or ILIAS's naming, else None."""
    if (m := MOODLE.fullmatch(name)) and not m["rest"]:
        return Identity("moodle", m["id"], m["name"].strip())
    if m := ILIAS.fullmatch(name):
        return Identity("ilias", m["id"], f"{m['last']}_{m['first']}", m["login"])
    return None


def flat_file(name: str) -> tuple[Identity, str] | None:
    """A file of a flat download (Moodle or Canvas) and the name the student gave it."""
    if (m := MOODLE.fullmatch(name)) and m["rest"]:
        return Identity("moodle", m["id"], m["name"].strip()), m["rest"]
    if m := CANVAS_ANON.fullmatch(name):
        return Identity("canvas", f"anon_{m['id']}", late=bool(m["late"]), files=(m["att"],)), _original(m["file"])
    if m := CANVAS_ENTRY.fullmatch(name):
        return _canvas(m["who"], m["id"], ()), name[m.end("id") + 1:]
    if m := CANVAS.fullmatch(name):
        return _canvas(m["who"], m["id"], (m["att"],)), _original(m["file"])
    return None


def _canvas(who: str, user_id: str, files: tuple[str, ...]) -> Identity:
    late = who.endswith(("_LATE", "late"))
    name = who.removesuffix("_LATE") if who.endswith("_LATE") else who.removesuffix("late") if late else who
    return Identity("canvas", user_id, name, late=late, files=files)


def _original(filename: str) -> str:
    """The student's own file name: Canvas appends -1, -2 ... to a file submitted again."""
    return RESUBMITTED.sub("", filename, count=1)
