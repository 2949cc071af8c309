import os
import pickle

import pytest

from archrules_lsp.engine import Checker, CheckOptions, CheckResult, load_rule_text
from archrules_lsp.engine.model import RuleSet
from archrules_lsp.project import scan as scan_module
from archrules_lsp.project.conventions import Skip
from archrules_lsp.project.scan import CheckerSpec, FixOutcome, scan, scan_and_fix

RULES = """
rules:
  - id: ST-1
    name: no processing
    anti_patterns:
      - pattern: 'status = "processing"'
        message: use running
        fix: 'status = "running"'
      - pattern: 'print\\('
        file: "app/**/*.py"
        message: no print
"""


@pytest.fixture
def rules_file(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text(RULES)
    return p


def checker_for(rules_file, **options):
    rules, errors = load_rule_text(rules_file.read_text(), str(rules_file))
    assert not errors
    return Checker(RuleSet(tuple(rules), (), (str(rules_file),)), CheckOptions(**options))


def make_tree(root, n):
    rels = []
    for i in range(n):
        rel = f"app/m{i % 7}/f{i:04}.py"
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(("x = 1\n" * (i % 5)) + ('status = "processing"\n' if i % 3 == 0 else "") + "print(1)\n")
        rels.append(rel)
    return sorted(rels)


def summarize(items):
    out = []
    for rel, outcome in items:
        if isinstance(outcome, Skip):
            out.append((rel, outcome.reason))
        else:
            out.append((rel, [(f.rule_id, f.span.line, f.span.column, f.message) for f in outcome.findings]))
    return out


def test_in_process_and_pool_give_the_same_results_in_order(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 300)
    checker = checker_for(rules_file)
    serial = summarize(scan(root, rels, checker, jobs=1))
    pooled = summarize(scan(root, rels, checker, jobs=2))
    via_spec = summarize(scan(root, rels, CheckerSpec((str(rules_file),)), jobs=2))
    assert serial == pooled == via_spec
    assert [r for r, _ in serial] == rels
    assert sum(len(f) for _, f in serial) == 300 + 100


def test_files_no_rule_applies_to_are_not_yielded(tmp_path, rules_file):
    root = tmp_path / "proj"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "a.md").write_text("print(1)\n")
    (root / "app").mkdir()
    (root / "app" / "a.py").write_text("print(1)\n")
    rules, _ = load_rule_text("rules:\n  - id: A\n    name: a\n    patterns:\n      - file: 'app/*.py'\n"
                              "        must_contain: 'x'\n", "r.yaml")
    checker = Checker(RuleSet(tuple(rules)))
    assert [rel for rel, _ in scan(root, ["app/a.py", "docs/a.md"], checker)] == ["app/a.py"]


def test_skips_come_back_as_skip(tmp_path, rules_file):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "app" / "big.py").write_text("x = 1\n" * 100)
    (root / "app" / "bin.py").write_bytes(b"\0abc")
    got = dict(scan(root, ["app/big.py", "app/bin.py", "app/gone.py"], checker_for(rules_file), max_file_size=100))
    assert got["app/big.py"].reason == "over the 100 bytes limit"
    assert got["app/bin.py"].reason == "binary"
    assert got["app/gone.py"].reason.startswith("unreadable")


def test_transform_runs_per_file_in_workers_too(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 200)
    for jobs in (1, 2):
        got = list(scan(root, rels, checker_for(rules_file), jobs=jobs, transform=_count_findings))
        assert len(got) == 200
        pids = {v[0] for _, v in got}
        assert pids == {os.getpid()} if jobs == 1 else os.getpid() not in pids
        assert sum(v[1] for _, v in got) == 200 + 67


def _count_findings(rel, outcome):
    return (os.getpid(), len(outcome.findings))


def test_should_stop_cancels(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 400)
    seen = []

    def stop():
        return len(seen) >= 5

    for rel, _ in scan(root, rels, checker_for(rules_file), jobs=1, should_stop=stop):
        seen.append(rel)
    assert len(seen) == 5
    pooled = []
    for rel, _ in scan(root, rels, checker_for(rules_file), jobs=2, should_stop=lambda: len(pooled) >= 5):
        pooled.append(rel)
    assert 5 <= len(pooled) < 400


def test_closing_the_generator_terminates_the_workers(tmp_path, rules_file):
    import multiprocessing

    root = tmp_path / "proj"
    rels = make_tree(root, 400)
    gen = scan(root, rels, checker_for(rules_file), jobs=2)
    next(gen)
    assert multiprocessing.active_children()
    gen.close()
    assert not multiprocessing.active_children()


def test_scan_and_fix_writes_fixed_files(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 90)
    results = dict(scan_and_fix(root, rels, checker_for(rules_file), jobs=2))
    assert all(isinstance(v, FixOutcome) for v in results.values())
    assert sum(v.fixes_applied for v in results.values()) == 30
    for rel in rels:
        text = (root / rel).read_text()
        assert "processing" not in text
        assert [f.rule_id for f in results[rel].result.findings] == ["ST-1"]  # print() remains


