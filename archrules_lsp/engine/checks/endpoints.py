"""`endpoint_pattern` + `must_return`: endpoints must return certain keys.

An endpoint is a function with a decorator line matching `endpoint_pattern`. It
returns a key when a `return` gives a dict literal with that key, a call with
that keyword argument (`JobResponse(job_id=job.id)`) or a dict literal among the
call's arguments (`JSONResponse({"job_id": ...})`), or a local name whose
assigned value does so (`resp = {...}; return resp`, also `resp["job_id"] = ...`).
Every `return` with a value must return each key; one finding per endpoint.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import PatternEntry, Rule
from .context import FileContext, RawFinding

if TYPE_CHECKING:
    from ..regex import LineRegex

_FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef)
_Function = ast.FunctionDef | ast.AsyncFunctionDef


def endpoint_returns(ctx: FileContext, rule: Rule, entry: PatternEntry) -> Iterator[RawFinding]:
    rx = entry.endpoint_pattern
    if rx is None or not entry.must_return:
        return
    py = ctx.python
    if py is None:
        return
    # cheap test first: no decorator matches -> no endpoint, no parse needed
    if not ctx.decorator_matches(rx):
        return
    tree = py.tree
    if tree is None:
        ctx.skipped_unparsed("the `must_return` checks", rule)
        return
    for fn in ast.walk(tree):
        if not isinstance(fn, _FUNCS):
            continue
        deco_line = _matching_decorator_line(ctx, rx, fn)
        if deco_line is None:
            continue
        missing = _missing_keys(fn, entry.must_return)
        if missing:
            keys = ", ".join(f"`{k}`" for k in missing)
            yield RawFinding(rule, ctx.line_span(deco_line),
                             f"endpoint `{fn.name}` does not return {keys} ({rule.id}: {rule.name})")


def _matching_decorator_line(ctx: FileContext, rx: LineRegex, fn: _Function) -> int | None:
    for deco in fn.decorator_list:
        first = deco.lineno - 1  # the line holding the `@`, where the finding goes
        last = (deco.end_lineno or deco.lineno) - 1
        text = "".join(ctx.src.lines[ln].strip() for ln in range(first, last + 1))
        if rx.search_string(text):
            return first
    return None


def _own_nodes(fn: _Function) -> Iterator[ast.AST]:
    """The function's nodes, not descending into nested functions, classes or lambdas."""
    stack: list[ast.AST] = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (*_FUNCS, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def _missing_keys(fn: _Function, keys: tuple[str, ...]) -> list[str]:
    returns = [n.value for n in _own_nodes(fn) if isinstance(n, ast.Return) and n.value is not None]
    if not returns:
        return list(keys)
    assigned: dict[str, set[str]] = {}
    for node in _own_nodes(fn):
        targets: list[ast.expr]
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for t in targets:
            if isinstance(t, ast.Name):
                assigned.setdefault(t.id, set()).update(_keys_of(value, assigned))
            elif (isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                  and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str)):
                assigned.setdefault(t.value.id, set()).add(t.slice.value)
    missing = []
    for key in keys:
        for value in returns:
            provided = _keys_of(value, assigned)
            if isinstance(value, ast.Name):
                provided |= assigned.get(value.id, set())
            if key not in provided:
                missing.append(key)
                break
    return missing


def _keys_of(node: ast.expr, assigned: dict[str, set[str]] | None = None) -> set[str]:
    """Keys `node` provides. `assigned`: keys of local names, for `{**base, ...}` and `f(**data)`."""
    out: set[str] = set()
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                out.add(k.value)
            elif k is None:  # `**other`: the keys of what is unpacked
                out |= _unpacked(v, assigned)
    elif isinstance(node, ast.Call):
        for kw in node.keywords:
            out |= {kw.arg} if kw.arg else _unpacked(kw.value, assigned)
        for arg in (*node.args, *(kw.value for kw in node.keywords if kw.arg)):
            if isinstance(arg, ast.Dict):
                out |= _keys_of(arg, assigned)
    elif isinstance(node, ast.Await):
        out |= _keys_of(node.value, assigned)
    return out


def _unpacked(node: ast.expr, assigned: dict[str, set[str]] | None) -> set[str]:
    if isinstance(node, ast.Name) and assigned:
        return set(assigned.get(node.id, ()))
    return _keys_of(node, assigned)
