"""The hand-written xlsx opens in a real spreadsheet program (LibreOffice Calc), not only in
openpyxl. Skipped where LibreOffice is not installed (`apt-get install libreoffice-calc-nogui`)."""

import csv
import shutil
import subprocess

import pytest

from customers.tests.factories import CustomerFactory
from customers.tests.test_exports import ALL, HEADERS

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def test_libreoffice_reads_every_row_and_keeps_hostile_text_as_text(api, tmp_path):
    CustomerFactory(first_name='=HYPERLINK("http://x","y")', last_name="Ünïcødé 😀")
    CustomerFactory(first_name="Plain", last_name="Person")
    xlsx = tmp_path / "export.xlsx"
    xlsx.write_bytes(b"".join(api.get(ALL).streaming_content))

    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            str(xlsx),
            "--outdir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )

    with (tmp_path / "export.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADERS
    assert len(rows) == 3
    assert rows[2][1] == '\'=HYPERLINK("http://x","y") Ünïcødé 😀'
    assert rows[1][1] == "Plain Person"
