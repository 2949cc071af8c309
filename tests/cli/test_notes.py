"""Engine notes (a Python file that does not parse) in every format."""

import json

from .conftest import make_project, run, run_json

RULES = '''
rules:
  - id: API-1
    name: Trigger endpoints return a job id
    severity: error
    patterns:
      - file: "api/*.py"
        endpoint_pattern: "@router.post"
        must_return: "job_id"
'''

BROKEN = '@router.post("/run")\ndef run(:\n    return {"job_id": 1}\n'


def test_note_in_text_json_and_sarif(tmp_path):
    root = make_project(tmp_path, {"api/jobs.py": BROKEN}, rules=RULES)
    proc = run(["check"], root)
    note_lines = [ln for ln in proc.stdout.splitlines() if ": note: " in ln]
    assert len(note_lines) == 1 and note_lines[0].startswith("api/jobs.py:2:1: note: ")
    assert "does not parse" in note_lines[0]
    assert proc.returncode == 0  # a note is not a finding

    doc, _ = run_json(["check"], root)
    (note,) = doc["notes"]
    assert note["path"] == "api/jobs.py" and note["line"] == 2 and note["rule"] == "API-1"

    sarif = json.loads(run(["check", "--format", "sarif"], root).stdout)
    (n,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert n["level"] == "note"
    assert n["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_jsonl_prints_notes_on_stderr(tmp_path):
    root = make_project(tmp_path, {"api/jobs.py": BROKEN}, rules=RULES)
    proc = run(["check", "--format", "jsonl"], root)
    assert proc.stdout == ""  # no finding: the endpoint check was skipped, and says so
    (note,) = [ln for ln in proc.stderr.splitlines() if ": note: " in ln]
    assert note.startswith("api/jobs.py:2:1: note: ") and "does not parse" in note
