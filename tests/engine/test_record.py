"""The engine's data types behave as the frozen dataclasses they were (engine/record.py makes
them cheaper to define): equality, hashing, immutability, `dataclasses.replace`, keywords,
defaults, repr, pickling (the scan's worker processes) and copies."""

import copy
import dataclasses
import pickle

import pytest

from archrules_lsp.engine import CheckOptions, Finding, Severity, Span
from archrules_lsp.engine.model import CheckResult, Fix, FixKind, Rule, TextEdit
from archrules_lsp.engine.record import record
from archrules_lsp.project.config import ProjectConfig

SPAN = Span(1, 2, 1, 5)
FINDING = Finding("BG-001", Severity.ERROR, "missing x", SPAN,
                  fixes=(Fix("insert", (TextEdit(Span.point(0), "x\n"),), FixKind.RULE),))


def test_equal_by_value_and_hashed_alike():
    assert Span(1, 2, 1, 5) == SPAN and Span(line=1, column=2, end_line=1, end_column=5) == SPAN
    assert hash(Span(1, 2, 1, 5)) == hash(SPAN) and len({SPAN, Span(1, 2, 1, 5), Span(0, 0, 0, 0)}) == 2
    assert Span(1, 2, 1, 6) != SPAN and SPAN != (1, 2, 1, 5)
    assert CheckResult((FINDING,)) == CheckResult((FINDING,), ())


def test_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'line'"):
        SPAN.line = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        del FINDING.message
    with pytest.raises(AttributeError):
        SPAN.other = 1


def test_dataclass_functions_and_defaults():
    moved = dataclasses.replace(FINDING, span=Span.point(3), message="other")
    assert (moved.span, moved.message, moved.rule_id, moved.fixes) == (Span.point(3), "other", "BG-001", FINDING.fixes)
    assert [f.name for f in dataclasses.fields(Span)] == ["line", "column", "end_line", "end_column"]
    assert dataclasses.is_dataclass(FINDING)
    rule = Rule("R-1", "a rule")
    assert (rule.severity, rule.patterns, rule.enabled, rule.imports) == (Severity.WARNING, (), True, None)
    assert dataclasses.replace(rule, enabled=False).enabled is False
    # a default_factory makes a new value each time
    assert CheckOptions().severity_overrides == {} and CheckOptions().severity_overrides is not \
        CheckOptions().severity_overrides
    assert ProjectConfig().severity_overrides is not ProjectConfig().severity_overrides


def test_wrong_arguments_are_type_errors():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'end_column'"):
        Span(1, 2, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'width'"):
        Span(1, 2, 3, 4, width=2)
    with pytest.raises(TypeError, match="multiple values for argument 'line'"):
        Span(1, 2, 3, 4, line=1)


def test_repr_as_a_dataclass():
    assert repr(SPAN) == "Span(line=1, column=2, end_line=1, end_column=5)"
    assert repr(TextEdit(SPAN, "x")) == "TextEdit(span=Span(line=1, column=2, end_line=1, end_column=5), new_text='x')"


def test_pickled_and_copied():
    for value in (SPAN, FINDING, CheckOptions(select=("BG",), severity_overrides={"BG-001": "off"}), ProjectConfig()):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.copy(value) == value and copy.deepcopy(value) == value


def test_a_mutable_record_compares_by_value_and_is_not_hashable():
    @record(frozen=False)
    class Counter:
        """A mutable record."""

        name: str
        seen: list = dataclasses.field(default_factory=list)

    a = Counter("a")
    a.seen.append(1)
    a.name = "b"
    assert a == Counter("b", [1]) and Counter("x").seen is not Counter("x").seen
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


def test_fields_a_record_cannot_honour_are_refused():
    with pytest.raises(TypeError, match="a record's fields"):
        @record
        class Hidden:
            """compare=False would be silently compared."""

            cache: dict = dataclasses.field(default_factory=dict, compare=False)
