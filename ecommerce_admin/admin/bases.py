"""Base behaviour of the back-office ModelAdmins."""

MAX_PK = 2**63 - 1


class BoundedIdMixin:
    """An object id beyond the 64-bit key range is simply not found (a 404-style redirect), instead
    of an OverflowError (500) from the database driver."""

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and str(object_id).isdigit() and int(object_id) > MAX_PK:
            return None
        return super().get_object(request, object_id, from_field)
