"""factory-boy factories for storefront visits and product views."""

import factory

from analytics.models import CustomerVisit, ProductViewLog
from customers.tests.factories import CustomerFactory
from sales.tests.factories import ProductFactory


class CustomerVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerVisit

    customer = factory.SubFactory(CustomerFactory)
    session_key = factory.Sequence(lambda n: f"session-{n}")
    ip_address = factory.Faker("ipv4")
    user_agent = "Mozilla/5.0 (X11; Linux x86_64)"


class ProductViewLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductViewLog

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
