"""`@record`: a dataclass that is cheap to define (the start-up path's data types).

`@dataclass(frozen=True)` compiles six methods for each class (about 0.8 ms a class on
Python 3.11) and `archrules check` defines some thirty on its way to the first file.
`@record` keeps the dataclass (fields, defaults, `field(default_factory=...)`,
`dataclasses.replace` and `fields`, `FrozenInstanceError` on assignment) but has it
generate nothing: equality, hashing, repr and immutability are functions shared by every
record class, and a class's `__init__` is compiled when it is first constructed, so a
class that a run never builds costs no compiling.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import dataclass_transform
else:  # typing.dataclass_transform exists from 3.11 only; it only tells type checkers
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator

T = TypeVar("T")



def _eq(self: Any, other: Any) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self._record_values(self) == other._record_values(other)


def _hash(self: Any) -> int:
    return hash(self._record_values(self))


def _repr(self: Any) -> str:
    values = self._record_values(self)
    shown = ", ".join(f"{name}={value!r}" for name, value in zip(self._record_names, values, strict=True))
    return f"{self.__class__.__qualname__}({shown})"


def _reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
    return self.__class__, self._record_values(self)  # frozen: pickle must not set the fields one by one


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


_SHARED = {"__eq__": _eq, "__repr__": _repr}
_FROZEN = {"__hash__": _hash, "__setattr__": _frozen_setattr, "__delattr__": _frozen_delattr, "__reduce__": _reduce}
_MUTABLE = {"__hash__": None}  # as a mutable dataclass: equal by value, so not hashable


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, slots: bool = False) -> Any:
    """`@record` or `@record(frozen=False, slots=True)`: as `@dataclass(frozen=True)` (or the
    given flags) with the same fields, equality, hash, repr and immutability."""

    def make(cls: type[T]) -> type[T]:
        for name, method in {**_SHARED, **(_FROZEN if frozen else _MUTABLE)}.items():
            if name not in cls.__dict__:
                setattr(cls, name, method)
        cls = dataclass(cls, init=False, repr=False, eq=False, slots=slots)
        declared = fields(cls)  # type: ignore[arg-type]
        if not all(f.init and f.repr and f.compare and f.hash is None for f in declared):
            raise TypeError(f"{cls.__qualname__}: a record's fields are all in __init__, repr, eq and hash")
        names = tuple(f.name for f in declared)
        cls._record_names = names  # type: ignore[attr-defined]
        cls._record_values = _getter(names)  # type: ignore[attr-defined]
        cls.__init__ = _first_init  # type: ignore[method-assign]
        return cls

    return make if cls is None else make(cls)


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as a tuple, in C (attrgetter of one name returns the bare value)."""
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*names) if names else lambda obj: ()


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The first construction of a record class compiles the class's own `__init__`."""
    cls = self.__class__
    cls.__init__ = init = _compile_init(cls)
    init(self, *args, **kwargs)


def _compile_init(cls: Any) -> Callable[..., None]:
    """`__init__` as a dataclass writes it: one parameter per field, defaults and factories."""
    env: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}
    params, body = [], []
    frozen = cls.__setattr__ is _frozen_setattr
    for f in fields(cls):
        value = f.name
        if f.default is not MISSING:
            env[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not MISSING:
            env[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            value = f"_f_{f.name}() if {f.name} is _MISSING else {f.name}"
        else:
            params.append(f.name)
        body.append(f"_set(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    exec(source, env)  # noqa: S102 (names and values come from the class definition, not from input)
    init: Callable[..., None] = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
