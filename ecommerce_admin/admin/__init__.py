"""The shared admin toolkit: what every app's ModelAdmins build on.

- `bases`: BoundedIdMixin, ReadOnlyAdmin, BigTableAdmin, change_link;
- `filters`: CreatedFilter (fixed created-date ranges instead of a date hierarchy);
- `paginator`: EstimatedCountPaginator (no COUNT(*) of a big table per page);
- `charts`: server-side SVG charts;
- `panels`: panels other apps register on a change page;
- `lookups`, `registrations`: strict changelist lookups, given to every registered admin.

It imports no app (.importlinter).
"""
