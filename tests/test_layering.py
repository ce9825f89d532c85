"""pledges builds on events: events (outside its migrations) must never import or name pledges."""

import ast
from pathlib import Path

EVENTS = Path(__file__).resolve().parent.parent / "events"


def _modules():
    return [path for path in EVENTS.rglob("*.py") if "migrations" not in path.relative_to(EVENTS).parts]


def test_it_finds_the_events_modules():
    names = {path.name for path in _modules()}
    assert {"models.py", "access.py", "services.py"} <= names


def test_events_imports_nothing_from_pledges():
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [
                f"{path.relative_to(EVENTS)}:{node.lineno}"
                for name in names
                if name.split(".")[0] == "pledges"
            ]
    assert offenders == []


def test_events_does_not_name_pledges_at_all():
    """Not even as a string (a lazy model reference or an import inside a function)."""
    offenders = [
        str(path.relative_to(EVENTS)) for path in _modules() if "pledges" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
