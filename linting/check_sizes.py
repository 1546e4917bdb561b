"""Fail when a source file passes 300 lines or a function passes 60 lines.

Usage: python linting/check_sizes.py DIR [DIR ...]
Also checks that ``__all__``, where present, is the module's last statement.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60


def _is_main_guard(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.If) and "__main__" in ast.unparse(stmt.test)


def problems_in(path: Path) -> list[str]:
    """Every size or layout problem of one Python file."""
    text = path.read_text(encoding="utf-8")
    found: list[str] = []
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines > MAX_FILE_LINES:
        found.append(f"{path}: {lines} lines (limit {MAX_FILE_LINES})")
    tree = ast.parse(text, filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{path}:{node.lineno}: function {node.name} is {length} lines "
                    f"(limit {MAX_FUNCTION_LINES})"
                )
    assigns_all = [
        index
        for index, stmt in enumerate(tree.body)
        if isinstance(stmt, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets)
    ]
    body = tree.body
    if body and _is_main_guard(body[-1]):
        body = body[:-1]
    if assigns_all and assigns_all[-1] != len(body) - 1:
        found.append(f"{path}: __all__ must be the last statement of the module")
    return found


def main(argv: list[str]) -> int:
    """Check every ``*.py`` under the given folders; 1 when any problem."""
    found = [p for root in argv for path in sorted(Path(root).rglob("*.py")) for p in problems_in(path)]
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
