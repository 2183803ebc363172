"""Retention (API.md §12): `purge_deleted --older-than-days N` erases old soft-deleted customers."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from privacy.models import ErasureRequest

pytestmark = pytest.mark.django_db


def deleted(days_ago: float, **extra) -> Customer:
    return CustomerFactory(
        is_deleted=True, deleted_at=timezone.now() - datetime.timedelta(days=days_ago), **extra
    )


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_deleted", *args, stdout=out)
    return out.getvalue()


def test_customers_deleted_longer_ago_than_n_days_are_erased_and_counted():
    old, older = deleted(31), deleted(400)
    recent = deleted(29)
    alive = CustomerFactory()

    output = run("--older-than-days", "30")

    assert "Erased 2 customer(s)" in output
    for customer in (old, older):
        customer.refresh_from_db()
        assert customer.erased_at is not None
        assert customer.email == f"erased-{customer.pk}@invalid"
        assert customer.first_name == "Erased customer"
    for customer in (recent, alive):
        customer.refresh_from_db()
        assert customer.erased_at is None
    events = AuditEvent.objects.filter(action="erase")
    assert events.count() == 2
    assert {e.source for e in events} == {"command"}
    assert all("Retention" in e.extra["reason"] for e in events)
    assert ErasureRequest.objects.filter(status="done").count() == 2


def test_running_it_again_erases_nobody_twice():
    deleted(40)
    run("--older-than-days", "30")

    assert "Erased 0 customer(s)" in run("--older-than-days", "30")
    assert AuditEvent.objects.filter(action="erase").count() == 1


def test_a_scheduled_erasure_of_a_purged_customer_is_marked_done():
    customer = deleted(40)
    ErasureRequest.objects.create(
        customer=customer, reason="asked", erase_after=timezone.now() + datetime.timedelta(days=5)
    )

    run("--older-than-days", "30")

    request = ErasureRequest.objects.get(customer=customer)
    assert request.status == "done"


@pytest.mark.parametrize("args", [[], ["--older-than-days", "-1"], ["--older-than-days", "x"]])
def test_bad_arguments_are_refused_and_change_nothing(args):
    customer = deleted(40)

    with pytest.raises((CommandError, SystemExit)):
        call_command("purge_deleted", *args, stdout=io.StringIO(), stderr=io.StringIO())

    customer.refresh_from_db()
    assert customer.erased_at is None
