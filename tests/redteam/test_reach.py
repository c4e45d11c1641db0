"""What a kernel must not reach: files outside its work folder (the answer key, held-out
data, the grader's code, other submissions), the network, the grader's environment, and
the grader's own writes through links planted in the exchange folder."""
import os
import socket
import uuid
from pathlib import Path

import pytest

from edf_autograder.errors import KernelCallError
from edf_autograder.kernel import exchange
from edf_ex2 import data
from edf_ex2.exercise import REFERENCE

from .harness import MECH, contained, limited, namespaced

ROOT = Path(__file__).resolve().parents[2]  # the checkout: the grader's code

PROBE = "import os\nfor path in {paths!r}:\n    try:\n        {action}\n        print('reached', path)\n" \
        "    except OSError as exc:\n        print('refused', path, type(exc).__name__)\n"


@contained
def test_writes_outside_the_work_folder_do_not_land(hostile, tmp_path):
    name = f"redteam-{uuid.uuid4().hex}"
    targets = [f"/tmp/{name}", str(tmp_path / name), str(ROOT / name), str(REFERENCE / name),
               os.path.expanduser(f"~/{name}")]
    ran = hostile(PROBE.format(paths=targets, action="open(path, 'w').write('x')"), "open('mine.txt', 'w').write('ok')")
    assert ran.status() == ["ok", "ok"]
    assert not [t for t in targets if os.path.lexists(t)]
    assert (tmp_path / "work" / "mine.txt").read_text() == "ok"  # its own folder stays writable


@contained
def test_key_heldout_data_grader_code_and_other_submissions_are_unreadable(hostile, tmp_path):
    other = tmp_path / "other-student" / "work"
    other.mkdir(parents=True)
    (other / "image_classification.ipynb").write_text("{}")
    heldout = tmp_path / "heldout.npz"
    heldout.write_bytes(b"labels")
    os.chmod(heldout, 0o644)  # readable by anyone who can reach it: only not mounting keeps it out
    secrets = [str(REFERENCE / "pen_and_paper_key.toml"), str(ROOT / "edf_autograder" / "pipeline.py"),
               str(heldout), str(other / "image_classification.ipynb"), str(data._cache_root()), "/etc/shadow"]
    ran = hostile(PROBE.format(paths=secrets, action="open(path).read(1) if os.path.isfile(path) else os.listdir(path)"))
    assert ran.status() == ["ok"]
    assert "reached" not in ran.texts[0], ran.texts[0]


@limited
def test_the_graders_environment_stays_out(hostile, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_redteam_secret")
    ran = hostile("import os\nprint(sorted(k for k in os.environ if 'TOKEN' in k))")
    assert ran.texts[0] == "[]\n"


@namespaced
def test_no_network_not_even_the_graders_loopback(hostile):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        ran = hostile(f"import socket\nfor where in [('127.0.0.1', {port}), ('1.1.1.1', 53), ('8.8.8.8', 443)]:\n"
                      "    try:\n        socket.create_connection(where, timeout=3).close()\n"
                      "        print('connected', where)\n    except OSError as exc:\n"
                      "        print('refused', where, type(exc).__name__)\n")
    assert ran.status() == ["ok"]
    assert "connected" not in ran.texts[0], ran.texts[0]


def test_a_link_planted_for_the_probe_results_is_refused(hostile, tmp_path):
    secret = tmp_path / "answer.json"
    secret.write_text('{"score": 40}')
    plant = ("import os, sys\nprobe = sys.modules['_grader_probe']\n"
             f"def values(out, *args):\n    os.symlink({str(secret)!r}, os.path.join(out, 'values.json'))\n"
             "probe.values = values")

    def call(session):
        with pytest.raises(KernelCallError, match="values.json"):
            exchange.read_json(session.call("values", {}, ["x"]) / "values.json")

    ran = hostile(plant, during=call)
    assert ran.status() == ["ok"]


@contained
@pytest.mark.skipif(not MECH.as_root, reason="the kernel keeps the grader's uid when the grader is not root")
def test_the_exchange_folder_where_the_grader_writes_is_not_writable(hostile):
    # else a link planted as inputs.npz would have the grader (root) overwrite /etc/passwd
    ran = hostile("import glob, os\nexchange = glob.glob('.grader/*')[0]\n"
                  "os.symlink('/etc/passwd', os.path.join(exchange, 'inputs.npz'))")
    assert ran.status() == ["error"]
    assert "PermissionError" in ran.runs[0].error
