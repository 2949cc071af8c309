"""Rule files: YAML with positions, validation, every rule-file error at its line.

    rules, errors = load_rule_text(text, path)
    ruleset = load_rule_files(paths, read_text=None)

Modules: `yaml_nodes` (safe composing, node -> Span), `syntax_errors` (a YAML
syntax error in words), `keys` (every key of the format, declared once: its value's
schema, documentation, example), `schema` (key tables, did-you-mean), `values` (typed
values from nodes), `rules` (Rule objects), `loader` (files, duplicate ids).
The format is described in docs/rule-format.md.
"""

from .loader import load_rule_files, load_rule_text

__all__ = ["load_rule_files", "load_rule_text"]
