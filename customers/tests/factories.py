"""factory-boy factories for customers and groups."""

import factory
from django.contrib.auth.hashers import make_password

from customers.models import Customer, CustomerGroup


class CustomerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    description = factory.Faker("sentence")
    color_code = "#336699"
    is_active = True


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    username = factory.SelfAttribute("email")
    mobile_number = factory.Sequence(lambda n: f"+4470000{n:05d}")
    password = factory.LazyFunction(lambda: make_password(None))
    customer_group = factory.SubFactory(CustomerGroupFactory)
    is_active = True
