"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

One run; tool.driver lists every loaded rule (id, name, descriptions, help = the
suggestion, default level); results point at root-relative URIs under the
`%SRCROOT%` base. Rule-file errors are tool configuration notifications (and make
the invocation unsuccessful); engine notes are tool execution notifications.
Results are encoded in the workers and streamed out as they arrive."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from ... import __version__
from ...project.conventions import root_relative
from ..file_report import one_based
from ..report import Format
from .json_writer import Raw, StreamedDocument, compact

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/archrules-lsp/"
LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def uri(rel: str) -> str:
    # the name's own bytes, percent-encoded (a name that is not UTF-8 arrives with surrogates)
    return quote(rel.encode("utf-8", "surrogateescape"), safe="/")


def region(line: int, column: int, end_line: int, end_column: int) -> dict:
    """A SARIF region from 1-based, end-exclusive positions."""
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def location(rel: str, reg: dict | None, base: str | None = "%SRCROOT%", quoted: bool = False) -> dict:
    """A SARIF location: `rel` under `base` (a URI already when `quoted`), with a region if given."""
    artifact = {"uri": rel if quoted else uri(rel)}
    if base:
        artifact["uriBaseId"] = base
    physical: dict = {"artifactLocation": artifact}
    if reg is not None:
        physical["region"] = reg
    return {"physicalLocation": physical}


def rule_descriptor(rule) -> dict:
    text_help = (rule.suggestion or rule.description or rule.name).strip()
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": (rule.description or rule.name).strip()},
        "help": {"text": text_help, "markdown": text_help},
        "defaultConfiguration": {"level": LEVEL[rule.severity.value], "enabled": bool(rule.enabled)},
        "properties": {"tags": ["architecture"] + ([rule.group] if rule.group else [])},
    }
    if rule.url:
        descriptor["helpUri"] = rule.url
    return descriptor


class SarifRenderer:
    """One file's SARIF results and notifications, encoded as JSON text in the worker."""

    def __init__(self, rule_index: dict[str, int]):
        self.rule_index = rule_index

    def __call__(self, rel, findings, notes, baselined=None):
        results = []
        for i, f in enumerate(findings):
            r = {"ruleId": f.rule_id, "level": LEVEL[f.severity.value], "message": {"text": f.message},
                 "locations": [location(rel, region(*one_based(f.span)))]}
            if f.rule_id in self.rule_index:
                r["ruleIndex"] = self.rule_index[f.rule_id]
            fix = f.rule_fix
            if fix is not None and fix.edits:
                r["fixes"] = [{"description": {"text": fix.title}, "artifactChanges": [{
                    "artifactLocation": {"uri": uri(rel), "uriBaseId": "%SRCROOT%"},
                    "replacements": [{"deletedRegion": region(*one_based(e.span)),
                                      "insertedContent": {"text": e.new_text}} for e in fix.edits]}]}]
            if f.related:  # an indirect import's hops
                r["relatedLocations"] = [{"id": n, **location(h.path, region(*one_based(h.span))),
                                          "message": {"text": h.message}} for n, h in enumerate(f.related)]
            if baselined is not None and baselined[i]:
                r["suppressions"] = [{"kind": "external"}]  # held by the baseline file
            results.append(compact(r))
        notifications = [compact({"level": "note", "message": {"text": n.message},
                                   "locations": [location(rel, region(*one_based(n.span)))]}) for n in notes]
        return results, notifications


class SarifFormat(Format):
    load_problems_on_stderr = False
    baselined_in_output = True  # in the summary / as suppressed results
    shows_baselined = True  # as suppressed results: code scanning hides them, keeps the record

    def renderer(self):
        return SarifRenderer({r.id: i for i, r in enumerate(self.state.ruleset.rules)})

    def begin(self) -> None:
        project = self.state.project
        self.doc = StreamedDocument(self.out)
        self.doc.field("$schema", SCHEMA)
        self.doc.field("version", "2.1.0")
        self.runs = self.doc.open_list("runs")
        self.run = self.runs.open_object()
        self.run.field("tool", {"driver": {
            "name": "archrules", "version": __version__, "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(r) for r in self.state.ruleset.rules]}})
        self.run.field("originalUriBaseIds", {"%SRCROOT%": {"uri": project.root.as_uri() + "/"}})
        self.run.field("columnKind", "unicodeCodePoints")
        self.results = self.run.open_list("results")  # streamed; the invocation (with notes) comes after
        self.notes: list[Raw] = []

    def file(self, rel, payload) -> None:
        results, notes = payload
        for r in results:
            self.results.add(r)
        self.notes.extend(map(Raw, notes))

    def _configuration_notifications(self) -> list[dict]:
        """Load problems; located at a root-relative URI, or an absolute one outside the root."""
        root = self.state.project.root
        out = []
        for p in self.state.project.load_problems:
            n: dict = {"level": LEVEL[p.severity], "message": {"text": p.message}}
            if p.path is not None:
                reg = region(p.line, p.column, p.line, p.column) if p.line and p.column else None
                rel = root_relative(p.path, root)
                n["locations"] = ([location(Path(p.path).as_uri(), reg, None, quoted=True)] if rel is None
                                  else [location(rel, reg)])
            if p.rule_id:
                n["associatedRule"] = {"id": p.rule_id}
            out.append(n)
        return out

    def end(self) -> None:
        self.results.close()
        config_notes = self._configuration_notifications()
        invocation: dict[str, Any] = {"executionSuccessful": not self.state.project.has_errors}
        if config_notes:
            invocation["toolConfigurationNotifications"] = config_notes
        if self.notes:
            invocation["toolExecutionNotifications"] = self.notes
        self.run.field("invocations", [invocation])
        self.run.close()
        self.runs.close()
        self.doc.close()


FORMAT = SarifFormat
