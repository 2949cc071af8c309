"""`archrules rules` (list the loaded rules) and `archrules explain RULE_ID`."""

from __future__ import annotations

import argparse
import json
import sys

from ..console import SEVERITY_STYLE, Painter, display_path, err, printable, wants_color
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..project_setup import config_options, load_and_report


def _defined_at(rule) -> tuple[str, int] | None:
    loc = rule.location
    return (loc.path, loc.span.line + 1) if loc is not None else None


def effective_state(rule, options) -> tuple[str, str | None]:
    """The rule's severity as `check` runs it under [tool.archrules] (`off` when it does
    not run), and why that differs from the rule file (None: it does not)."""
    from ...engine import CheckOptions
    from ...project.conventions import OFF

    override = str(options.severity_overrides.get(rule.id, "")).lower()
    if not rule.enabled:
        return OFF, "enabled: false in the rule file"
    if override == OFF:
        return OFF, "[tool.archrules] severity-overrides"
    if not CheckOptions(select=options.select).is_active(rule.id):
        return OFF, "not in [tool.archrules] select"
    if not CheckOptions(ignore=options.ignore).is_active(rule.id):
        return OFF, "[tool.archrules] ignore"
    severity = options.severity_of(rule).value
    if severity != rule.severity.value:
        return severity, f"[tool.archrules] severity-overrides; {rule.severity.value} in the rule file"
    return severity, None


def rule_record(rule, options) -> dict:
    where = _defined_at(rule)
    effective, why = effective_state(rule, options)
    return {"id": rule.id, "name": rule.name, "severity": rule.severity.value,
            "enabled": rule.enabled, "effective_severity": effective, "effective_reason": why,
            "description": rule.description.strip(), "files": list(rule.files),
            "suggestion": rule.suggestion.strip(), "url": rule.url, "group": rule.group,
            "path": where[0] if where else None, "line": where[1] if where else None}


def run_list(args: argparse.Namespace) -> int:
    project = load_and_report(args)
    if project is None:
        return EXIT_USAGE
    rules = project.ruleset.rules
    options, _ = config_options(project)
    out = sys.stdout
    if args.format == "json":
        json.dump({"version": 1, "rules": [rule_record(r, options) for r in rules]}, out, ensure_ascii=False,
                  indent=2)
        out.write("\n")
    else:
        paint = Painter(wants_color(out))
        id_w = max((len(r.id) for r in rules), default=2)
        for r in rules:
            sev, why = effective_state(r, options)
            note = f" ({why})" if why else ""
            out.write(f"{paint(printable(r.id).ljust(id_w), 'bold')}  "
                      f"{paint(sev.ljust(7), SEVERITY_STYLE.get(sev, 'dim'))}  {printable(r.name)}{note}\n")
            if r.files:
                out.write(f"{' ' * id_w}  {' ' * 7}  {paint('files: ' + printable(', '.join(r.files)), 'dim')}\n")
        problems = [f"{n} {noun}{'' if n == 1 else 's'}"
                    for n, noun in ((project.error_count, "error"), (project.warning_count, "warning")) if n]
        out.write(f"{len(rules)} rule{'' if len(rules) == 1 else 's'} from {len(project.rule_paths)} "
                  f"file{'' if len(project.rule_paths) == 1 else 's'}"
                  f"{' (' + ', '.join(problems) + ', above)' if problems else ''}.\n")
    return EXIT_USAGE if project.has_errors else EXIT_OK


def describe_checks(rule) -> list[str]:
    """The rule's checks in words, one line each."""
    lines = []
    for p in rule.patterns:
        head = f"{p.file.pattern}{_except(p.exclude)}: "
        if p.in_class is not None:
            head += f"in each class whose header matches /{p.in_class.source}/, "
        if p.when_contains:
            head += f"when it contains any of {_list(p.when_contains)}, "
        if p.must_contain:
            lines.append(head + f"must contain {_list(p.must_contain, ' and ')}")
        if p.must_contain_one_of:
            lines.append(head + f"must contain one of {_list(p.must_contain_one_of)}")
        if p.must_reference:
            lines.append(head + f"must reference {_list(p.must_reference)}")
        if p.should_match is not None:
            lines.append(head + f"should match /{p.should_match.source}/")
        if p.endpoint_pattern is not None:
            returns = f", which must return {_list(p.must_return)}" if p.must_return else ""
            lines.append(head + f"endpoints matching /{p.endpoint_pattern.source}/{returns}")
        elif p.must_return:
            lines.append(head + f"must return {_list(p.must_return)}")
    for a in rule.anti_patterns:
        scope = f"{a.file.pattern}{_except(a.exclude)}: " if a.file is not None else (
            f"(except {_list(g.pattern for g in a.exclude)}) " if a.exclude else "")
        fix = f" (fix: {a.fix!r})" if a.fix is not None else ""
        lines.append(f"{scope}must not match /{a.regex.source}/: {a.message}{fix}")
    if rule.imports is not None:
        from ..contract_words import contracts_in_words

        lines.extend(contracts_in_words(rule.imports, lambda name: f'"{name}"'))
    return lines


def _except(globs) -> str:
    return f" (except {_list(g.pattern for g in globs)})" if globs else ""


def _list(items, sep=", ") -> str:
    return sep.join(f'"{i}"' for i in items)


def run_explain(args: argparse.Namespace) -> int:
    project = load_and_report(args)
    if project is None:
        return EXIT_USAGE
    wanted = args.rule_id.strip()
    rule = project.ruleset.get(wanted) or next(
        (r for r in project.ruleset.rules if r.id.lower() == wanted.lower()), None)
    if rule is None:
        import difflib

        ids = [r.id for r in project.ruleset.rules]
        close = difflib.get_close_matches(wanted.upper(), ids, n=3, cutoff=0.5)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        err(f"archrules: error: unknown rule '{printable(wanted)}'{printable(hint)}")
        return EXIT_USAGE
    _write_explanation(rule, config_options(project)[0], sys.stdout)
    return EXIT_OK


def _write_explanation(rule, options, out) -> None:
    paint = Painter(wants_color(out))
    sev, why = effective_state(rule, options)
    out.write(f"{paint(printable(rule.id), 'bold')}: {printable(rule.name)}\n\n")
    out.write(f"severity:   {paint(sev, SEVERITY_STYLE.get(sev, 'dim'))}{f' ({why})' if why else ''}\n")
    where = _defined_at(rule)
    if where:
        out.write(f"defined at: {display_path(where[0])}:{where[1]}\n")
    if rule.url:
        out.write(f"docs:       {printable(rule.url)}\n")
    if rule.files:
        out.write(f"files:      {printable(', '.join(rule.files))}\n")
    if rule.description.strip():
        out.write("\ndescription:\n" + _block(rule.description))
    checks = describe_checks(rule)
    if checks:
        out.write("\nchecks:\n" + "".join(f"  - {printable(c)}\n" for c in checks))
    if rule.suggestion.strip():
        out.write("\nsuggestion:\n" + _block(rule.suggestion))


def _block(text: str) -> str:
    """A multi-line text from a rule file, indented, each line printable."""
    return "".join(f"  {printable(line)}\n" if line.strip() else "\n" for line in text.strip().splitlines())
