"""project/import_graph.py: a project's import graph, as `check` builds it."""

from __future__ import annotations

import os
import pickle

from archrules_lsp.engine import Checker, RuleSet
from archrules_lsp.project import import_graph
from archrules_lsp.project.config import ProjectConfig
from archrules_lsp.project.import_graph import import_context
from archrules_lsp.project.scan import CheckerSpec


def write(root, files: dict[str, bytes | str]) -> list[str]:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return sorted(files)


def test_modules_are_named_with_the_configured_source_roots(tmp_path):
    rels = write(tmp_path, {"backend/app/api.py": "import app.models\n", "web/x.ts": 'import "./y";\n',
                            "README.md": "import nothing\n"})
    graph = import_context(tmp_path, rels, ProjectConfig(source_roots=("backend",))).graph
    assert graph.modules() == ["app.api", "web/x"]
    assert [t for t, _ in graph.imports_of("app.api")] == ["app.models"]
    assert graph.path_of("app.api") == "backend/app/api.py"


def test_files_that_cannot_be_read_or_parsed_have_no_imports(tmp_path):
    rels = write(tmp_path, {"app/big.py": "import os\n" * 100, "app/binary.py": b"\x00\x01import os",
                            "app/broken.py": "import os\ndef f(:\n", "app/ok.py": "import os\n"})
    context = import_context(tmp_path, rels, ProjectConfig(), max_file_size=100)
    graph = context.graph
    assert graph.modules() == ["app.broken", "app.ok"]  # too large and binary: not read
    assert graph.imports_of("app.broken") == []
    # a file that does not parse keeps no digest: its check parses it again (and says why it cannot)
    assert graph.imports_read_from("app.broken", "app/broken.py", "import os\ndef f(:\n") is None
    assert graph.imports_read_from("app.ok", "app/ok.py", "import os\n") is not None
    assert graph.imports_read_from("app.ok", "app/ok.py", "import io\n") is None  # same length, another text


def test_a_spawned_workers_checker_gets_the_graph(tmp_path):
    rels = write(tmp_path, {"app/a.py": "import app.b\n", "app/b.py": ""})
    context = import_context(tmp_path, rels, ProjectConfig())
    rules = tmp_path / "rules.yaml"
    rules.write_text("r:\n  - id: A\n    name: a\n    imports:\n      layers: [app.a, app.b]\n")
    spec = pickle.loads(pickle.dumps(CheckerSpec((str(rules),), None, context)))  # as a spawned worker gets it
    checker = spec.build()
    assert isinstance(checker, Checker) and checker.imports.graph.modules() == ["app.a", "app.b"]
    assert Checker(RuleSet()).imports.graph.modules() == []


def test_the_check_reads_each_file_once_taking_the_graphs_texts(tmp_path):
    # the graph and the check see the same text, even when the file changes in between
    rels = write(tmp_path, {"app/a.py": "import app.b\n", "app/b.py": "", "app/big.py": "import app.a\n" * 20})
    texts: dict[str, str] = {}
    context = import_context(tmp_path, rels, ProjectConfig(), max_file_size=100, keep_texts=texts)
    assert texts == {"app/a.py": "import app.b\n", "app/b.py": ""}  # too large: not read, not kept
    (tmp_path / "app/a.py").write_text("import app.api\n")
    rules = tmp_path / "rules.yaml"
    rules.write_text("r:\n  - id: A\n    name: a\n    imports:\n      layers: [app.b, app.a]\n")
    from archrules_lsp.engine import load_rule_files
    from archrules_lsp.project.scan import scan

    checker = Checker(load_rule_files([str(rules)]))
    checker.use_imports(context)
    found = dict(scan(tmp_path, ["app/a.py"], checker, jobs=1, texts=texts))
    assert [f.message for f in found["app/a.py"].findings] == ["app.a imports app.b (layer app.a is below app.b)"]
    assert "app/a.py" not in texts  # dropped once checked


def project_of_1200_modules(tmp_path) -> tuple[dict[str, str], list[str]]:
    files = {f"app/m{i:04}.py": f"import app.m{(i + 1) % 1200:04}\nfrom . import m{(i * 7) % 1200:04} as x\n"
             for i in range(1200)}
    files["app/__init__.py"] = "try:\n    import json\nexcept ImportError:\n    pass\n"
    files["app/broken.py"] = "import os\ndef f(:\n"
    files["web/x.ts"] = 'import { a } from "./y";\n'
    return files, write(tmp_path, files)


def assert_same_graphs(files, here, pooled):
    assert pooled.modules() == here.modules() and len(here) == len(files)
    for module in here.modules():
        path = here.path_of(module)
        assert pooled.path_of(module) == path and pooled.imports_of(module) == here.imports_of(module)
        text = files[path]
        assert pooled.imports_read_from(module, path, text) == here.imports_read_from(module, path, text)


def test_a_graph_read_by_helper_processes_is_the_graph_read_in_process(tmp_path):
    files, rels = project_of_1200_modules(tmp_path)
    texts: dict[str, dict[str, str]] = {"in-process": {}, "workers": {}}
    here = import_context(tmp_path, rels, ProjectConfig(), jobs=1, keep_texts=texts["in-process"]).graph
    pooled = import_context(tmp_path, rels, ProjectConfig(), jobs=3, keep_texts=texts["workers"]).graph
    assert_same_graphs(files, here, pooled)
    assert texts["workers"] == texts["in-process"] == files


def test_the_files_of_a_helper_that_dies_are_read_in_this_process(tmp_path, monkeypatch):
    files, rels = project_of_1200_modules(tmp_path)
    here = import_context(tmp_path, rels, ProjectConfig(), jobs=1).graph
    real = import_graph._send_share

    class DiesAfterOneMessage:
        def __init__(self, conn):
            self.conn = conn

        def send(self, message):
            self.conn.send(message)
            os._exit(3)  # a crash: the rest of the share is never sent

    def dies_after_one_chunk(conn, *args):
        real(DiesAfterOneMessage(conn), *args)

    monkeypatch.setattr(import_graph, "_send_share", dies_after_one_chunk)
    assert_same_graphs(files, here, import_context(tmp_path, rels, ProjectConfig(), jobs=2).graph)
