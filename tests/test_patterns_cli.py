"""`heal patterns …` as users run it: a real heal process, a real store in HEAL_HOME."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from heal.diagnose import diagnose
from heal.store import Failure, PatternFix, Store, schema

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "outputs")
LIST_KEYS = {"id", "signature", "category", "summary", "fix", "source", "successes", "failures", "confidence",
             "last_used"}
METRICS_KEYS = {"runs", "failures", "healed", "auto_resolution_rate", "mttr_seconds", "per_category", "top_patterns",
                "trend"}
GHP = "ghp_" + "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA9"


def failure(name: str) -> Failure:
    with open(os.path.join(FIXTURES, name + ".json"), encoding="utf-8") as fh:
        fx = json.load(fh)
    return Failure.of(diagnose(fx["output"], argv=fx["argv"], exit_code=fx["exit_code"]))


def store_path(env: dict[str, str]) -> str:
    return os.path.join(env["HEAL_HOME"], "patterns.sqlite3")


@pytest.fixture
def filled(heal_env, project) -> dict[str, int]:
    """A store with a learned step, a taught command (with a secret and this machine's paths in it), an
    observed fix, and outcomes."""
    home = os.path.expanduser("~")
    with Store(store_path(heal_env)) as s:
        yaml = failure("python-modulenotfound-yaml")
        learned = s.record_fix(yaml, PatternFix.of_playbook("python-missing-module", 0), True)
        s.record_fix(yaml, PatternFix.of_playbook("python-missing-module", 0), True)
        http = failure("network-curl-http-503")
        weak = s.record_fix(http, PatternFix.of_playbook("network-retry", 0), False)
        f = failure("c-gcc-missing-header-curl")
        taught = s.teach(f.signature, f.fingerprint, f.category, f.tool,
                         [f"{project}/scripts/setup-deps", "--token", f"TOKEN={GHP}", f"{home}/bin/fetch-headers"],
                         ecosystem=f.ecosystem, key=f.key, summary=f.summary + f" [{project}/fetch.c]", cwd=project)
        node = failure("node-require-not-found-lodash")
        observed = s.observe(node, [["npm", "install", "lodash"]])
        for i, healed in enumerate([True, True, False]):
            s.record_outcome(started=1_795_000_000.0 + i, duration=10.0 * (i + 1), category="dependency",
                             signature=yaml.signature, healed=healed, argv=["python", "app.py"],
                             pattern_id=learned if healed else None)
    return {"learned": learned, "weak": weak, "taught": taught.id, "observed": observed.id}


def one_error_line(r, code: int = 2) -> str:
    err = r.stderr.decode()
    assert r.returncode == code, (r.returncode, err)
    assert err.count("\n") == 1 and err.startswith("heal: ") and "Traceback" not in err, err
    return err


# --- list, show ----------------------------------------------------------------------------------


def test_list_without_a_store_says_so_and_creates_nothing(heal, heal_env):
    r = heal("patterns", "list")
    assert r.returncode == 0 and b"no patterns yet" in r.stdout
    r = heal("patterns", "list", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    assert not os.path.exists(store_path(heal_env))


def test_list_json_is_the_design_shape(heal, filled):
    r = heal("patterns", "list", "--json")
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [i["id"] for i in items] == sorted(filled.values())
    assert all(set(i) == LIST_KEYS for i in items)
    by_id = {i["id"]: i for i in items}
    learned = by_id[filled["learned"]]
    assert learned["source"] == "learned" and (learned["successes"], learned["failures"]) == (2, 0)
    assert learned["fix"] == {"kind": "playbook", "playbook": "python-missing-module", "step": 0}
    assert learned["confidence"] == 0.342 and learned["last_used"].endswith("+00:00")
    assert by_id[filled["observed"]]["source"] == "observed"
    assert GHP not in r.stdout.decode()


def test_list_for_people(heal, filled):
    r = heal("patterns", "list")
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert lines[0].split()[:4] == ["ID", "SOURCE", "CATEGORY", "CONF"]
    assert any("playbook python-missing-module step 0" in line and "learned" in line for line in lines)
    assert len(lines) == 1 + len(filled)


def test_show(heal, filled):
    r = heal("patterns", "show", str(filled["taught"]))
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert f"pattern {filled['taught']} (taught)" in text and "run: ./scripts/setup-deps --token" in text
    assert "header=curl/curl.h" in text and GHP not in text
    r = heal("patterns", "show", "--json", str(filled["learned"]))
    obj = json.loads(r.stdout)
    assert LIST_KEYS <= set(obj) and obj["approved"] is True and len(obj["content_hash"]) == 64
    assert "No module named" in obj["fingerprint"]


@pytest.mark.parametrize("args", [["patterns", "show", "999"], ["patterns", "show", "abc"], ["patterns", "show"],
                                  ["patterns"], ["patterns", "lst"], ["patterns", "list", "--jsn"],
                                  ["patterns", "list", "extra"], ["patterns", "prune"],
                                  ["patterns", "prune", "--older-than", "soon"],
                                  ["patterns", "prune", "--min-confidence", "2"], ["patterns", "prune", "--older-than"],
                                  ["patterns", "approve"], ["patterns", "approve", "1", "--all"],
                                  ["patterns", "approve", "x1"], ["patterns", "export"],
                                  ["patterns", "import", "/nonexistent/dir"]])
def test_usage_errors_are_one_line_exit_2(heal, filled, args):
    one_error_line(heal(*args), 2)


def test_help(heal):
    r = heal("patterns", "--help")
    assert r.returncode == 0 and b"heal patterns prune" in r.stdout and b"approve" in r.stdout


# --- prune -----------------------------------------------------------------------------------------


def test_prune_says_what_it_removed_by_id(heal, filled):
    r = heal("patterns", "prune", "--min-confidence", "0.3", "--dry-run")
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    # confidence: learned 2/0 = 0.34; taught 1/0 and observed 1/0 = 0.21; the failed step 0/1 = 0
    expected = sorted([filled["weak"], filled["taught"], filled["observed"]])
    assert out.splitlines()[-1] == f"would remove 3 patterns: {', '.join(map(str, expected))}"
    assert len(json.loads(heal("patterns", "list", "--json").stdout)) == 4
    r = heal("patterns", "prune", "--unused", "--min-confidence", "0.3")
    assert r.stdout.decode().splitlines()[-1] == f"removed 1 pattern: {filled['weak']}"
    ids = [i["id"] for i in json.loads(heal("patterns", "list", "--json").stdout)]
    assert filled["weak"] not in ids and len(ids) == 3
    r = heal("patterns", "prune", "--older-than", "3650d")
    assert r.returncode == 0 and r.stdout.decode().splitlines()[-1] == "removed 0 patterns"


# --- metrics ---------------------------------------------------------------------------------------


def test_metrics(heal, filled):
    r = heal("patterns", "metrics", "--json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert set(m) == METRICS_KEYS
    assert (m["runs"], m["healed"], m["failures"], m["auto_resolution_rate"], m["mttr_seconds"]) == \
        (3, 2, 1, 0.667, 15.0)
    assert m["per_category"] == {"dependency": {"runs": 3, "healed": 2, "rate": 0.667}}
    assert m["top_patterns"][0]["id"] == filled["learned"] and m["top_patterns"][0]["uses"] == 2
    assert len(m["trend"]) == 8
    text = heal("patterns", "metrics").stdout.decode()
    assert "healed: 2 (67%)" in text and "mean time to heal: 15.0 s" in text
    assert "by category" in text and "dependency" in text and "week (UTC)" in text


def test_metrics_without_a_store(heal, heal_env):
    m = json.loads(heal("patterns", "metrics", "--json").stdout)
    assert (m["runs"], m["mttr_seconds"], len(m["trend"])) == (0, None, 8)
    assert not os.path.exists(store_path(heal_env))


# --- export, import, approve -----------------------------------------------------------------------


def test_export_is_reviewable_stable_and_without_secrets_or_this_machines_paths(heal, filled, tmp_path, project):
    out = tmp_path / "team-patterns"
    r = heal("patterns", "export", str(out))
    assert r.returncode == 0 and r.stdout.decode().strip() == f"exported 4 patterns to {out}"
    names = sorted(os.listdir(out))
    assert len(names) == 4 and all(n.endswith(".json") for n in names)
    first = {n: (out / n).read_bytes() for n in names}
    heal("patterns", "export", str(out))
    assert {n: (out / n).read_bytes() for n in sorted(os.listdir(out))} == first  # same bytes, same names
    text = b"".join(first.values()).decode()
    assert GHP not in text and str(tmp_path) not in text and project not in text
    assert os.path.expanduser("~") + "/" not in text
    taught = next(json.loads(b) for b in first.values() if json.loads(b)["fix"]["kind"] == "command")
    assert taught["fix"]["argv"][0] == "./scripts/setup-deps" and taught["fix"]["argv"][3] == "~/bin/fetch-headers"
    assert taught["key"] == {"header": "curl/curl.h"} and "<PATH>/fetch.c" in taught["summary"]
    assert list(taught) == sorted(taught)  # sorted keys, a stable diff in review


def test_import_then_approve(heal, filled, heal_env, tmp_path):
    out = tmp_path / "team"
    heal("patterns", "export", str(out))
    other = dict(heal_env, HEAL_HOME=str(tmp_path / "teammate"))
    r = heal("patterns", "import", str(out), env=other)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.decode().splitlines()
    assert lines[0] == f"imported 4 patterns from {out}"
    assert "1 of them run a command" in lines[1] and "heal patterns approve" in lines[1]
    items = json.loads(heal("patterns", "list", "--json", env=other).stdout)
    assert {i["source"] for i in items} == {"imported"}
    command = next(i for i in items if i["fix"]["kind"] == "command")
    shown = json.loads(heal("patterns", "show", "--json", str(command["id"]), env=other).stdout)
    assert shown["approved"] is False
    assert "imported*" in heal("patterns", "list", env=other).stdout.decode()
    r = heal("patterns", "approve", str(command["id"]), env=other)
    assert r.returncode == 0 and r.stdout.decode().startswith(f"approved {command['id']}: run: ./scripts/setup-deps")
    assert json.loads(heal("patterns", "show", "--json", str(command["id"]), env=other).stdout)["approved"] is True
    rest = heal("patterns", "approve", "--all", env=other).stdout.decode().splitlines()
    assert len(rest) == 3 and all(line.startswith("approved ") for line in rest)  # the other three, whole
    assert heal("patterns", "approve", "--all", env=other).stdout.decode().startswith("nothing to approve")
    again = heal("patterns", "import", str(out), env=other)
    assert again.returncode == 0 and "imported 0 patterns" in again.stdout.decode()
    assert "(4 already known)" in again.stdout.decode()


BAD_FILES = {
    "a-not-json.json": ("{not json", "not valid JSON"),
    "b-missing.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "category": "build",
                                   "fix": {"kind": "playbook", "playbook": "network-retry", "step": 0}}),
                       "field 'fingerprint' is missing"),
    "c-category.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                    "category": "nonsense", "fix": {"kind": "advice", "commands": [["ls"]]}}),
                        "field 'category'"),
    "d-argv.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e", "category": "build",
                                "fix": {"kind": "command", "argv": "rm -rf /"}}), "field 'fix.argv'"),
    "e-option.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                  "category": "build", "fix": {"kind": "command", "argv": ["--exec", "x"]}}),
                      "field 'fix.argv'"),
    "f-playbook.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                    "category": "build", "fix": {"kind": "playbook", "playbook": "nope"}}),
                        "field 'fix.playbook'"),
    "g-step.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                "category": "network", "fix": {"kind": "playbook", "playbook": "network-retry",
                                                               "step": 7}}), "field 'fix.step'"),
    "h-count.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                 "category": "network", "successes": -3,
                                 "fix": {"kind": "playbook", "playbook": "network-retry"}}), "field 'successes'"),
    "i-unknown.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e",
                                   "category": "network", "run_first": ["sh"],
                                   "fix": {"kind": "playbook", "playbook": "network-retry"}}), "field 'run_first'"),
    "j-format.json": (json.dumps({"format": "heal-pattern/9", "signature": "s", "fingerprint": "e",
                                  "category": "network", "fix": {"kind": "playbook", "playbook": "network-retry"}}),
                      "field 'format'"),
    "k-key.json": (json.dumps({"format": "heal-pattern/1", "signature": "s", "fingerprint": "e", "category": "network",
                               "key": {"colour": "red"}, "fix": {"kind": "playbook", "playbook": "network-retry"}}),
                   "field 'key.colour'"),
}


def test_malformed_files_are_one_line_each_and_import_nothing(heal, tmp_path):
    d = tmp_path / "incoming"
    d.mkdir()
    for name, (content, _) in BAD_FILES.items():
        (d / name).write_text(content)
    good = {"format": "heal-pattern/1", "signature": "network/network.curl/1", "fingerprint": "curl: (<N>) error",
            "category": "network", "tool": "curl", "summary": f"HTTP 503 (token={GHP})",
            "fix": {"kind": "playbook", "playbook": "network-retry", "step": 0}, "successes": 3}
    (d / "z-good.json").write_text(json.dumps(good))
    (d / "README.md").write_text("not a pattern file: ignored")
    r = heal("patterns", "import", str(d))
    assert r.returncode == 1
    errors = r.stderr.decode().splitlines()
    assert len(errors) == len(BAD_FILES)
    for line, (name, (_, field)) in zip(errors, sorted(BAD_FILES.items())):
        assert line.startswith(f"heal: {d / name}: ") and field in line, line
    assert r.stdout.decode().startswith(f"imported 1 pattern from {d}; {len(BAD_FILES)} files not imported")
    (item,) = json.loads(heal("patterns", "list", "--json").stdout)
    assert item["signature"] == "network/network.curl/1" and item["successes"] == 3
    assert GHP not in item["summary"] and "token=***" in item["summary"]


# --- a store heal cannot use ----------------------------------------------------------------------------


def test_a_corrupt_store_is_one_line_and_exit_1(heal, heal_env):
    os.makedirs(heal_env["HEAL_HOME"])
    with open(store_path(heal_env), "wb") as fh:
        fh.write(b"\x00garbage" * 4096)
    for args in (["list"], ["list", "--json"], ["show", "1"], ["metrics"], ["prune", "--unused"]):
        line = one_error_line(heal("patterns", *args), 1)
        assert "pattern store" in line and "not a database" in line


def test_a_store_from_a_newer_heal_is_one_line_and_exit_1(heal, heal_env):
    Store(store_path(heal_env)).close()
    db = sqlite3.connect(store_path(heal_env))
    db.execute(f"PRAGMA user_version = {schema.VERSION + 3}")
    db.commit()
    db.close()
    line = one_error_line(heal("patterns", "list"), 1)
    assert "newer heal" in line
