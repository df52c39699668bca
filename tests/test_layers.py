"""Apps depend downwards only: organisations <- deadlines <- incidents <- reviews <- letters <- casefile.

The contract is import-linter's, declared in pyproject.toml; this runs it with the suite.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_app_imports_one_above_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
