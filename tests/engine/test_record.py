"""The engine's data types behave as the frozen dataclasses they were (engine/record.py makes
them cheaper to define): equality, hashing, immutability, `replace`, keywords, defaults,
repr, pickling (the scan's worker processes) and copies."""

import copy
import pickle
from typing import ClassVar

import pytest

from archrules_lsp.engine import CheckOptions, Finding, Severity, Span
from archrules_lsp.engine.model import CheckResult, Fix, FixKind, Rule, TextEdit
from archrules_lsp.engine.record import FrozenInstanceError, field, record, replace
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
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'line'"):
        SPAN.line = 3
    with pytest.raises(FrozenInstanceError):
        del FINDING.message
    with pytest.raises(AttributeError):
        SPAN.other = 1


def test_replace_and_defaults():
    moved = replace(FINDING, span=Span.point(3), message="other")
    assert (moved.span, moved.message, moved.rule_id, moved.fixes) == (Span.point(3), "other", "BG-001", FINDING.fixes)
    rule = Rule("R-1", "a rule")
    assert (rule.severity, rule.patterns, rule.enabled, rule.imports) == (Severity.WARNING, (), True, None)
    assert replace(rule, enabled=False).enabled is False
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
        seen: list = field(default_factory=list)

    a = Counter("a")
    a.seen.append(1)
    a.name = "b"
    assert a == Counter("b", [1]) and Counter("x").seen is not Counter("x").seen
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)


@record(slots=True)
class _Slotted:
    """A frozen record with slots, a default and a factory (as ClassInfo, CommentStyle)."""

    name: str
    size: int = 0
    parts: list = field(default_factory=list)


def test_a_slotted_record_has_no_dict_and_keeps_its_defaults():
    a = _Slotted("a")
    assert (a.size, a.parts) == (0, []) and _Slotted("b").parts is not _Slotted("b").parts
    assert not hasattr(a, "__dict__") and _Slotted.__slots__ == ("name", "size", "parts")
    assert repr(a) == "_Slotted(name='a', size=0, parts=[])" and _Slotted.__qualname__ == "_Slotted"
    with pytest.raises(FrozenInstanceError):
        a.size = 1
    assert pickle.loads(pickle.dumps(_Slotted("c", 2, [1]))) == _Slotted("c", 2, [1])
    assert replace(a, size=3) == _Slotted("a", 3, [])


def test_a_nested_slotted_record_keeps_its_dotted_name():
    @record(slots=True)
    class Inner:
        """Made again for its slots."""

        x: int

    assert repr(Inner(1)) == f"{Inner.__qualname__}(x=1)" and "<locals>.Inner" in Inner.__qualname__


def test_records_of_one_field_and_of_none():
    @record
    class One:
        """A single field's values are a tuple too."""

        x: int

    @record
    class Empty:
        """No fields."""

    assert One(1) == One(1) != One(2) and hash(One(1)) == hash(One(1)) and repr(One(1)).endswith("One(x=1)")
    assert Empty() == Empty() and repr(Empty()).endswith("Empty()")


def test_a_record_without_value_equality_compares_by_identity():
    @record(frozen=False, slots=True, eq=False)
    class Working:
        """A working record (as the Checker's scoped anti-patterns)."""

        name: str

    a = Working("a")
    assert a != Working("a") and a == a and hash(a) == object.__hash__(a)
    a.name = "b"
    assert a.name == "b" and "Working object at" in repr(a)


def test_what_a_record_cannot_honour_is_refused():
    with pytest.raises(TypeError, match="cannot extend a record"):
        @record
        class Longer(Span):
            """Span's fields would be lost."""

            extra: int
    with pytest.raises(TypeError, match="no ClassVar"):
        @record
        class Counted:
            """A ClassVar is not a field."""

            made: ClassVar[int] = 0
