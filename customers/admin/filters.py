"""The customer list's own filters (the generic date filter is the toolkit's CreatedFilter)."""

from ecommerce_admin.admin.filters import DefaultChoiceFilter


class DeletedFilter(DefaultChoiceFilter):
    """Live customers by default; "Deleted" shows the soft-deleted ones (with a restore action)."""

    title = "deleted"
    parameter_name = "deleted"
    default = "no"

    def lookups(self, request, model_admin):
        return [("no", "Live customers"), ("yes", "Deleted customers")]

    def queryset(self, request, queryset):
        return queryset.filter(is_deleted=self.value() == "yes")
