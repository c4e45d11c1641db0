"""A course as each LMS hands it out: its "download all" archive of the example submissions
under the LMS's naming, and the grade sheet the instructor downloads beside it, written as
the LMS documents and writes them. Results are written directly for the export tests (they
check matching and files; grading itself is tested elsewhere); test_lms_layouts grades for real.
"""
import csv
import io
import json
import zipfile
from pathlib import Path

from edf_autograder.batch import review
from edf_autograder.batch.run import save
from edf_autograder.batch.store import Store
from edf_autograder.checking.verdicts import FAIL, MANUAL, PASS, ItemResult, Result
from edf_autograder.intake.discover import _submissions_folder, discover, unpack
from edf_autograder.reports import html as outputs
from edf_ex2.exercise import EXERCISE

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "submissions").iterdir() if p.is_dir())
PEOPLE = [("Ada", "Lovelace"), ("Alan", "Turing"), ("Grace", "Hopper"), ("José", "Núñez"), ("Katherine", "Johnson"),
          ("Edsger", "Dijkstra"), ("Barbara", "Liskov"), ("Donald", "Knuth"), ("Margaret", "Hamilton")]
ABSENT = [("Charles", "Babbage"), ("=HYPERLINK(\"http://x\")", "Mallory")]  # in the sheet, no submission
MANUAL_ITEMS = {"2.1b", "2.1c-ii", "2.1c-iii", "2.3b", "2.3i"}


def files(example: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(example.iterdir()) if p.name != "expected.json"}


def _zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    path.write_bytes(_zip_bytes(entries))
    return path


# Moodle: folders (4.1 on, and 3.x with a trailing _), flat files, and a student's own zip;
# the worksheet as Moodle's CSV writer makes it (BOM, fields with spaces or commas quoted, \n).

def moodle_id(k: int) -> int:
    return 1001 + k


def moodle_download(path: Path, examples=EXAMPLES) -> Path:
    entries = {}
    for k, example in enumerate(examples):
        first, last = PEOPLE[k]
        prefix = f"{first} {last}_{moodle_id(k)}_assignsubmission_file"
        own = files(example)
        if k % 3 == 0:
            entries |= {f"{prefix}/{name}": data for name, data in own.items()}
        elif k % 3 == 1:
            entries |= {f"{prefix}_{name}": data for name, data in own.items()}
        else:
            entries[f"{prefix}_/submission.zip"] = _zip_bytes({f"MyWork/ex2/{n}": d for n, d in own.items()})
    entries["Ada Lovelace_1001_assignsubmission_onlinetext/onlinetext.html"] = b"<p>see my notebooks</p>"
    return write_zip(path, entries)


def _php_csv(fields) -> str:
    """A row as PHP's fputcsv writes it: quoted when a field holds a space, comma, quote or line end."""
    return ",".join('"' + f.replace('"', '""') + '"' if any(c in f for c in ' ,"\n\r\t') else f for f in fields) + "\n"


MOODLE_HEADER = ["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade", "Grade can be changed",
                 "Last modified (submission)", "Last modified (grade)", "Feedback comments"]


def moodle_worksheet(path: Path, n: int = len(EXAMPLES), *, decimal: str = ".") -> Path:
    rows = []
    people = [(moodle_id(k), PEOPLE[k], "Submitted for grading") for k in range(n)]
    people += [(2001 + k, who, "No submission") for k, who in enumerate(ABSENT)]
    for pid, (first, last), status in people:
        graded = pid == 2001  # graded by hand in Moodle already: a row the export must leave alone
        rows.append([f"Participant {pid}", f"{first} {last}", f"{last.lower()}@example.edu", status,
                     f"12{decimal}50" if graded else "", f"40{decimal}00", "Yes",
                     "-" if status == "No submission" else "Monday, 2 June 2025, 10:15 AM",
                     "Tuesday, 3 June 2025, 9:00 AM" if graded else "-", "Oral exam instead, \"excused\"" if graded else ""])
    path.write_bytes(("\ufeff" + _php_csv(MOODLE_HEADER) + "".join(_php_csv(r) for r in rows)).encode())
    return path


# ILIAS: <exercise>/<assignment>/Submissions/Lastname_Firstname_login_userid/, beside an Excel
# overview; the status file as PhpSpreadsheet writes CSV (every field quoted, no BOM, \n).

def ilias_id(k: int) -> int:
    return 6001 + k


def ilias_login(k: int) -> str:
    return f"{PEOPLE[k][0][0].lower()}_{_ascii(PEOPLE[k][1]).lower()}" if k % 2 else f"st{ilias_id(k)}"


def _ascii(text: str) -> str:
    return text.replace("é", "e").replace("ú", "u").replace("ñ", "n")


def ilias_download(path: Path, examples=EXAMPLES) -> Path:
    base = "Exercise_2/Image_Classification"
    entries = {f"{base}/Image_Classification.xlsx": b"PK not really"}
    for k, example in enumerate(examples):
        first, last = PEOPLE[k]
        folder = f"{base}/Submissions/{_ascii(last)}_{_ascii(first)}_{ilias_login(k)}_{ilias_id(k)}"
        entries |= {f"{folder}/{name}": data for name, data in files(example).items()}
    return write_zip(path, entries)


