"""Load the ISO 3166 countries and top-level zones (API.md §9.8) from the file shipped in the
repository, so every machine gets the same rows with no network and no extra package.

Zone ids are fixed here (1.. in the file's order, which is sorted by code) rather than left to
the database's sequence, so they are the same everywhere; the sequence is then moved past them
for zones added later through the Django admin.
"""

import json
from pathlib import Path

from django.core.management.color import no_style
from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "iso3166.json"


def load(apps, schema_editor):
    Country = apps.get_model("customers", "Country")
    Zone = apps.get_model("customers", "Zone")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    countries = [
        Country(id=number, iso_code_2=alpha2, iso_code_3=alpha3, name=name, is_active=True)
        for number, alpha2, alpha3, name in data["countries"]
    ]
    Country.objects.using(schema_editor.connection.alias).bulk_create(countries, batch_size=500)
    country_ids = {country.iso_code_2: country.id for country in countries}
    zones = [
        Zone(
            id=index,
            country_id=country_ids[code.split("-", 1)[0]],
            code=code,
            name=name,
            is_active=True,
        )
        for index, (code, name) in enumerate(data["zones"], start=1)
    ]
    Zone.objects.using(schema_editor.connection.alias).bulk_create(zones, batch_size=500)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Zone]):
            cursor.execute(statement)


def unload(apps, schema_editor):
    apps.get_model("customers", "Zone").objects.all().delete()
    apps.get_model("customers", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_country_zone_address")]

    operations = [migrations.RunPython(load, unload)]
