"""Imports flow one way (issue 11): audit ← core ← policy ← accounts ← filings ← supervision ←
subsidies ← portal, and `demo` beside portal on top: nothing imports either (demo: nothing
but its own command, the tests and the bench; they live outside the scanned apps). Read from the source with `ast`, so an import inside a function counts as much
as one at the top of a module; migrations are Django's history and are left out."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ["audit", "core", "policy", "accounts", "filings", "supervision", "subsidies"]
TOPS = ["portal", "demo"]
LAYERS = APPS + TOPS
# Every package that runs in production: none may import `demo`.
PRODUCTION = [*(app for app in LAYERS if app != "demo"), "alliance_portal"]


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def _imported(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every module the file imports, relative imports resolved."""
    # The package a relative import starts from: the folder, for a module as for __init__.
    package = list(path.relative_to(ROOT).parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.append((node.lineno, module))
        elif (
            # importlib.import_module("portal.x") and __import__("portal") are imports too.
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _upward_imports(apps, may_import) -> list[str]:
    """`file:line imports name` for each import of an app the importer may not use."""
    wrong = []
    for app in apps:
        for path in _modules(app):
            for line, name in _imported(path):
                top = name.split(".")[0]
                if top in LAYERS and top not in may_import(app):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return wrong


def _below_or_same(app):
    if app in TOPS:
        return [*APPS, app]
    return APPS[: APPS.index(app) + 1]


def test_the_scan_sees_imports_at_every_level(tmp_path, monkeypatch):
    # The checks below pass by finding nothing: make sure they would find something.
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    module = tmp_path / "filings" / "views" / "review.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "import portal.tasks\n"
        "from subsidies.models import Award\n"
        "from ..selectors import alliances_visible_to\n"
        "def view():\n"
        "    from demo.accounts import demo_uscc\n"
        "    import importlib\n"
        "    return importlib.import_module('supervision.selectors')\n",
        encoding="utf-8",
    )
    (tmp_path / "filings" / "migrations").mkdir()
    (tmp_path / "filings" / "migrations" / "0001_initial.py").write_text("import portal\n")
    assert sorted(_imported(module)) == [
        (1, "portal.tasks"),
        (2, "subsidies.models"),
        (3, "filings.selectors"),
        (5, "demo.accounts"),
        (6, "importlib"),
        (7, "supervision.selectors"),
    ]
    assert sorted(_upward_imports(["filings"], _below_or_same)) == [
        "filings/views/review.py:1 imports portal.tasks",
        "filings/views/review.py:2 imports subsidies.models",
        "filings/views/review.py:5 imports demo.accounts",
        "filings/views/review.py:7 imports supervision.selectors",
    ]


def test_no_production_module_imports_demo():
    assert _upward_imports(PRODUCTION, lambda app: set(LAYERS) - {"demo"}) == []


def test_core_imports_no_app_above_it():
    assert _upward_imports(["core"], lambda app: {"audit", "core"}) == []


def test_nothing_imports_portal():
    assert _upward_imports([*APPS, "demo"], lambda app: set(LAYERS) - {"portal"}) == []


@pytest.mark.parametrize("app", LAYERS)
def test_imports_flow_down_the_layers(app):
    assert _upward_imports([app], _below_or_same) == []