ILIAS_HEADER = ["update", "usr_id", "login", "lastname", "firstname", "status", "mark", "notice", "comment",
                "plagiarism", "plag_comment"]


def ilias_status(path: Path, n: int = len(EXAMPLES)) -> Path:
    rows = [["0", str(ilias_id(k)), ilias_login(k), PEOPLE[k][1], PEOPLE[k][0], "notgraded", "", "", "", "", ""]
            for k in range(n)]
    rows += [["0", str(7001 + k), f"absent{k}", last, first, "failed", "0", "", "did not hand in", "", ""]
             for k, (first, last) in enumerate(ABSENT)]
    lines = [",".join('"' + f.replace('"', '""') + '"' for f in r) + "\n" for r in [ILIAS_HEADER] + rows]
    path.write_bytes("".join(lines).encode())
    return path


# Canvas: flat submissions.zip, sortable name + user id + file id, a late file and a
# resubmission (-1); the gradebook export with its Points Possible row and read-only totals.

def canvas_id(k: int) -> int:
    return 5001 + k


def canvas_slug(k: int) -> str:
    first, last = PEOPLE[k]
    return f"{last}{first}".lower().replace(" ", "")


def canvas_download(path: Path, examples=EXAMPLES) -> Path:
    entries, file_id = {}, 90000
    for k, example in enumerate(examples):
        late = "_LATE" if k % 4 == 3 else ""
        for name, data in files(example).items():
            file_id += 1
            if k % 3 == 1 and name.endswith(".ipynb"):
                name = name.replace(".ipynb", "-1.ipynb")  # submitted a second time
            entries[f"{canvas_slug(k)}{late}_{canvas_id(k)}_{file_id}_{name}"] = data
    return write_zip(path, entries)


CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercise 1 (7301)",
                 "Exercise 2 – Image Classification (7302)", "Current Points", "Final Points", "Current Score",
                 "Unposted Current Score", "Final Score", "Unposted Final Score"]


def canvas_gradebook(path: Path, n: int = len(EXAMPLES), *, delimiter: str = ",", decimal: str = ".",
                     bom: bool = True) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CANVAS_HEADER)
    ro = "(read only)"
    writer.writerow(["    Points Possible", "", "", "", "", f"10{decimal}00", f"40{decimal}00", ro, ro, ro, ro, ro, ro])
    for k in range(n):
        first, last = PEOPLE[k]
        writer.writerow([f"{last}, {first}", canvas_id(k), f"S{canvas_id(k)}", f"{last.lower()}@uni.example",
                         "Section A", f"9{decimal}5", "", "9.5", "9.5", "95.00", "95.00", "19.00", "19.00"])
    writer.writerow(["Student, Test", "9999", "", "", "Section A", "", "", "0", "0", "", "", "0.00", "0.00"])
    path.write_bytes((("\ufeff" if bom else "") + buf.getvalue()).encode())
    return path


# Graded results written directly: deterministic scores, manual items waiting, and a tutor's
# review imported through the real `review import` path for some of them.

def record_for(sub, k: int) -> dict:
    items = []
    for n, c in enumerate(EXERCISE.checks()):
        spec = c.spec
        if spec.id in MANUAL_ITEMS:
            status, points = MANUAL, spec.points / 2
        elif (k + n) % 5 == 0:
            status, points = FAIL, 0.0 if n % 2 else spec.points / 2
        else:
            status, points = PASS, float(spec.points)
        items.append(ItemResult(spec.id, spec.title, spec.section, points, spec.points, status, "", 0.1))
    result = Result(sub.student, items, "test data", "0.1.0", exercise=EXERCISE.describe())
    return result.to_dict() | {"key": f"k{k}", "student": sub.student, "safe_id": sub.safe_id,
                               "identity": sub.identity.to_dict() if sub.identity else None}


def graded_course(archive: Path, out: Path, *, extra_plain: bool = True) -> list:
    """Discover the download (as `grade` does), write every student's result, then review some."""
    root = unpack(archive, out / "download")
    if extra_plain:  # a submission with no LMS name: it must be listed, never matched by a guess
        (_submissions_folder(root, []) / "walk-in student").mkdir()
    subs, problems = discover(root)
    store = Store(out)
    for k, sub in enumerate(subs):
        save(store, record_for(sub, k), {}, EXERCISE)
    outputs.write_course(out, store.all(), problems, EXERCISE, similarity=False)
    (out / "grades_before_review.csv").write_bytes((out / "grades.csv").read_bytes())
    reviewed = [(s.student, "", "2.1c-iii", "2", "thorough") for s in subs[::2]]
    with open(out / "overrides.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("student", "safe_id", "item", "score", "comment"), *reviewed])
    review.apply_overrides(out, out / "overrides.csv")
    return subs


def grades(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return {row["safe_id"]: row for row in csv.DictReader(fh)}


def identities(out: Path) -> dict[tuple[str, str], str]:
    """(lms, lms id) -> safe_id, from the result files."""
    found = {}
    for p in (out / "students").glob("*/result.json"):
        record = json.loads(p.read_text())
        if record.get("identity"):
            found[(record["identity"]["lms"], record["identity"]["lms_id"])] = record["safe_id"]
    return found


def read_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))
