"""The apps' borders (docs/architecture.md), beside `lint-imports` in `make check`, which
checks the layers themselves:

- no import of another app sits inside a function (it would hide a cycle from readers and
  from the import graph), except in an AppConfig.ready(), where Django wants apps to import
  what they register into the apps below them;
- no app imports another app's private (`_`-prefixed) names, nor its views;
- no module outside migrations and tests is longer than 600 lines.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [
    "config", "audit", "outbox", "contacts", "accounts", "cases", "onboarding",
    "conversations", "reminders", "outcomes", "portal", "reports", "privacy", "demo",
    "operations", "imports", "administration",
]  # fmt: skip
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in APPS else None


def _imports(tree: ast.AST) -> list[tuple[ast.AST, str, list[str], bool]]:
    """(node, module, names, inside a function other than ready()) for every import."""
    found: list[tuple[ast.AST, str, list[str], bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, in_function or child.name != "ready")
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((child, alias.name, [], in_function))
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                names = [alias.name for alias in child.names]
                found.append((child, child.module, names, in_function))
            else:
                visit(child, in_function)

    visit(tree, False)
    return found


def _violations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"in_function": [], "private": [], "views": [], "long": []}
    for path in _modules():
        relative = path.relative_to(ROOT)
        own = relative.parts[0]
        source = path.read_text()
        if len(source.splitlines()) > MAX_LINES:
            found["long"].append(f"{relative}: {len(source.splitlines())} lines")
        for node, module, names, in_function in _imports(ast.parse(source)):
            other = _app_of(module)
            if other is None or other == own:
                continue
            where = f"{relative}:{node.lineno} {module}"
            if in_function:
                found["in_function"].append(where)
            if module.split(".")[-1] == "views" or "views" in names:
                found["views"].append(where)
            private = [name for name in names if name.startswith("_")]
            if private or any(part.startswith("_") for part in module.split(".")):
                found["private"].append(f"{where} {private}")
    return found


VIOLATIONS = _violations()


@pytest.mark.parametrize("rule", ["in_function", "private", "views", "long"])
def test_architecture_rule_holds(rule):
    assert VIOLATIONS[rule] == []


def test_architecture_checker_finds_what_it_forbids(tmp_path):
    """The checker itself: a module breaking each rule is caught."""
    source = (
        "from cases import views\n"
        "from contacts.selectors import _hidden\n"
        "def f():\n    from onboarding import models\n"
        "class C:\n    def ready(self):\n        from cases import registries\n"
    )
    imports = _imports(ast.parse(source))
    assert [(module, in_function) for _node, module, _names, in_function in imports] == [
        ("cases", False),
        ("contacts.selectors", False),
        ("onboarding", True),
        ("cases", False),
    ]
    assert [names for _node, _module, names, _in in imports][:2] == [["views"], ["_hidden"]]
