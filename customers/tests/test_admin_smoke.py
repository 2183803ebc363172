"""Every admin page answers: changelist (plain, searched, filtered), add, change, and the custom
pages (dashboard, import, export, set password), for every registered ModelAdmin."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from rest_framework_simplejwt.tokens import RefreshToken

from analytics.tests.factories import CustomerVisitFactory, ProductViewLogFactory
from customers.models import ExportLog
from customers.tests.factories import CustomerFactory
from sales.tests.factories import OrderProductFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    admin.site._registry.items(), key=lambda item: item[0]._meta.label
)  # (model, model_admin)
IDS = [model._meta.label for model, _ in REGISTERED]
OUR_APPS = {"customers", "sales", "analytics"}


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def data(superuser):
    customer = CustomerFactory()
    OrderProductFactory(order__customer=customer)
    CustomerVisitFactory(customer=customer)
    ProductViewLogFactory(customer=customer)
    ExportLog.objects.create(user=superuser, kind="all", format="csv", row_count=1)
    RefreshToken.for_user(superuser).blacklist()
    return customer


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_changelist_answers_plain_searched_and_filtered(admin_client, data, model, model_admin):
    plain = admin_client.get(url(model, "changelist"))
    searched = admin_client.get(url(model, "changelist"), {"q": "abc 12"})
    bad_filter = admin_client.get(url(model, "changelist"), {"nope__exact": "1"})

    assert plain.status_code == 200
    assert searched.status_code == 200
    assert bad_filter.status_code == 400  # only declared filters (ecommerce_admin.admin.lookups)
    if model._meta.app_label in OUR_APPS:
        assert plain.context["cl"].result_count >= 1


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_change_page_answers(admin_client, data, model, model_admin):
    instance = model_admin.get_queryset(
        admin_client.get(url(model, "changelist")).wsgi_request
    ).first()
    if instance is None:
        assert model._meta.app_label not in OUR_APPS
        pytest.skip(f"no {model._meta.label} row to open")

    response = admin_client.get(url(model, "change", instance.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=IDS)
def test_add_page_answers_when_adding_is_allowed(admin_client, model, model_admin):
    request = admin_client.get(reverse("admin:index")).wsgi_request
    expected = 200 if model_admin.has_add_permission(request) else 403

    assert admin_client.get(url(model, "add")).status_code == expected


@pytest.mark.parametrize(
    "name",
    [
        "customers_customer_import",
        "customers_customer_export",
        "customers_customergroup_import",
        "customers_customergroup_export",
    ],
)
def test_import_and_export_pages_answer(admin_client, data, name):
    assert admin_client.get(reverse(f"admin:{name}")).status_code == 200


def test_dashboard_and_index_answer(admin_client, data):
    assert admin_client.get(reverse("admin-dashboard")).status_code == 200
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_set_password_page_answers_and_unknown_customers_are_404(admin_client, data):
    assert admin_client.get(url(data.__class__, "password", data.pk)).status_code == 200
    assert admin_client.get(url(data.__class__, "password", 10**9)).status_code == 404


def test_unknown_and_malformed_object_ids_never_give_a_500(admin_client, data):
    for model, _ in REGISTERED:
        if model._meta.app_label not in OUR_APPS:
            continue  # Django's own admins (auth, token blacklist) are not ours to change
        for object_id in ("999999999", "abc", "99999999999999999999999"):
            response = admin_client.get(f"{url(model, 'changelist')}{object_id}/change/")
            assert response.status_code in (200, 302, 404), (model, object_id)
