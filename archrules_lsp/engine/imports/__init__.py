"""Import contracts: which module may import which (a rule's `imports:` key).

    modules.py      module names from root-relative paths (`ModuleNamer`), `covers`
    python.py       a Python file's imports (from its syntax tree)
    javascript.py   a JavaScript/TypeScript file's imports (a comment- and string-aware scan)
    graph.py        `ImportGraph`: every module's imports, updated one module at a time; shortest chains
    contracts.py    what a module may not import under a rule's contracts, the violations and findings,
                    chains cached per graph version, stale `ignore` entries
    context.py      `ImportContext` (graph, namer, chain cache) for a Checker; `read_imports` of one file
    overview.py     the graph reduced to the modules contracts name (`archrules graph`)
    rule_keys.py    the `imports:` key of a rule file, loaded with located errors

Pure like the rest of the engine: text and names in, findings out, no I/O.
"""
