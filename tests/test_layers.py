"""The layer arrows of docs/architecture.md: backends knows nothing of the wizard or Textual;
screens never reach past the wizard into backends or sh."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "backends": {"textual", "wizard", "screens"},
    "screens": {"backends", "sh"},
}


def imported_top_level_modules(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_layer_rule(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offences = [f"{f.relative_to(ROOT)}:{line} imports {name}"
                for f in files for name, line in imported_top_level_modules(f)
                if name in FORBIDDEN[package]]
    assert offences == []


def test_the_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom backends.host import Host\n")
    assert ("backends", 2) in list(imported_top_level_modules(bad))
