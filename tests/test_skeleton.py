"""Skeleton checks: the package imports and the AST contract's outline helper works."""

from vboshell import __version__
from vboshell.commands.registry import derived_short_name
from vboshell.runtime.errors import API_ONLY_ERROR_ID, api_only_not_supported


def test_version_is_semver() -> None:
    assert __version__.count(".") == 2


def test_short_names_drop_vbo() -> None:
    assert derived_short_name("Add-VBOOrganization") == "Add-Organization"
    assert derived_short_name("Measure-VBOOrganizationFullBackupSize") == "Measure-OrganizationFullBackupSize"
    assert derived_short_name("Get-VEXItem") is None


def test_api_only_error_shape() -> None:
    err = api_only_not_supported("Public Folder mailboxes", "Graph has no API for them.", "Back up shared mailboxes.")
    rec = err.error_record
    assert "not supported in API-only mode" in rec.message
    assert rec.error_id == API_ONLY_ERROR_ID
    assert rec.category.value == "NotImplemented"
