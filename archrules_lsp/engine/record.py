"""`@record`: the start-up path's data types, cheap to define, without `dataclasses`.

`@dataclass(frozen=True)` compiles six methods for each class (about 0.8 ms a class on
Python 3.11) and importing `dataclasses` imports `inspect`, `dis` and `tokenize`
(~5 ms); `archrules check` defines some forty data types on its way to the first file.
A record is declared like a dataclass (annotated fields, defaults,
`field(default_factory=...)`); its equality, hash, repr, immutability and pickling are
functions shared by every record class, and its `__init__` is compiled when the class is
first constructed, so a class that a run never builds costs no compiling. `replace` is
`dataclasses.replace` for records.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from typing_extensions import dataclass_transform
else:  # typing.dataclass_transform exists from 3.11 only; it only tells type checkers
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator

T = TypeVar("T")
_MISSING = object()


class FrozenInstanceError(AttributeError):
    """A field of a frozen record assigned or deleted (as dataclasses' error of that name)."""


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A field whose default is made anew for each instance: `field(default_factory=list)`."""
    return _Factory(default_factory)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record `obj` with `changes` (field name -> value)."""
    for name in obj._record_names:  # type: ignore[attr-defined]
        changes.setdefault(name, getattr(obj, name))
    return obj.__class__(**changes)


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


def _methods(frozen: bool, eq: bool) -> dict[str, Any]:
    """What a record class gets: value equality and repr (unless `eq=False`: identity and
    object's repr, for working records), a hash when frozen, immutability."""
    methods: dict[str, Any] = {"__eq__": _eq, "__repr__": _repr, "__hash__": _hash if frozen else None} if eq else {}
    if frozen:
        methods.update(__setattr__=_frozen_setattr, __delattr__=_frozen_delattr, __reduce__=_reduce)
    return methods


@dataclass_transform(frozen_default=True, eq_default=True, field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, slots: bool = False, eq: bool = True) -> Any:
    """`@record` or `@record(frozen=False, slots=True, eq=False)`: the class's annotated
    fields, in order, with their defaults."""

    def make(cls: type[T]) -> type[T]:
        names = _field_names(cls)
        defaults = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
        made: Any = _with_slots(cls, names) if slots else cls
        for name in () if slots else [n for n, d in defaults.items() if isinstance(d, _Factory)]:
            delattr(made, name)  # a factory is not a default to leave on the class
        for name, method in _methods(frozen, eq).items():
            if name not in made.__dict__:
                setattr(made, name, method)
        made._record_names = names
        made._record_defaults = defaults
        made._record_values = _getter(names)
        made.__init__ = _first_init
        return made

    return make if cls is None else make(cls)


def _field_names(cls: Any) -> tuple[str, ...]:
    """The class's own annotated names, in order. What a dataclass would read differently
    (inherited fields, `ClassVar`) is refused rather than silently dropped or counted."""
    annotations = cls.__dict__.get("__annotations__", {})
    if any(hasattr(base, "_record_names") for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: a record cannot extend a record (its fields would be lost)")
    if any("ClassVar" in str(kind) for kind in annotations.values()):
        raise TypeError(f"{cls.__qualname__}: a record's annotations are all fields (no ClassVar)")
    return tuple(annotations)


def _with_slots(cls: Any, names: tuple[str, ...]) -> Any:
    """The class made again with `__slots__` (as dataclasses does): its fields' defaults
    cannot stay class attributes beside their slots."""
    namespace = {k: v for k, v in cls.__dict__.items() if k not in names and k not in ("__dict__", "__weakref__")}
    namespace["__slots__"] = names
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__  # a nested class keeps its dotted name (repr, pickle)
    return made


def _getter(names: tuple[str, ...]) -> Any:
    """The fields' values as a tuple, in C (attrgetter of one name returns the bare value;
    a Python function, unlike attrgetter, would bind as a method: hence staticmethod)."""
    if len(names) == 1:
        (name,) = names
        return staticmethod(lambda obj: (getattr(obj, name),))
    return operator.attrgetter(*names) if names else staticmethod(lambda obj: ())


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """The first construction of a record class compiles the class's own `__init__`."""
    cls = self.__class__
    cls.__init__ = init = _compile_init(cls)
    init(self, *args, **kwargs)


def _compile_init(cls: Any) -> Callable[..., None]:
    """`__init__` as a dataclass writes it: one parameter per field, defaults and factories."""
    env: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": _MISSING}
    params, body = [], []
    frozen = cls.__setattr__ is _frozen_setattr
    for name in cls._record_names:
        value, default = name, cls._record_defaults.get(name, _MISSING)
        if isinstance(default, _Factory):
            env[f"_f_{name}"] = default.make
            params.append(f"{name}=_MISSING")
            value = f"_f_{name}() if {name} is _MISSING else {name}"
        elif default is not _MISSING:
            env[f"_d_{name}"] = default
            params.append(f"{name}=_d_{name}")
        else:
            params.append(name)
        body.append(f"_set(self, {name!r}, {value})" if frozen else f"self.{name} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    exec(source, env)  # noqa: S102 (names and values come from the class definition, not from input)
    init: Callable[..., None] = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init
