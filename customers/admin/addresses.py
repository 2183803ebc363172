"""The customer's address book on the customer's admin page (API.md §9.7), and the reference
data (countries, zones) the address form picks from.

The inline saves through customers.services.addresses and checks with its rules, so an address
is accepted or refused in the admin exactly as through the API, and every change is audited.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from customers.models import Address, Country, Zone
from customers.services import addresses as address_services


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["address_type", *Address.TEXT_FIELDS, "country", "zone"]

    def clean(self):
        data = super().clean()
        texts = {
            name: data.get(name) or ""
            for name in ("first_name", "last_name", "company", "address2", "landmark", "state")
        }
        errors = address_services.address_field_errors(
            address1=data.get("address1") or "",
            city=data.get("city") or "",
            postcode=data.get("postcode") or "",
            phone_no=data.get("phone_no") or "",
            texts=texts,
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        country, zone = data.get("country"), data.get("zone")
        if country is not None and zone is not None and zone.country_id != country.pk:
            self.add_error("zone", address_services.INVALID_ZONE)
        return data

    def address_fields(self) -> address_services.AddressFields:
        data = self.cleaned_data
        zone = data.get("zone")
        return address_services.AddressFields(
            address1=data["address1"],
            city=data["city"],
            country_id=data["country"].pk,
            address_type=data["address_type"],
            zone_id=zone.pk if zone is not None else None,
            first_name=data.get("first_name") or None,
            last_name=data.get("last_name") or None,
            company=data.get("company") or "",
            address2=data.get("address2") or "",
            landmark=data.get("landmark") or "",
            state=data.get("state") or "",
            postcode=data.get("postcode") or "",
            phone_no=address_services.normalise_phone(data.get("phone_no") or ""),
        )


class AddressFormSet(BaseInlineFormSet):
    staff_user = None

    def __init__(self, data=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            # A customer form posted without the address section (a script, an older page)
            # changes no address, rather than failing on the missing management form.
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        super().__init__(data, *args, **kwargs)

    def save_new(self, form, commit=True):
        return address_services.address_create(
            customer_id=self.instance.pk, fields=form.address_fields(), by=self.staff_user
        )

    def save_existing(self, form, obj, commit=True):
        return address_services.address_update(
            address_id=obj.pk, fields=form.address_fields(), by=self.staff_user
        )

    def delete_existing(self, obj, commit=True):
        if commit:
            address_services.address_delete(address_id=obj.pk, by=self.staff_user)


class AddressInline(admin.StackedInline):
    model = Address
    form = AddressForm
    formset = AddressFormSet
    extra = 0
    autocomplete_fields = ["country", "zone"]
    ordering = ["-created_at", "-id"]
    classes = ["collapse"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"staff_user": request.user})

    # Addresses belong to an existing customer: not on the add page.
    def has_view_permission(self, request, obj=None):
        return obj is not None and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is not None and not obj.is_deleted and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (
            obj is not None and not obj.is_deleted and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            obj is not None and not obj.is_deleted and super().has_delete_permission(request, obj)
        )


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "iso_code_2", "iso_code_3", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "=iso_code_2", "=iso_code_3"]
    ordering = ["name"]


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["country"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    autocomplete_fields = ["country"]
