"""Regenerate iso3166.json, the countries and zones the data migration loads (API.md §9.8).

Run once by hand, where `pycountry` is installed (it is not a requirement of the project):
    pip install pycountry && python customers/data/generate_iso3166.py
The migration reads only the JSON, so every machine gets the same rows without the package or a
network. Zone ids are assigned by the migration (1.. in the file's order, sorted by code).
"""

import json
from pathlib import Path

import pycountry  # type: ignore[import-not-found]

OUT = Path(__file__).with_name("iso3166.json")


def main() -> None:
    countries = sorted([int(c.numeric), c.alpha_2, c.alpha_3, c.name] for c in pycountry.countries)
    zones = sorted([s.code, s.name] for s in pycountry.subdivisions if s.parent_code is None)
    data = {
        "source": f"pycountry {pycountry.__version__}: ISO 3166-1 countries, top-level "
        "ISO 3166-2 subdivisions",
        "countries": countries,
        "zones": zones,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # One row per line: reviewable diffs when the ISO data changes.
    text = text.replace("],[", "],\n[")
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"{len(countries)} countries, {len(zones)} zones → {OUT}")


if __name__ == "__main__":
    main()
