"""endpoint_pattern + must_return, analysed with Python's ast."""

from .conftest import run

RULES = """
g:
  - id: BG-020
    name: Task trigger endpoints must return job_id
    severity: error
    patterns:
      - file: "app/api/v1/**/marketplace.py"
        endpoint_pattern: "@router.post.*import"
        must_return: "job_id"
"""

API = '''from fastapi import APIRouter, BackgroundTasks

router = APIRouter()


@router.post("/import")
async def start_import(background_tasks: BackgroundTasks):
    job = create_job()
    return {"job_id": job.id, "status": "pending"}


@router.post("/import/model")
def start_import_model():
    return JobResponse(job_id=1, status="pending")


@router.post("/import/local")
def start_import_local():
    response = {"status": "pending"}
    response["job_id"] = 3
    return response


@router.post("/import/wrapped")
def start_import_wrapped():
    return JSONResponse({"job_id": 4})


@router.post(
    "/import/bad"
)
def start_import_bad():
    def helper():
        return {"job_id": 1}  # a nested function's return does not count
    return {"status": "pending"}


@router.post("/import/nothing")
async def start_import_nothing():
    schedule()


@router.get("/import")
def list_imports():
    return []
'''


def test_only_endpoints_without_the_key_are_reported_on_their_decorator_line():
    res = run(RULES, "app/api/v1/marketplace.py", API)
    got = [(f.span.line + 1, f.message) for f in res.findings]
    lines = API.splitlines()
    bad = next(i for i, ln in enumerate(lines, 1) if ln.startswith("@router.post(") and lines[i] == '    "/import/bad"')
    nothing = next(i for i, ln in enumerate(lines, 1) if '"/import/nothing"' in ln)
    rule = "(BG-020: Task trigger endpoints must return job_id)"
    assert got == [
        (bad, f"endpoint `start_import_bad` does not return `job_id` {rule}"),
        (nothing, f"endpoint `start_import_nothing` does not return `job_id` {rule}"),
    ]
    assert all(f.severity.value == "error" for f in res.findings)


def test_glob_reaches_nested_routers():
    res = run(RULES, "app/api/v1/admin/marketplace.py", API)
    assert len(res.findings) == 2
    assert run(RULES, "app/api/v1/admin/other.py", API).findings == ()


def test_a_file_that_does_not_parse_gets_a_note_and_every_other_check():
    rules = RULES + """
  - id: BG-010
    name: standard status
    anti_patterns:
      - pattern: "status.*=.*processing"
        message: "Use 'running' instead of 'processing'"
"""
    broken = '@router.post("/import")\ndef f(:\n    status = "processing"\n'
    res = run(rules, "app/api/v1/marketplace.py", broken)
    assert [f.rule_id for f in res.findings] == ["BG-010"]
    assert len(res.notes) == 1
    assert "does not parse" in res.notes[0].message and "BG-020" in res.notes[0].message
    assert res.notes[0].span.line == 1


def test_keys_reached_through_dict_unpacking_count():
    api = '''@router.post("/import")
def unpacked():
    base = {"job_id": 1}
    return {**base, "status": "pending"}


@router.post("/import/kw")
def kw_unpacked():
    data = {"job_id": 1}
    return JobResponse(**data)


@router.post("/import/missing")
def still_missing():
    base = {"id": 1}
    return {**base, "status": "pending"}
'''
    res = run(RULES, "app/api/v1/marketplace.py", api)
    assert [(f.span.line, f.message.split(" (")[0]) for f in res.findings] == [
        (12, "endpoint `still_missing` does not return `job_id`")]


def test_one_note_names_every_check_skipped_because_the_file_does_not_parse():
    rules = """
r:
  - id: API-1
    name: endpoints return a job id
    patterns:
      - file: "*.py"
        endpoint_pattern: "@router.post"
        must_return: "job_id"
  - id: API-2
    name: endpoints return a status
    patterns:
      - file: "*.py"
        endpoint_pattern: "@router.post"
        must_return: "status"
  - id: MOD-1
    name: models have a status
    patterns:
      - file: "*.py"
        must_contain: "status = Column"
    suggestion: |
      Add: status = Column(String)
"""
    broken = 'class Job(Base):\n    id = 1\n\n@router.post("/run")\ndef run(:\n    return {}\n'
    res = run(rules, "jobs.py", broken)
    (note,) = res.notes
    assert note.span.line == 4 and note.rule_id is None
    assert "does not parse" in note.message
    assert "the `must_return` checks of API-1, API-2" in note.message
    assert "the class anchor" in note.message and "MOD-1" in note.message
    assert "the fixes adding a line to the class of MOD-1" in note.message
    assert [f.rule_id for f in res.findings] == ["MOD-1"] and res.findings[0].fixes[0].kind.value != "rule"
