"""The base of every FilterSet: django-filter's, with its form class built once per class.

django-filter builds a new Form class (`type(...)` over a field per filter) for every FilterSet
instance, that is on every filtered request; it was a third of a filtered list's Python time
(issue 17, bench/profile_request.py with `name=`). The fields depend only on the FilterSet's
declared filters, so the class is built once per FilterSet class and reused; each request still
gets its own FilterSet, filters and bound form (Django forms deep-copy their fields per instance).
A FilterSet whose filters vary per instance must not use this base.
"""

import django_filters


class FilterSet(django_filters.FilterSet):
    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class  # a race builds it twice: harmless
        return form_class
