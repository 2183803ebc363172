"""The customer list's own filters (the generic date filter is the toolkit's CreatedFilter)."""

from django.contrib import admin


class DeletedFilter(admin.SimpleListFilter):
    """Live customers by default; "Deleted" shows the soft-deleted ones (with a restore action)."""

    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Live customers"), ("yes", "Deleted customers")]

    def value(self):
        return "yes" if super().value() == "yes" else "no"

    def queryset(self, request, queryset):
        return queryset.filter(is_deleted=self.value() == "yes")

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }
