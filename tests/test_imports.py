"""Modules import at their top; an import inside a function is an allowed exception.

Start-up is fast by design: a command's arguments are defined in a light module of
``trunkwiz.cli.args`` (``--help``, ``completion`` and ``man`` import only those), the
dispatcher imports the run module of the command being run only
(``trunkwiz.cli.COMMANDS``; none for ``--help`` and ``--version``), and Textual loads its
widgets on demand. Every other import sits at the top of its module, where a reader sees
what the module needs. An import inside a function stays only where it keeps measured
work off a path that does not need it (the wizard's first frame, a run's path that does
not open the App, an error path), or where the module it names may be missing on the
platform. Each such import is in ``ALLOWLIST`` with its reason
and carries a ``# lazy: ...`` comment on its first line; an import inside a function that
the list does not hold fails, and so does an entry whose import is gone (the list only
shrinks). Imports under ``if TYPE_CHECKING:`` are not counted: they never run.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trunkwiz.cli import COMMANDS

SOURCE = Path(__file__).resolve().parent.parent / "trunkwiz"

# Reasons. The costs are import times measured on top of what the path loads anyway
# (best of several runs; `python -X importtime` shows the same order of magnitude).

#: A command's run imports this on the one path that needs it (the App opening, not the
#: refusal without a terminal).
RUN_PATH = "only the path of the command's run that needs it"
#: The wizard's first frame (the Connect step, or the resume question when a draft is
#: saved) comes before the heavy layers; they are warmed up after it (``tui.warmup``).
FIRST_FRAME = "kept off the wizard's first frame"
#: A module many others import names a heavy library that few of its callers need.
ON_USE = "loaded on first use, not by every importer"
#: The module may be missing on the platform (the import is guarded or conditional).
PLATFORM = "platform-dependent module"
#: Every command imports this module (the dispatcher, the parser); only an error path
#: (a usage mistake, a crash) or an option few runs give needs the import.
ON_ERROR = "every command loads this module; only an error path or --debug imports this"

#: ``(importing module, imported module) -> reason``; for ``from M import name`` the
#: imported module is ``M.name`` when that is a module of trunkwiz, else ``M``.
ALLOWLIST: dict[tuple[str, str], str] = {
    # -- cli: the wizard's commands open Textual only when they open the App ---------------
    ("trunkwiz.cli.demo", "trunkwiz.tui.app"): f"{RUN_PATH}: Textual, ~170 ms",
    ("trunkwiz.cli.edit", "trunkwiz.tui.editapp"): f"{RUN_PATH}: Textual, ~160 ms",
    ("trunkwiz.cli.wizard", "trunkwiz.tui.app"): f"{RUN_PATH}: Textual, ~170 ms",
    ("trunkwiz.cli.wizard", "trunkwiz.cli.passwords"): (
        f"{FIRST_FRAME}: the keyring's module with httpx and pydantic, ~160 ms"
    ),
    # -- the wizard's first frame ----------------------------------------------------------
    ("trunkwiz.store.drafts", "trunkwiz.store.schemas"): f"{FIRST_FRAME}: pydantic, ~80 ms",
    ("trunkwiz.store.profiles", "trunkwiz.store.schemas"): f"{FIRST_FRAME}: pydantic, ~80 ms",
    ("trunkwiz.tui.screens.connect", "pydantic"): f"{FIRST_FRAME}: ~18 ms",
    ("trunkwiz.tui.screens.connect", "trunkwiz.tui.screens.dialogs"): f"{FIRST_FRAME}: ~1.5 ms",
    ("trunkwiz.tui.screens.connect", "trunkwiz.service.outcomes"): (
        f"{FIRST_FRAME}: the PBX client, httpx and pydantic, ~250 ms"
    ),
    ("trunkwiz.tui.screens.manage", "trunkwiz.service.errors"): (
        f"{FIRST_FRAME} (the resume question): the PBX client, ~280 ms"
    ),
    ("trunkwiz.tui.screens.manage", "trunkwiz.service.routes"): (
        f"{FIRST_FRAME} (the resume question): the PBX client, ~280 ms"
    ),
    # -- heavy libraries behind widely imported modules ------------------------------------
    ("trunkwiz.compat", "asyncio"): f"{ON_USE}: asyncio, ~30 ms, for the async helpers only",
    ("trunkwiz.compat", "tomllib"): f"{ON_USE}: ~5 ms, for TOML readers only",
    ("trunkwiz.compat", "tomli"): f"{ON_USE}: Python 3.10's tomllib, for TOML readers only",
    ("trunkwiz.sip.resolve", "dns.asyncresolver"): f"{ON_USE}: dnspython, ~60 ms, SRV only",
    ("trunkwiz.sip.resolve", "dns.exception"): f"{ON_USE}: dnspython, SRV lookups only",
    ("trunkwiz.sip.resolve", "dns.resolver"): f"{ON_USE}: dnspython, SRV lookups only",
    ("trunkwiz.store.memory", "keyring.errors"): f"{ON_USE}: keyring, ~80 ms, off the demo",
    ("trunkwiz.store.secrets", "keyring"): f"{ON_USE}: keyring, ~55 ms, when a password is read",
    ("trunkwiz.store.secrets", "trunkwiz.store.kernel_keyring"): (
        f"{ON_USE}: keyring, ~80 ms, only when keyring's own choice fails"
    ),
    ("trunkwiz.store.secrets", "pydantic"): (
        f"{ON_USE}: ~20 ms; importing the store loads no pydantic (tests/store)"
    ),
    ("trunkwiz.store.tomlfile", "tomli_w"): (
        f"{ON_USE}: ~4 ms, for writes; importing the store loads no tomli_w (tests/store)"
    ),
    ("trunkwiz.cli.hardening", "ctypes"): (
        f"{ON_USE}: ~1.8 ms on every command; only when _ctypes alone cannot reach prctl"
    ),
    # -- platform --------------------------------------------------------------------------
    ("trunkwiz.cli.hardening", "resource"): f"{PLATFORM}: absent on Windows (caught)",
    ("trunkwiz.tui.terminal", "textual.drivers.linux_driver"): f"{PLATFORM}: POSIX only",
    # -- the dispatcher and the parser: every command ----------------------------------
    ("trunkwiz.cli", "trunkwiz.cli.debug"): f"{ON_ERROR}: logging, ~6 ms, --debug only",
    ("trunkwiz.cli", "trunkwiz.store.crashlog"): f"{ON_ERROR}: ~17 ms, after a crash only",
    ("trunkwiz.cli", "trunkwiz.store.paths"): f"{ON_ERROR}: platformdirs, ~10 ms, a crash",
    ("trunkwiz.cli.parser", "difflib"): f"{ON_ERROR}: ~0.7 ms, a usage error only",
    ("trunkwiz.cli.parser", "trunkwiz.domain.text"): f"{ON_ERROR}: ~1.5 ms, a usage error only",
    # -- the wizard's first frame: service and tui -------------------------------------
    (
        "trunkwiz.service.draft._draft",
        "trunkwiz.domain.options",
    ): f"{FIRST_FRAME}: pydantic, ~70 ms",
    ("trunkwiz.service.draft._draft", "trunkwiz.domain.routes"): f"{FIRST_FRAME}: pydantic, ~80 ms",
    ("trunkwiz.service.services", "trunkwiz.pbx.client"): f"{FIRST_FRAME}: httpx, ~250 ms",
    ("trunkwiz.service.services", "trunkwiz.pbx.errors"): f"{FIRST_FRAME}: the pbx package",
    ("trunkwiz.service.services", "trunkwiz.pbx.tls"): f"{FIRST_FRAME}: the pbx package",
    ("trunkwiz.service.services", "trunkwiz.service.connection"): f"{FIRST_FRAME}: httpx",
    ("trunkwiz.service.services", "trunkwiz.service.outcomes"): f"{FIRST_FRAME}: the PBX client",
    ("trunkwiz.service.services", "trunkwiz.sip.ratelimit"): f"{FIRST_FRAME}: json, ~4 ms",
    ("trunkwiz.service.services", "trunkwiz.sip.probe"): f"{FIRST_FRAME}: the SIP stack, ~55 ms",
    ("trunkwiz.service.services", "trunkwiz.store.secrets"): f"{FIRST_FRAME}: ~2 ms",
    ("trunkwiz.service.stores", "trunkwiz.store.secrets"): f"{FIRST_FRAME}: ~2 ms",
    ("trunkwiz.tui.app", "trunkwiz.tui.screens.dialogs"): f"{FIRST_FRAME}: ~1.5 ms",
    ("trunkwiz.tui.app", "trunkwiz.tui.screens.manage"): f"{FIRST_FRAME}: ~0.8 ms",
    ("trunkwiz.tui.screens.base", "trunkwiz.service.validate"): (
        f"{FIRST_FRAME}: pydantic models, ~110 ms"
    ),
}


class LocalImport:
    """One import statement inside a function body."""

    def __init__(self, path: Path, module: str, node: ast.Import | ast.ImportFrom, line: str):
        self.path = path
        self.module = module
        self.node = node
        self.line = line  # the statement's first line of source

    def where(self) -> str:
        return f"{self.path}:{self.node.lineno}"


def module_name(path: Path, source: Path) -> str:
    """``trunkwiz.pbx.core`` for ``<source>/pbx/core.py``; a package is its ``__init__``."""
    parts = [source.name, *path.relative_to(source).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def type_checking_nodes(tree: ast.AST) -> set[int]:
    """The ids of every node under an ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            found.update(id(n) for n in ast.walk(node))
    return found


