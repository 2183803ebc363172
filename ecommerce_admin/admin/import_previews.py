"""Admin import previews kept private, bound to the person who made them, and deleted.

django-import-export writes an upload to a temp file at the preview step and, at the confirm
step, imports whatever file the form's hidden `import_file_name` names (reduced to a basename
in the shared temp folder). Here (security finding 5):
- previews live in their own folder (`IMPORT_PREVIEW_ROOT`, never served), under random names;
- the confirm form carries the name signed with the staff user's id and session key as salt and
  a maximum age, so a client can neither choose nor reuse another session's file;
- a preview that is refused (row errors, unreadable file) is deleted at once; abandoned ones are
  deleted by age (`IMPORT_PREVIEW_MAX_AGE_MINUTES`) on each new import and by
  `manage.py purge_import_previews`.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from import_export.forms import ConfirmImportForm
from import_export.tmp_storages import BaseStorage

EXPIRED = "This import preview has expired or belongs to another session; upload the file again."


def max_age_seconds() -> int:
    return int(getattr(settings, "IMPORT_PREVIEW_MAX_AGE_MINUTES", 60)) * 60


def preview_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.IMPORT_PREVIEW_ROOT)


class PreviewStorage(BaseStorage):
    """import-export's temp storage API over the private preview folder."""

    def save(self, data) -> None:
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        self.name = f"{uuid.uuid4().hex}.upload"
        preview_storage().save(self.name, ContentFile(data))

    def read(self):
        with preview_storage().open(self.name, "rb") as file:
            data = file.read()
        if "b" in (self.read_mode or "r"):
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self) -> None:
        if self.name:
            preview_storage().delete(self.name)


def purge_expired(max_age: int | None = None) -> int:
    """Delete previews older than the maximum age → how many were deleted."""
    storage = preview_storage()
    try:
        _dirs, files = storage.listdir("")
    except FileNotFoundError:
        return 0
    cutoff = time.time() - (max_age_seconds() if max_age is None else max_age)
    deleted = 0
    for name in files:
        try:
            if storage.get_modified_time(name).timestamp() < cutoff:
                storage.delete(name)
                deleted += 1
        except FileNotFoundError:
            continue  # another process deleted it first
    return deleted


def _salt(request) -> str:
    session_key = getattr(getattr(request, "session", None), "session_key", None) or ""
    return f"import-preview:{request.user.pk}:{session_key}"


class SignedConfirmImportForm(ConfirmImportForm):
    signing_salt = ""

    def clean_import_file_name(self):
        try:
            name = signing.loads(
                self.cleaned_data["import_file_name"],
                salt=self.signing_salt,
                max_age=max_age_seconds(),
            )
        except signing.BadSignature:
            raise ValidationError(EXPIRED) from None
        if not isinstance(name, str) or not preview_storage().exists(name):
            raise ValidationError(EXPIRED)
        return name


class SignedImportPreviewMixin:
    """For an ImportMixin admin: signed, session-bound preview names; refused previews deleted."""

    tmp_storage_class = PreviewStorage
    confirm_form_class = SignedConfirmImportForm

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if initial.get("import_file_name"):
            initial["import_file_name"] = signing.dumps(
                initial["import_file_name"], salt=_salt(request)
            )
        return initial

    def create_confirm_form(self, request, import_form=None):
        form = super().create_confirm_form(request, import_form=import_form)
        form.signing_salt = _salt(request)
        return form

    def import_action(self, request, **kwargs):
        if request.method == "POST":
            purge_expired()
        response = super().import_action(request, **kwargs)
        upload = request.FILES.get("import_file")
        written = getattr(upload, "tmp_storage_name", None)
        context = getattr(response, "context_data", None) or {}
        if written and "confirm_form" not in context:
            PreviewStorage(name=written).remove()  # refused: nothing will ever confirm it
        return response
