"""`archrules graph [--format mermaid|dot] [--rule ID]`: the module graph reduced to the
import contracts' modules, violating edges marked, ready for a pull-request summary.

Nodes are the module names the contracts write (submodules collapsed into them), in the
order the rules name them; an edge is drawn when some import goes from one to the other.
An edge an import violates is red and labelled with the rule ids; one that only starts
an indirect chain is dashed. Suppression comments and the baseline are not read: the
graph shows the code's dependencies as they are. Exit status 0, or 2 when there is no
import contract (or `--rule` names none) or the rule files have errors.
"""

from __future__ import annotations

import argparse
import sys

from ..console import Painter, error, printable, wants_color
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..project_setup import UsageError, load_project, print_load_problems


def run(args: argparse.Namespace) -> int:
    paint = Painter(wants_color(sys.stderr))
    try:
        project = load_project(args)
        rules = [r for r in project.ruleset.rules if r.imports is not None and r.enabled
                 and (not args.rule or r.id in args.rule)]
        if not rules:
            named = f" among {', '.join(args.rule)}" if args.rule else ""
            raise UsageError(f"no rule with `imports:`{named}: nothing to draw")
    except UsageError as e:
        error(paint, str(e))
        return EXIT_USAGE
    print_load_problems(project, paint)
    from ...engine.imports.overview import overview
    from ...project.files import FileSelector
    from ...project.import_graph import import_context

    rels = list(FileSelector(project.root, project.config, project.rule_paths).walk())
    context = import_context(project.root, rels, project.config, jobs=args.jobs or 0)
    drawn = overview(rules, context.graph)
    sys.stdout.write(_dot(drawn) if args.format == "dot" else _mermaid(drawn))
    return EXIT_USAGE if project.has_errors else EXIT_OK


def _label(edge) -> str:
    parts = sorted(edge.rules) + [f"{r} (indirect)" for r in sorted(edge.indirect - edge.rules)]
    return ", ".join(parts)


def _mermaid(drawn) -> str:
    ids = {name: f"m{i}" for i, name in enumerate(drawn.nodes)}
    lines = ["flowchart TD"]
    lines += [f'    {ids[n]}["{_quoted(n)}"]' for n in drawn.nodes]
    red = []
    for i, edge in enumerate(drawn.edges):
        arrow = "-.->" if edge.indirect and not edge.rules else "-->"
        label = f'|"{_quoted(_label(edge))}"|' if edge.violating else ""
        lines.append(f"    {ids[edge.source]} {arrow}{label} {ids[edge.target]}")
        if edge.violating:
            red.append(str(i))
    if red:
        lines.append(f"    linkStyle {','.join(red)} stroke:#d00,color:#d00")
    return "\n".join(lines) + "\n"


def _dot(drawn) -> str:
    lines = ["digraph imports {", "    rankdir=TB;", "    node [shape=box];"]
    lines += [f'    "{_quoted(n)}";' for n in drawn.nodes]
    for edge in drawn.edges:
        attrs = ""
        if edge.violating:
            style = ", style=dashed" if edge.indirect and not edge.rules else ""
            attrs = f' [color=red, fontcolor=red{style}, label="{_quoted(_label(edge))}"]'
        lines.append(f'    "{_quoted(edge.source)}" -> "{_quoted(edge.target)}"{attrs};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """Safe inside a double-quoted mermaid/dot label: control characters escaped, `"` as `'`."""
    return printable(text).replace('"', "'")
