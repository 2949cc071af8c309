"""Human output, ruff-like: `path:line:col: BG-010 [warning] message`, then a summary line.

Findings go to stdout; rule-file errors (printed first) and skipped files go to stderr.
"""

from __future__ import annotations

from ..console import Painter, SEVERITY_STYLE, display_path, wants_color
from ..report import Format, severity_name


class TextFormat(Format):
    def begin(self) -> None:
        self.paint = Painter(wants_color(self.out, self.options.color))

    def file(self, rel, rows) -> None:
        if self.options.statistics:
            return
        p, write = self.paint, self.out.write
        path = p(display_path(str(self.state.project.root / rel), self.state.cwd), "bold")
        colon = p(":", "cyan")
        suggested: set[str] = set()
        for f in rows.findings:
            write(f"{path}{colon}{f.line}{colon}{f.column}{colon} {p(f.rule, SEVERITY_STYLE[f.severity])} "
                  f"[{f.severity}] {f.message}\n")
            if self.options.show_suggestions and f.suggestion and f.rule not in suggested:
                suggested.add(f.rule)
                for line in f.suggestion.rstrip().splitlines():
                    write(f"    {p('|', 'dim')} {line}\n")
        for n in rows.notes:
            write(f"{path}{colon}{n.line}{colon}{n.column}{colon} {p('note', 'cyan')}: {n.message}\n")

    def end(self) -> None:
        state, p, write = self.state, self.paint, self.out.write
        if self.options.statistics and state.by_rule:
            width = max(len(str(c)) for c in state.by_rule.values())
            id_width = max(len(r) for r in state.by_rule)
            for rule_id, count in sorted(state.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                rule = state.ruleset.get(rule_id)
                severity = severity_name(rule.severity) if rule is not None else "hint"
                name = rule.name if rule is not None else "unused suppression comment"
                write(f"{count:>{width}}  {p(rule_id.ljust(id_width), SEVERITY_STYLE.get(severity, 'dim'))}  "
                      f"[{severity}] {name}\n")
        if self.options.quiet:
            return
        if state.fixing:
            write(f"Fixed {state.fixed} finding{'' if state.fixed == 1 else 's'} in "
                  f"{state.files_fixed} file{'' if state.files_fixed == 1 else 's'}.\n")
        line = state.summary_line()
        write((p(line, "green") if not state.total else p(line, "bold")) + "\n")


FORMAT = TextFormat
