"""API.md section 1, checked: imports flow one way (tests/layering.py, also run by
`make lint`), and the checker sees what a grep for top-of-file imports would miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import layering
from tests.layering import dev_imports, project_files, upward_imports


def test_every_layer_imports_only_downwards() -> None:
    assert upward_imports(project_files()) == []


def test_the_production_path_never_imports_development_parts() -> None:
    assert dev_imports(project_files()) == []


@pytest.mark.parametrize(
    ("source", "module", "upward"),
    [
        ("models", "import resolvers.context", True),
        ("web", "def f():\n    from devprovider import hub", True),
        (
            "auth",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from services import S",
            True,
        ),
        ("resolvers", "from auth.policy import Capability", False),
        ("app", "from devprovider.hub import mount_dev_provider", False),
    ],
)
def test_the_check_sees_lazy_and_type_only_imports(
    tmp_path: Path, source: str, module: str, upward: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker itself: it must catch what a quick grep for top-of-file imports would
    miss, and let the allowed direction through."""
    monkeypatch.setattr(layering, "ROOT", tmp_path)
    folder = tmp_path / source
    folder.mkdir()
    (folder / "probe.py").write_text(module + "\n", encoding="utf-8")
    probe = [folder / "probe.py"]
    assert bool(upward_imports(probe) or dev_imports(probe)) is upward
