"""``Any`` only where a reason is written next to it.

Outside the sandbox and the PBX client's JSON edge, every line that uses ``typing.Any``
(however it was imported: ``Any``, an alias such as ``A``, ``typing.Any``, ``t.Any``) must
carry a trailing ``# Any: <reason>`` comment or sit directly below a comment block holding
one; a reason is at least three words. The import itself is not a use. Prefer a real type,
``object``, a TypedDict or a named alias whose own definition carries the reason.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = ROOT / "trunkwiz"

#: Files and folders (relative to the repository) where ``Any`` needs no reason, each with why.
EXEMPT: dict[str, str] = {
    "trunkwiz/sandbox": "a stand-in PBX serving JSON of every shape to tests and demos",
    "trunkwiz/pbx/transport.py": "the PBX client's JSON edge: raw HTTP bodies in and out",
    "trunkwiz/pbx/shapes.py": "the PBX client's JSON edge: checks the shape of raw answers",
    "trunkwiz/pbx/paging.py": "the PBX client's JSON edge: pages of raw list answers",
    "trunkwiz/pbx/client.py": "the PBX client's JSON edge: one method per raw API call",
    "trunkwiz/pbx/redact.py": "the PBX client's JSON edge: walks raw bodies to hide secrets",
    "trunkwiz/pbx/errors.py": "the PBX client's JSON edge: reads the raw body of an error answer",
}

PACKAGES = ("top", "domain", "store", "sip", "pbx", "service", "cli", "tui")

_REASON = re.compile(r"#\s*Any:\s*(?P<reason>.*)$")
_TYPING_MODULES = frozenset({"typing", "typing_extensions"})


def is_reason(comment: str) -> bool:
    """Whether ``comment`` is ``# Any: `` followed by at least three words."""
    match = _REASON.match(comment.strip())
    return match is not None and len(match["reason"].split()) >= 3


def _comments(source: str) -> tuple[dict[int, str], set[int]]:
    """The comment of each line, and the lines holding nothing but a comment."""
    comments: dict[int, str] = {}
    only: set[int] = set()
    code_lines: set[int] = set()
    ignore = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string
        elif tok.type not in ignore:
            code_lines.update(range(tok.start[0], tok.end[0] + 1))
    only = {line for line in comments if line not in code_lines}
    return comments, only


