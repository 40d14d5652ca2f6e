"""The import contract of API.md section 1, run by `make lint` (`python -m tests.layering`)
and by the test suite: imports flow one way, and the production path never reaches the
development parts. Every import counts, lazy ones inside functions and type-only ones
too: a type that names a higher layer is a dependency on it all the same."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = frozenset(
    {"web", "schema", "resolvers", "services", "jobs", "auth", "gateways", "models"}
)

# top to bottom; a module may import its own layer and any layer below it
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"cli", "bench"}),
    frozenset({"app"}),
    # development parts sit above the production path: only app.py (behind its flag)
    # and the CLI import them
    frozenset({"devprovider", "devacquirer"}),
    frozenset({"web"}),
    frozenset({"schema"}),
    frozenset({"resolvers"}),
    frozenset({"services"}),
    frozenset({"jobs"}),
    frozenset({"auth"}),
    frozenset({"gateways"}),
    frozenset({"models"}),
    frozenset({"config", "i18n"}),
)
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}


def project_files() -> list[Path]:
    files = [ROOT / f"{name}.py" for name in RANK if (ROOT / f"{name}.py").exists()]
    for name in RANK:
        if (ROOT / name).is_dir():
            files += [p for p in (ROOT / name).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def top_level(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    """Top-level project names this file imports, wherever in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & RANK.keys()


def upward_imports(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        here = top_level(path)
        for name in sorted(imported(path)):
            if RANK[name] < RANK[here]:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


DEV_PARTS = ("devprovider", "devacquirer")


def dev_imports(files: list[Path]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {part}"
        for path in files
        for part in DEV_PARTS
        if top_level(path) in PRODUCTION and part in imported(path)
    ]


def main() -> int:
    problems = upward_imports(project_files()) + dev_imports(project_files())
    for problem in problems:
        print(f"layering: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
