from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Incident

from .conftest import HEADER, csv_row


def test_import_command_reports_what_it_created(db, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + csv_row())
    out = StringIO()
    call_command("import_incidents", str(path), stdout=out)
    assert "Created 1, updated 0, skipped 0" in out.getvalue()


def test_import_command_fails_on_a_bad_row_and_names_its_line(db, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + csv_row(severity="high"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_incidents", str(path), stdout=StringIO(), stderr=err)
    assert "line 2 (JIRA-1): severity" in err.getvalue()


def test_import_command_dry_run_writes_nothing(db, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + csv_row())
    call_command("import_incidents", str(path), "--dry-run", stdout=StringIO())
    assert not Incident.objects.exists()


def test_import_command_refuses_an_unknown_time_zone(db, tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HEADER + csv_row())
    with pytest.raises(CommandError, match="Unknown time zone"):
        call_command("import_incidents", str(path), "--timezone", "Mars/Olympus")


def test_two_thousand_rows_import_in_one_go(db, tmp_path):
    path = tmp_path / "history.csv"
    rows = "".join(csv_row(external_id=f"OLD-{n}", services=f"svc-{n % 40}") for n in range(2000))
    path.write_text(HEADER + rows)
    call_command("import_incidents", str(path), stdout=StringIO())
    assert Incident.objects.count() == 2000