def test_check_results_pickle(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 3)
    (rel, result), *_ = scan(root, rels, checker_for(rules_file))
    assert isinstance(result, CheckResult)
    assert pickle.loads(pickle.dumps(result)) == result


def test_small_scans_stay_in_process(tmp_path, rules_file, monkeypatch):
    root = tmp_path / "proj"
    rels = make_tree(root, scan_module.IN_PROCESS_BELOW - 1)
    monkeypatch.setattr(scan_module, "_can_fork", lambda: pytest.fail("pool considered for a small scan"))
    assert len(list(scan(root, rels, checker_for(rules_file), jobs=4))) == len(rels)


def test_spawned_workers_rebuild_the_checker_from_the_spec(tmp_path, rules_file, monkeypatch):
    root = tmp_path / "proj"
    rels = make_tree(root, 120)
    checker = checker_for(rules_file)
    expected = summarize(scan(root, rels, checker, jobs=1))
    monkeypatch.setattr(scan_module, "_can_fork", lambda: False)
    spawned = summarize(scan(root, rels, checker, jobs=2, spec=CheckerSpec((str(rules_file),), CheckOptions())))
    assert spawned == expected
    # without a spec a built Checker cannot reach spawned workers: in-process, same results
    assert summarize(scan(root, rels, checker, jobs=2)) == expected


def test_fix_keeps_the_file_mode_and_a_symlink(tmp_path, rules_file):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    script = root / "app" / "run.py"
    script.write_text('status = "processing"\n')
    os.chmod(script, 0o755)
    (root / "app" / "link.py").symlink_to("run.py")
    outcome = scan_module.fix_file(checker_for(rules_file), str(root), "app/link.py", 10_000)
    assert outcome.fixes_applied == 1 and outcome.unwritten is None
    assert (root / "app" / "link.py").is_symlink()  # written through, not replaced by a file
    assert script.read_text() == 'status = "running"\n'
    assert os.stat(script).st_mode & 0o777 == 0o755
    assert [p.name for p in (root / "app").iterdir() if p.name.startswith(".archrules-")] == []


def test_fix_does_not_overwrite_a_file_saved_meanwhile(tmp_path, rules_file):
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    path = root / "app" / "a.py"
    path.write_text('status = "processing"\n')
    checker = checker_for(rules_file)

    class SavingChecker:  # the user saves the file while it is being fixed
        def check(self, rel, text):
            path.write_text('status = "processing"\nnew_work = 1\n')
            return checker.check(rel, text)

    outcome = scan_module.fix_file(SavingChecker(), str(root), "app/a.py", 10_000)
    assert outcome.fixes_applied == 0 and "changed while being fixed" in outcome.unwritten
    assert path.read_text() == 'status = "processing"\nnew_work = 1\n'


class _TextLength:
    """A transform that asks for the checked text (as a baseline's keys do)."""

    needs_text = True

    def __call__(self, rel, outcome, text):
        return None if text is None else len(text)


def test_a_transform_that_needs_text_gets_what_was_checked(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 60)
    sizes = {rel: len((root / rel).read_text()) for rel in rels}
    for jobs in (1, 2):
        assert dict(scan(root, rels, checker_for(rules_file), jobs=jobs, transform=_TextLength())) == sizes
    (root / "app" / "fixme.py").write_text('status = "processing"\n')
    fixed = dict(scan_and_fix(root, ["app/fixme.py"], checker_for(rules_file), transform=_TextLength()))
    assert fixed == {"app/fixme.py": len('status = "running"\n')}  # the text after the fixes


class _DieOnce:
    """A transform that kills the worker process checking `victim` (the first time only: a
    marker file remembers), as the OOM killer or a crash in an extension would."""

    def __init__(self, victim, marker):
        self.victim, self.marker = victim, marker

    def __call__(self, rel, outcome):
        if rel == self.victim and not os.path.exists(self.marker):
            open(self.marker, "w").close()
            os._exit(1)
        return len(outcome.findings)


def test_a_worker_that_dies_has_its_files_checked_in_the_parent(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 300)
    expected = list(scan(root, rels, checker_for(rules_file), jobs=1, transform=_count_only))
    got = list(scan(root, rels, checker_for(rules_file), jobs=2,
                    transform=_DieOnce(rels[100], str(tmp_path / "died"))))
    assert (tmp_path / "died").exists()
    assert got == expected


def _count_only(rel, outcome):
    return len(outcome.findings)


def _fail_on_f0150(rel, outcome):
    if rel.endswith("f0150.py"):
        raise ValueError(f"cannot render {rel}")
    return len(outcome.findings)


def test_an_error_in_a_worker_is_raised_in_the_parent(tmp_path, rules_file):
    root = tmp_path / "proj"
    rels = make_tree(root, 300)
    gen = scan(root, rels, checker_for(rules_file), jobs=2, transform=_fail_on_f0150)
    with pytest.raises(ValueError, match="cannot render app/m3/f0150.py"):
        list(gen)
    import multiprocessing

    assert not multiprocessing.active_children()
