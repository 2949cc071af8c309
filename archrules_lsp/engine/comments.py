"""Comment syntax per file type, for writing suppression comments."""

from __future__ import annotations

from functools import lru_cache

from .record import record


@record(slots=True)
class CommentStyle:
    """How a file type writes a comment: a line opener, or an opener and a closer."""

    open: str
    close: str = ""  # empty for line comments

    def wrap(self, body: str) -> str:
        return f"{self.open} {body} {self.close}".rstrip() if self.close else f"{self.open} {body}"


HASH = CommentStyle("#")
SLASHES = CommentStyle("//")
BLOCK = CommentStyle("/*", "*/")
MARKUP = CommentStyle("<!--", "-->")
DASHES = CommentStyle("--")
SEMICOLON = CommentStyle(";")
PERCENT = CommentStyle("%")

_BY_EXTENSION = {
    **dict.fromkeys(
        ("py", "pyi", "pyw", "sh", "bash", "zsh", "rb", "pl", "r", "yaml", "yml", "toml", "cfg", "ini",
         "conf", "mk", "cmake", "dockerfile", "nim", "ex", "exs", "jl", "ps1", "tf", "coffee", "gd"),
        HASH,
    ),
    **dict.fromkeys(
        ("js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "java", "kt", "kts", "scala", "go", "rs",
         "c", "h", "cc", "cpp", "cxx", "hpp", "cs", "swift", "dart", "php", "groovy", "gradle", "zig",
         "proto", "jsonc", "json5", "v", "sv", "scss", "less"),
        SLASHES,
    ),
    **dict.fromkeys(("css",), BLOCK),
    **dict.fromkeys(("html", "htm", "xml", "svg", "vue", "svelte", "md", "markdown", "xhtml"), MARKUP),
    **dict.fromkeys(("sql", "lua", "hs", "elm", "ada", "adb", "ads"), DASHES),
    **dict.fromkeys(("lisp", "clj", "cljs", "el", "scm", "asm", "s"), SEMICOLON),
    **dict.fromkeys(("tex", "erl", "m"), PERCENT),
}
_BY_NAME = {"Dockerfile": HASH, "Makefile": HASH, "makefile": HASH, "Jenkinsfile": SLASHES}


@lru_cache(maxsize=1024)
def comment_style(path: str) -> CommentStyle | None:
    """The comment syntax for a path, or None for files with no comments (plain text, JSON)."""
    name = path.rsplit("/", 1)[-1]
    if name in _BY_NAME:
        return _BY_NAME[name]
    if "." not in name:
        return None
    return _BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower())


def fence_language(path: str) -> str:
    """A markdown code-fence language for a path (hover shows suggestions in it)."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return {
        "py": "python", "pyi": "python", "js": "javascript", "mjs": "javascript", "cjs": "javascript",
        "jsx": "jsx", "ts": "typescript", "tsx": "tsx", "yaml": "yaml", "yml": "yaml", "html": "html",
        "css": "css", "go": "go", "rs": "rust", "java": "java", "rb": "ruby", "sh": "bash", "sql": "sql",
        "json": "json", "toml": "toml", "md": "markdown", "vue": "vue", "php": "php", "c": "c", "cpp": "cpp",
    }.get(ext, ext)
