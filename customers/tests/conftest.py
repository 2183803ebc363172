"""Helpers shared by the customer API tests."""

import pytest

from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerFactory, CustomerGroupFactory


def snapshot(model=Customer) -> list[tuple]:
    """Every row of `model` as tuples, to assert that a refused request changed nothing."""
    return list(model.objects.order_by("pk").values_list())


def db_state() -> tuple[list[tuple], list[tuple]]:
    return snapshot(Customer), snapshot(CustomerGroup)


@pytest.fixture
def group(db) -> CustomerGroup:
    return CustomerGroupFactory(name="Retail")


@pytest.fixture
def customer(group) -> Customer:
    return CustomerFactory(customer_group=group, first_name="Ada", last_name="Lovelace")


@pytest.fixture
def default_group(db) -> CustomerGroup:
    return CustomerGroup.objects.get(is_default=True)
