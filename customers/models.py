"""Customers, their groups and the export log (API.md §7)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .querysets import CustomerGroupQuerySet, CustomerQuerySet


class CustomerGroup(models.Model):
    name = models.CharField(max_length=30)
    description = models.CharField(max_length=512, blank=True, default="")
    color_code = models.CharField(max_length=7)
    is_active = models.BooleanField(default=True)
    # The protected group; a flag rather than the name, so renaming it keeps it protected.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="customer_group_name_ci_unique"),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_group"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    first_name = models.CharField(max_length=32)
    last_name = models.CharField(max_length=96, null=True, blank=True)
    # The login name; always the email (API.md §3.1), kept as its own column for the contract.
    username = models.CharField(max_length=96)
    email = models.EmailField(max_length=96)
    mobile_number = models.CharField(max_length=16)
    password = models.CharField(max_length=128)
    customer_group = models.ForeignKey(
        CustomerGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    is_active = models.BooleanField(default=True)
    mail_status = models.BooleanField(default=False)
    newsletter = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    address = models.CharField(max_length=512, null=True, blank=True)
    city = models.CharField(max_length=128, null=True, blank=True)
    pincode = models.CharField(max_length=16, null=True, blank=True)
    country_id = models.IntegerField(null=True, blank=True)
    zone_id = models.IntegerField(null=True, blank=True)
    local = models.CharField(max_length=128, null=True, blank=True)
    avatar = models.CharField(max_length=255, null=True, blank=True)
    avatar_path = models.CharField(max_length=64, null=True, blank=True)
    real_name = models.CharField(max_length=255, null=True, blank=True)
    customer_no = models.CharField(max_length=64, null=True, blank=True)
    last_login = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=45, null=True, blank=True)
    safe = models.BooleanField(default=False)
    locked_on = models.DateTimeField(null=True, blank=True)
    # Set once the customer has been erased (API.md §12): anonymised, deleted for good, never
    # restorable. The privacy app writes it; everything else only reads it.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("export_customer", "Can export customers"),
            ("erase_customer", "Can erase customers (personal data)"),
        ]
        constraints = [
            # Emails are stored lower-cased (checked below), so a unique index on the column is
            # unique on lower(email) and plain `email=` lookups can use it. Partial: a deleted
            # customer's email may be registered again.
            models.UniqueConstraint(
                fields=["email"], condition=Q(is_deleted=False), name="customer_email_alive_unique"
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="customer_email_lowercase"
            ),
            models.UniqueConstraint(
                fields=["customer_no"],
                condition=Q(is_deleted=False, customer_no__isnull=False),
                name="customer_no_alive_unique",
            ),
        ]
        indexes = [
            # The list's order (newest first) over live rows, and the today/date filters.
            models.Index(
                fields=["is_deleted", "-created_at", "-id"], name="customer_alive_created"
            ),
            # Status filter and the active/inactive counts.
            models.Index(fields=["is_deleted", "is_active"], name="customer_alive_active"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name or ''}".strip()


class ExportLog(models.Model):
    class Kind(models.TextChoices):
        SELECTION = "selection", "Selected customers"
        ALL = "all", "All (filtered) customers"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (xlsx)"
        CSV = "csv", "CSV"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.CharField(max_length=16, default="api")  # api, admin or command
    filters = models.JSONField(default=dict, blank=True)
    ids = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    format = models.CharField(max_length=8, choices=Format.choices)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} export of {self.row_count} rows ({self.format})"


# --- Exact counters for customer-count and today's count (customers/counters.py) ---------------
# Kept by database triggers in the same transaction as every write to the counted tables, so the
# counts stay exact whatever path writes (services, admin, imports, bulk_create, raw SQL).
class TableCounter(models.Model):
    """Live rows and active live rows of one counted table, spread over a few slots.

    Concurrent writers add to different slots (chosen by transaction id), so they do not queue
    on one hot row; a total is the sum of the slots.
    """

    kind = models.CharField(max_length=16)  # "customer" or "group"
    slot = models.SmallIntegerField()
    total = models.BigIntegerField(default=0)
    active = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slot"], name="table_counter_slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}[{self.slot}]: {self.total} ({self.active} active)"


class CustomerCreatedCounter(models.Model):
    """Live customers created in one UTC quarter hour (`bucket` = epoch seconds // 900).

    Quarter hours, not days: every time zone's midnight falls on a quarter hour, so "created
    today" in any TIME_ZONE is an exact sum of at most ~100 buckets, and the counters never
    depend on the TIME_ZONE setting.
    """

    bucket = models.BigIntegerField()
    slot = models.SmallIntegerField()
    alive = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "slot"], name="created_counter_slot_unique")
        ]

    def __str__(self) -> str:
        return f"quarter hour {self.bucket}[{self.slot}]: {self.alive}"


# --- The address book and its reference data (API.md §9.7, §9.8) -------------------------------
class Country(models.Model):
    """An ISO 3166-1 country; the primary key is its numeric code (India 356). Filled by a data
    migration from customers/data/iso3166.json."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    name = models.CharField(max_length=128)
    iso_code_2 = models.CharField(max_length=2, unique=True)
    iso_code_3 = models.CharField(max_length=3, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A top-level ISO 3166-2 subdivision (a state, province, region ...) of a country."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=128)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["country", "name"], name="zone_country_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Address(models.Model):
    class Type(models.IntegerChoices):
        SHIPPING = 0, "Shipping"
        BILLING = 1, "Billing"

    # The free-text fields, all personal data: the admin form, the audit trail and the erasure
    # (privacy/anonymise.py) read this one list, so a field added here is covered everywhere.
    TEXT_FIELDS = (
        "first_name",
        "last_name",
        "company",
        "address1",
        "address2",
        "landmark",
        "city",
        "state",
        "postcode",
        "phone_no",
    )

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    first_name = models.CharField(max_length=128, blank=True, default="")
    last_name = models.CharField(max_length=128, blank=True, default="")
    company = models.CharField(max_length=128, blank=True, default="")
    address1 = models.CharField(max_length=128)
    address2 = models.CharField(max_length=128, blank=True, default="")
    landmark = models.CharField(max_length=128, blank=True, default="")
    city = models.CharField(max_length=128)
    state = models.CharField(max_length=128, blank=True, default="")
    postcode = models.CharField(max_length=10, blank=True, default="")
    phone_no = models.CharField(max_length=16, blank=True, default="")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(
        Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_type = models.PositiveSmallIntegerField(choices=Type.choices, default=Type.SHIPPING)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "addresses"
        indexes = [
            # A customer's address book, newest first (the only way addresses are listed).
            models.Index(fields=["customer", "-created_at", "-id"], name="address_customer_created")
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.address1, self.city) if part)
