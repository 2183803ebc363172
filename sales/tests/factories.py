"""factory-boy factories for vendors, products, orders and order lines."""

from decimal import Decimal

import factory

from customers.tests.factories import CustomerFactory
from sales.models import Order, OrderProduct, Product, Vendor


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    company_name = factory.Sequence(lambda n: f"Vendor {n} Ltd")
    customer = factory.SubFactory(CustomerFactory)
    is_active = True


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    vendor = factory.SubFactory(VendorFactory)
    quantity = 10
    is_approved = True
    price = Decimal("19.90")
    image = factory.Sequence(lambda n: f"Img_{n}.jpg")
    container_name = "product/"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    email = factory.LazyAttribute(lambda order: order.customer.email if order.customer else "")
    is_paid = True


class OrderProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderProduct

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    name = factory.LazyAttribute(lambda line: line.product.name if line.product else "Gone")
    quantity = 1
    price = factory.LazyAttribute(lambda line: line.product.price if line.product else Decimal(1))
    status = OrderProduct.Status.PENDING
    created_at = factory.LazyAttribute(lambda line: line.order.created_at)
