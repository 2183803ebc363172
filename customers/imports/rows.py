"""One import row checked by the product's rules (`customers.rules`, the API's messages): the
values of a spreadsheet row become a `Parsed` row or `RowError`s, the one error format of every
import door (spreadsheet row numbers, header = row 1)."""

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from customers import rules
from customers.fields import FlagField
from customers.models import CustomerGroup
from customers.services import INVALID_GROUP

from .files import LABELS, RawRow


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the one error format of every import door.

    `row` is the spreadsheet row (header = row 1), `label` that row as people read it ("row 7",
    or "row 7 of sheet '...'" in a multi-sheet workbook), `column` the file's header.
    """

    row: int
    label: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.column}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.column, "message": self.message}


# -- validation ---------------------------------------------------------------------------------


@dataclass
class Parsed:
    number: int
    label: str
    email: str
    first_name: str | None = None  # None: not in the file
    last_name: str | None = None
    full_name: str | None = None
    mobile: str | None = None
    group_id: int | None = None
    is_active: bool | None = None
    newsletter: bool | None = None
    created_at: datetime.datetime | None = None


_flag = FlagField()
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
UNKNOWN_GROUP_NAME = "No customer group named {name!r}."


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class GroupLookup:
    def __init__(self):
        groups = list(CustomerGroup.objects.values_list("id", "name", "is_default"))
        self.ids = {pk for pk, _, _ in groups}
        self.names = {name.lower(): pk for pk, name, _ in groups}
        self.default = next((pk for pk, _, default in groups if default), None)

    def resolve(self, value: Any) -> int:
        """A group by id or by name (case-insensitively); RuleError naming what was not found."""
        text = _text(value)
        if text.lower() in self.names:
            return self.names[text.lower()]
        if text.isdigit():
            if int(text) in self.ids:
                return int(text)
            raise rules.RuleError(INVALID_GROUP)
        raise rules.RuleError(UNKNOWN_GROUP_NAME.format(name=text))


def _flag_value(value: Any) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return _flag.run_validation(value if isinstance(value, bool | int) else _text(value))
    except serializers.ValidationError:
        raise rules.RuleError(FlagField.default_error_messages["invalid"]) from None


def parse_values(
    values: dict[str, Any], groups: GroupLookup, *, number: int = 0, label: str = ""
) -> tuple[Parsed | None, list[tuple[str, str]]]:
    """One row's values (keys as in COLUMNS' values) through the shared rules.

    Returns the parsed row, or None and the problems as (parsed key, message). Every import door
    (the command, the background job, the admin import) checks rows here, so a value is refused
    alike everywhere, with the API's words.
    """
    problems: list[tuple[str, str]] = []

    def check(key: str, rule, value):
        try:
            return rule(value)
        except rules.RuleError as error:
            problems.append((key, error.message))
            return None

    email = None
    if "email" not in values:
        problems.append(("email", rules.REQUIRED_MESSAGE))
    else:
        email = check("email", rules.clean_email, _text(values["email"]))
    parsed = Parsed(number, label, email or "")
    if "first_name" in values:
        parsed.first_name = check("first_name", rules.clean_first_name, _text(values["first_name"]))
    if "last_name" in values:
        parsed.last_name = (
            check("last_name", rules.clean_last_name, _text(values["last_name"])) or ""
        )
    if "name" in values and "first_name" not in values:
        full = _text(values["name"])
        first, _, last = full.partition(" ")
        before = len(problems)
        check("name", rules.clean_first_name, first)
        check("name", rules.clean_last_name, last)
        if len(problems) == before:
            parsed.full_name = full
    if "mobile" in values:
        parsed.mobile = check("mobile", rules.clean_mobile, _text(values["mobile"]))
    if "group" in values:
        parsed.group_id = check("group", groups.resolve, values["group"])
    if "status" in values:
        parsed.is_active = check("status", _flag_value, values["status"])
    if "newsletter" in values:
        parsed.newsletter = check("newsletter", _flag_value, values["newsletter"])
    if "created_at" in values:
        parsed.created_at = _registration(values["created_at"])
        if parsed.created_at is None:
            problems.append(("created_at", "Use YYYY-MM-DD HH:MM:SS."))
    return (None if problems else parsed), problems


def parse_row(raw: RawRow, groups: GroupLookup) -> tuple[Parsed | None, list[RowError]]:
    parsed, problems = parse_values(raw.values, groups, number=raw.number, label=raw.label)
    return parsed, [
        RowError(raw.number, raw.label, LABELS[key], message) for key, message in problems
    ]


def _registration(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time.min)
    else:
        text = _text(value)
        if not _DATETIME.match(text):
            return None
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
    if moment.tzinfo is None:
        # The export writes local wall-clock time of TIME_ZONE (a command has no other zone).
        moment = moment.replace(tzinfo=timezone.get_default_timezone())
        try:
            moment.astimezone(datetime.UTC)
        except OverflowError:
            return None
    return moment