class _AnyUses(ast.NodeVisitor):
    """Lines that use ``typing.Any``, resolving how it was imported."""

    def __init__(self) -> None:
        self.any_names: set[str] = set()
        self.typing_names: set[str] = set()
        self.lines: set[int] = set()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name in _TYPING_MODULES:
                self.typing_names.add(alias.asname or alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module in _TYPING_MODULES and not node.level:
            for alias in node.names:
                if alias.name == "Any":
                    self.any_names.add(alias.asname or alias.name)

    def collect(self, tree: ast.AST) -> set[int]:
        self.visit(tree)  # imports first, wherever they are
        for node in ast.walk(tree):
            self._use(node, node)
        for annotation in _annotations(tree):
            for node in ast.walk(annotation):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    self._quoted(node)
        return self.lines

    def _use(self, node: ast.AST, at: ast.AST) -> None:
        if (isinstance(node, ast.Name) and node.id in self.any_names) or (
            isinstance(node, ast.Attribute)
            and node.attr == "Any"
            and isinstance(node.value, ast.Name)
            and node.value.id in self.typing_names
        ):
            self.lines.add(at.lineno)  # type: ignore[attr-defined]

    def _quoted(self, node: ast.Constant) -> None:
        """A quoted annotation such as ``"dict[str, Any]"``."""
        try:
            quoted = ast.parse(str(node.value), mode="eval")
        except SyntaxError:
            return
        for inner in ast.walk(quoted):
            self._use(inner, node)


def _annotations(tree: ast.AST) -> list[ast.expr]:
    """Every annotation: of arguments, returns and annotated assignments."""
    out: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation:
            out.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            out.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            out.append(node.annotation)
    return out


def any_without_reason(path: Path, shown: str | None = None) -> list[str]:
    """``path:line: Any without a reason`` for every use of ``Any`` in ``path`` lacking one."""
    source = path.read_text(encoding="utf-8")
    uses = _AnyUses().collect(ast.parse(source))
    comments, comment_only = _comments(source)
    name = shown or str(path)
    out: list[str] = []
    for line in sorted(uses):
        if is_reason(comments.get(line, "")):
            continue
        above = line - 1
        block: list[str] = []
        while above in comment_only:
            block.append(comments[above])
            above -= 1
        if any(is_reason(comment) for comment in block):
            continue
        out.append(f"{name}:{line}: Any without a reason")
    return out


def check_tree(root: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every failure under ``root`` (a folder or file), leaving out paths under ``skip``
    (given relative to ``root``'s parent, as in :data:`EXEMPT`)."""
    base = root.parent
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    out: list[str] = []
    for path in files:
        rel = path.relative_to(base).as_posix()
        if _under(rel, skip):
            continue
        out += any_without_reason(path, rel)
    return out


def _under(rel: str, prefixes: frozenset[str] | set[str] | dict[str, str]) -> bool:
    return any(rel == p or rel.startswith(p + "/") for p in prefixes)


def package_files(package: str) -> list[Path]:
    """The modules of one package (``top``: the modules directly in ``trunkwiz/``)."""
    if package == "top":
        return sorted(PACKAGE_ROOT.glob("*.py"))
    return sorted((PACKAGE_ROOT / package).rglob("*.py"))


def _failures(package: str) -> list[str]:
    out: list[str] = []
    for path in package_files(package):
        rel = path.relative_to(ROOT).as_posix()
        if _under(rel, EXEMPT):
            continue
        out += any_without_reason(path, rel)
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_any_has_a_reason(package: str) -> None:
    assert package_files(package)
    failures = _failures(package)
    assert not failures, "\n" + "\n".join(failures)


def test_exempt_paths_exist() -> None:
    for rel in EXEMPT:
        assert (ROOT / rel).exists(), rel


PLANTED = """\
from typing import Any
from typing import Any as A
import typing
import typing as t

def bare(x: Any) -> None: ...
def one_word(x: Any) -> None: ...  # Any: because
def aliased(x: A) -> None: ...
def dotted(x: typing.Any) -> None: ...
def short(x: t.Any) -> None: ...
def quoted(x: "dict[str, Any]") -> None: ...
def trailing(x: Any) -> None: ...  # Any: forwards to Textual's widget
# Any: the reason sits on the line above
def above(x: Any) -> None: ...
# Any: a wrapped reason that goes on
#      to a second comment line
def block(x: Any) -> None: ...
# Any: a reason too far above

def gap(x: Any) -> None: ...
def in_text() -> str:
    return "no Any here"  # a docstring or text is not a use
"""


def test_planted_module(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "sub" / "mod.py").write_text(PLANTED, encoding="utf-8")
    (pkg / "clean.py").write_text("from typing import Any\n\nx: object = 1\n", encoding="utf-8")
    lines = PLANTED.splitlines()

    def at(prefix: str) -> int:
        return next(i for i, text in enumerate(lines, 1) if text.startswith(prefix))

    caught = [
        "def bare",
        "def one_word",
        "def aliased",
        "def dotted",
        "def short",
        "def quoted",
        "def gap",
    ]
    assert check_tree(pkg) == [f"pkg/sub/mod.py:{at(p)}: Any without a reason" for p in caught]
    assert check_tree(pkg, frozenset({"pkg/sub"})) == []


@pytest.mark.parametrize(
    ("comment", "ok"),
    [
        ("# Any: Textual's Worker is generic", True),
        ("#Any: three words here", True),
        ("# Any: two words", False),
        ("# Any:", False),
        ("# any: lower case is not it", False),
        ("# noqa: Any: three more words", False),
    ],
)
def test_reason_is_three_words(comment: str, ok: bool) -> None:
    assert is_reason(comment) is ok
