"""`archrules docs --out DIR`: a Markdown page per loaded rule, `DIR/<page>.md`, and `DIR/index.md`.

Page names come from `project.config.rule_page_name` (the same names `docs-url` links to),
so no rule id can name a path (`../x`). Everything taken from rule files is untrusted:
text is Markdown-escaped, code goes in fences longer than any backtick run it holds, and
control characters are shown as escapes. Pages are replaced whole (a symlink in DIR is
replaced, never written through). Exit 2 when a rule file has errors (the pages of the
rules that loaded are still written) or two ids give the same page name.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from ...project.config import INDEX_PAGE, rule_page_name
from ..console import display_path, err, printable
from ..contract_words import contracts_in_words
from ..exit_codes import EXIT_OK, EXIT_USAGE
from ..project_setup import load_and_report


def run(args: argparse.Namespace) -> int:
    project = load_and_report(args)
    if project is None:
        return EXIT_USAGE
    rules = project.ruleset.rules
    clash = _name_clash(rules)
    if clash:
        err(f"archrules: error: rules {printable(clash[0])} and {printable(clash[1])} would get the same page "
            "on a case-insensitive file system; rename one")
        return EXIT_USAGE
    out = Path(os.path.abspath(args.out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        for rule in rules:
            _write(out / f"{rule_page_name(rule.id)}.md", rule_page(rule, project.root))
        _write(out / f"{INDEX_PAGE}.md", index_page(rules))
    except OSError as e:
        err(f"archrules: error: cannot write to {display_path(str(out))}: {printable(e.strerror or str(e))}")
        return EXIT_USAGE
    sys.stdout.write(f"wrote {len(rules)} rule page{'' if len(rules) == 1 else 's'} and index.md "
                     f"to {display_path(str(out))}\n")
    return EXIT_USAGE if project.has_errors else EXIT_OK


def _name_clash(rules) -> tuple[str, str] | None:
    seen: dict[str, str] = {}
    for rule in rules:
        key = rule_page_name(rule.id).lower()
        if key in seen:
            return seen[key], rule.id
        seen[key] = rule.id
    return None


def _write(path: Path, text: str) -> None:
    """A new file renamed into place: never half written, never through a symlink."""
    fd, tmp = tempfile.mkstemp(prefix=".archrules-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


# ---------------------------------------------------------------- Markdown from untrusted text

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!~&])")  # links need `[`, raw HTML `<`, entities `&`
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")  # a list item, a heading underline, a numbered item


def md_text(text: str) -> str:
    """One line of prose, every Markdown (and HTML) character that could format it escaped,
    control characters shown as escapes."""
    escaped = _MD_SPECIAL.sub(r"\\\1", printable(" ".join(text.split())))
    return _LINE_START.sub(lambda m: "\\" + m.group() if not m.group().isdigit() else m.group() + "\\", escaped)


def md_lines(text: str) -> str:
    """Several lines of prose, each escaped, line breaks kept (blank lines make paragraphs)."""
    lines = [md_text(line) for line in text.strip().splitlines()]
    return "\n".join(f"{line}  " if line else "" for line in lines).rstrip() + "\n"


def md_code(text: str) -> str:
    """An inline code span holding `text` exactly (on one line)."""
    text = printable(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_block(code: str, language: str = "") -> str:
    """A fenced code block holding `code`, whatever backtick runs it contains."""
    code = "\n".join(printable(line) for line in code.splitlines())
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    return f"{fence}{language}\n{code}\n{fence}\n"


def page_link(rule_id: str) -> str:
    return quote(rule_page_name(rule_id), safe="") + ".md"


# ---------------------------------------------------------------- pages


def index_page(rules) -> str:
    parts = ["# Architecture rules\n"]
    groups: dict[str, list] = {}
    for rule in rules:
        groups.setdefault(rule.group, []).append(rule)
    for group, members in groups.items():
        parts.append(f"\n## {md_text(group) or 'Rules'}\n\n| id | name | severity |\n|---|---|---|\n")
        parts += [f"| [{md_text(r.id)}]({page_link(r.id)}) | {md_text(r.name)} | {r.severity.value}"
                  f"{'' if r.enabled else ' (disabled)'} |\n" for r in members]
    return "".join(parts)


def rule_page(rule, root: Path) -> str:
    parts = [f"# {md_text(rule.id)}: {md_text(rule.name)}\n\n", _facts(rule, root)]
    if rule.description.strip():
        parts.append("\n## Description\n\n" + md_lines(rule.description))
    if rule.files:
        parts.append("\n## Files\n\n" + "".join(f"- {md_code(glob)}\n" for glob in rule.files))
    checks = checks_in_words(rule)
    if checks:
        parts.append("\n## What it checks\n\n" + "".join(f"- {line}\n" for line in checks))
    if rule.suggestion.strip():
        parts.append("\n## Suggestion\n\n" + md_block(rule.suggestion.strip("\n")))
    fixes = _fixes_in_words(rule)
    if fixes:
        parts.append("\n## Fix\n\n" + "".join(f"- {line}\n" for line in fixes))
    if rule.examples:
        parts.append("\n## Examples\n" + "".join(_example(e) for e in rule.examples))
    return "".join(parts)


def _facts(rule, root: Path) -> str:
    rows = [("id", md_code(rule.id)), ("severity", rule.severity.value + ("" if rule.enabled else " (disabled)"))]
    if rule.group:
        rows.append(("group", md_text(rule.group)))
    if rule.location is not None:
        from ...project.conventions import root_relative

        where = root_relative(rule.location.path, root) or os.path.basename(rule.location.path)
        rows.append(("defined in", md_code(f"{where}:{rule.location.span.line + 1}")))
    # GFM splits a table cell at `|` even inside a code span, unless it is escaped
    return "| | |\n|---|---|\n" + "".join(f"| {k} | {_in_cell(v)} |\n" for k, v in rows)


def _in_cell(markdown: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", markdown)


def _globs(entry_file) -> str:
    return md_code(entry_file.pattern)


def _any_of(items, joiner: str = " or ") -> str:
    return joiner.join(md_code(i) for i in items)


def checks_in_words(rule) -> list[str]:
    """Each check as a sentence: "Files matching `app/**/*.py` must contain `x`."."""
    lines = []
    for p in rule.patterns:
        head = f"Files matching {_globs(p.file)}{_except(p.exclude)}"
        if p.in_class is not None:
            head = (f"In {head[0].lower()}{head[1:]}, each Python class whose header matches the regex "
                    f"{md_code(p.in_class.source)}")
        if p.when_contains:
            head += f" that contain {_any_of(p.when_contains)}"
        if p.must_contain:
            lines.append(f"{head} must contain {_any_of(p.must_contain, ' and ')} (plain text).")
        if p.must_contain_one_of:
            lines.append(f"{head} must contain at least one of {_any_of(p.must_contain_one_of, ', ')}.")
        if p.must_reference:
            lines.append(f"{head} must reference {_any_of(p.must_reference, ' and ')} as whole identifiers.")
        if p.should_match is not None:
            lines.append(f"{head} must have a line matching the regex {md_code(p.should_match.source)}.")
        if p.endpoint_pattern is not None and p.must_return:
            lines.append(f"In {head[0].lower()}{head[1:]}, every function with a decorator line matching "
                         f"{md_code(p.endpoint_pattern.source)} must return {_any_of(p.must_return, ' and ')}.")
    for a in rule.anti_patterns:
        scope = (f"files matching {_globs(a.file)}" if a.file is not None
                 else "the files above" if rule.patterns else "any checked file") + _except(a.exclude)
        lines.append(f"No line of {scope} may match the regex {md_code(a.regex.source)}: {md_text(a.message)}.")
    if rule.imports is not None:
        lines.extend(contracts_in_words(rule.imports, md_code))
    return lines


def _except(globs) -> str:
    return f" (except {_any_of([g.pattern for g in globs], ', ')})" if globs else ""


def _fixes_in_words(rule) -> list[str]:
    lines = [f"A line matching {md_code(a.regex.source)} gets its match replaced by {md_code(a.fix)} "
             "(a quick fix; `archrules check --fix` applies it when safe)." for a in rule.anti_patterns
             if a.fix is not None]
    if any(p.must_contain for p in rule.patterns) and rule.suggestion.strip():
        lines.append("In a Python file, a missing `must_contain` string that a line of the suggestion holds "
                     "is inserted into the file's first class (see docs/rule-format.md, Fixes).")
    return lines


_LANGUAGES = {".py": "python", ".js": "javascript", ".ts": "typescript", ".md": "markdown", ".html": "html"}


def _example(example) -> str:
    kind = "Accepted" if example.valid else "Flagged"
    extra = ""
    if not example.valid and example.count is not None:
        extra += f", {example.count} finding{'' if example.count == 1 else 's'}"
    if not example.valid and example.message:
        extra += f", message containing {md_code(example.message)}"
    language = _LANGUAGES.get(os.path.splitext(example.path)[1], "")
    text = f"\n### {kind}: {md_code(example.path)}{extra}\n\n" + md_block(example.code, language)
    if example.fixed is not None:
        text += "\nAfter the fix:\n\n" + md_block(example.fixed, language)
    return text
