"""How the back office prints dates and times (Django's `date` format syntax).

Django's English defaults ("Nov. 30, 2026, 5:45 a.m.") are long and wrap in narrow columns (the
changelist's "Created at", the customer page's side tables); ISO-like dates are short, sort as
they read, and match the exports. Input formats are not set here, so Django's own still apply.
"""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