def local_imports(source: Path = SOURCE) -> list[LocalImport]:
    """Every import statement inside a function (at any depth) of the modules under
    ``source``, except those under ``if TYPE_CHECKING:``."""
    found: list[LocalImport] = []
    for path in sorted(source.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        lines = text.splitlines()
        skip = type_checking_nodes(tree)
        seen: set[int] = set()
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skip:
                    if id(node) in seen:  # a nested function's import, met again
                        continue
                    seen.add(id(node))
                    line = lines[node.lineno - 1]
                    found.append(LocalImport(path, module_name(path, source), node, line))
    return found


def imported(node: ast.Import | ast.ImportFrom, package: str, known: set[str]) -> list[str]:
    """The modules an import statement names (see ``ALLOWLIST``); ``package`` resolves a
    relative import, ``known`` holds the project's module names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        up = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*up, base] if base else up)
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def report(source: Path = SOURCE, allowlist: dict[tuple[str, str], str] = ALLOWLIST) -> list[str]:
    """One line per import inside a function the allowlist does not hold, per allowed
    one without its ``# lazy:`` comment, and per allowlist entry that is gone."""
    known = {module_name(p, source) for p in source.rglob("*.py")}
    problems: list[str] = []
    present: set[tuple[str, str]] = set()
    for found in local_imports(source):
        is_package = found.path.name == "__init__.py"
        package = found.module if is_package else found.module.rpartition(".")[0]
        for target in dict.fromkeys(imported(found.node, package, known)):
            key = (found.module, target)
            present.add(key)
            if key not in allowlist:
                problems.append(
                    f"{found.where()} imports {target} inside a function: move it to the "
                    "top, or add it to ALLOWLIST with the start-up cost it saves"
                )
            elif "# lazy:" not in found.line:
                problems.append(
                    f"{found.where()} imports {target} inside a function without a "
                    "`# lazy: ...` comment saying why"
                )
    problems += [
        f"ALLOWLIST holds {module} -> {target}, which no function imports any more: "
        "delete the entry"
        for module, target in sorted(allowlist.keys() - present)
    ]
    return problems


def test_imports_sit_at_the_top_of_their_module() -> None:
    problems = report()
    assert not problems, "\n".join(problems)


def test_every_allowed_import_has_a_reason() -> None:
    reasons = (RUN_PATH, FIRST_FRAME, ON_USE, ON_ERROR, PLATFORM)
    assert all(why.startswith(reasons) for why in ALLOWLIST.values())


def test_the_check_sees_what_it_must(tmp_path: Path) -> None:
    pkg = tmp_path / "trunkwiz"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text("")
    (pkg / "cli" / "run.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import textual\n"
        "def run():\n"
        "    import json\n"
        "    from . import common  # lazy: keeps --help light\n"
        "    def inner():\n"
        "        from trunkwiz.cli.common import CliError\n"
        "    if TYPE_CHECKING:\n"
        "        import httpx\n"
    )
    (pkg / "cli" / "common.py").write_text("")
    allow = {
        ("trunkwiz.cli.run", "trunkwiz.cli.common"): RUN_PATH,
        ("trunkwiz.cli.run", "yaml"): RUN_PATH,
    }
    run = pkg / "cli" / "run.py"
    assert report(pkg, allow) == [
        f"{run}:5 imports json inside a function: move it to the top, or add it to "
        "ALLOWLIST with the start-up cost it saves",
        f"{run}:8 imports trunkwiz.cli.common inside a function without a "
        "`# lazy: ...` comment saying why",
        "ALLOWLIST holds trunkwiz.cli.run -> yaml, which no function imports any more: "
        "delete the entry",
    ]
    allow[("trunkwiz.cli.run", "json")] = RUN_PATH  # allowed, but without its comment
    del allow[("trunkwiz.cli.run", "yaml")]
    assert report(pkg, allow) == [
        f"{run}:5 imports json inside a function without a `# lazy: ...` comment saying why",
        f"{run}:8 imports trunkwiz.cli.common inside a function without a "
        "`# lazy: ...` comment saying why",
    ]


# What the fast start-up paths load: ``--version`` and ``--help`` build the parser of the
# command line, a command's ``--help`` that command's parser, ``completion`` prints a
# script; none of them may pull in Textual, the PBX client, the models or the sandbox.

HEAVY = ("textual", "httpx", "pydantic", "rich", "dns", "keyring", "trunkwiz.sandbox")

PROBE = """
import json, runpy, sys
sys.argv = ["trunkwiz", *{argv!r}]
try:
    runpy.run_module("trunkwiz", run_name="__main__")
except SystemExit:
    pass
sys.stdout.flush()
heavy = {heavy!r}
found = [m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy)]
print(json.dumps(sorted(found)), file=sys.stderr)
"""


FAST_PATHS = [
    ["--version"],
    ["--help"],
    ["completion", "bash"],
    ["completion", "zsh"],
    ["man"],
    *([name, "--help"] for name in COMMANDS),
]


def loaded_by(argv: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` (or their submodules) ``trunkwiz ARGV`` imports."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=modules)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "trunkwiz" in done.stdout  # the version line or the usage
    found: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("argv", FAST_PATHS, ids=" ".join)
def test_help_version_and_completion_load_no_heavy_layer(argv: list[str]) -> None:
    assert loaded_by(argv, HEAVY) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["--pbx", "URL", "-h"]], ids=" ".join)
def test_help_and_version_import_no_command_module(argv: list[str]) -> None:
    """No command is named: ``--help`` lists them from ``COMMANDS`` and ``--version`` needs
    none, so not even the wizard's module (the default command) is imported."""
    commands = tuple(module for module, _ in COMMANDS.values())
    assert loaded_by(argv, commands) == []


def outside_imports(path: Path, allowed: tuple[str, ...]) -> list[str]:
    """The modules ``path`` imports (anywhere in it) that are neither in the standard
    library nor under one of ``allowed``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top == "__future__":
                continue
            if not any(name == a or name.startswith(a + ".") for a in allowed):
                found.append(f"{path.name} imports {name}")
    return found


def test_command_definitions_import_only_the_standard_library(tmp_path: Path) -> None:
    """``trunkwiz.cli.args`` is what every parser, script and page is built from: its
    modules import the standard library and each other only."""
    allowed = ("trunkwiz.cli.args",)
    problems = [
        problem
        for path in sorted((SOURCE / "cli" / "args").glob("*.py"))
        for problem in outside_imports(path, allowed)
    ]
    assert not problems, "\n".join(problems)
    planted = tmp_path / "planted.py"
    planted.write_text("import argparse\nfrom trunkwiz.cli import common\nimport pydantic\n")
    assert outside_imports(planted, allowed) == [
        "planted.py imports trunkwiz.cli",
        "planted.py imports pydantic",
    ]


#: What the commands' runs share: no parser, script or page needs them.
RUN_HELPERS = (
    "trunkwiz.cli.common",
    "trunkwiz.cli.passwords",
    "trunkwiz.cli.target",
    "trunkwiz.cli.signin",
    "trunkwiz.cli.apply_run",
    "trunkwiz.cli.completion.names",
)


@pytest.mark.parametrize(
    "argv",
    [["completion", "bash"], ["completion", "zsh"], ["man"], *([n, "--help"] for n in COMMANDS)],
    ids=" ".join,
)
def test_parsers_scripts_and_the_page_import_no_other_commands_run(argv: list[str]) -> None:
    """``completion`` and ``man`` build every command's parser from the light definitions
    (``trunkwiz.cli.args``): no other command's run module, nor what the runs share, is
    imported; a command's ``--help`` imports none at all."""
    own = COMMANDS[argv[0]][0] if argv[-1] != "--help" else None
    runs = tuple(module for module, _ in COMMANDS.values() if module != own)
    assert loaded_by(argv, (*runs, *RUN_HELPERS)) == []


FIRST_FRAME_MODULES = (
    "trunkwiz.cli.wizard",
    "trunkwiz.tui.app",
    "trunkwiz.tui.screens.connect",
    "trunkwiz.tui.screens.manage",  # the resume question, when a draft is saved
    "trunkwiz.store.drafts",
    "trunkwiz.store.profiles",
    "trunkwiz.service.services",
)

LOADED = """
import importlib, json, sys
for m in {modules!r}:
    importlib.import_module(m)
heavy = {heavy!r}
found = [m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy)]
print(json.dumps(sorted(found)))
"""


def test_the_wizards_first_frame_loads_no_pbx_client_and_no_models() -> None:
    """Nor a parser it does not use: the TOML parser loads when a profile or draft file is
    read, the JSON decoder (``jsonbounds``, ~4 ms with ``json``) when a PBX answers."""
    heavy = (
        *("httpx", "pydantic", "keyring", "dns", "trunkwiz.pbx", "trunkwiz.sandbox"),
        *("tomllib", "tomli", "trunkwiz.domain.jsonbounds"),
    )
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(modules=FIRST_FRAME_MODULES, heavy=heavy)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(done.stdout) == []
