"""Schema-driven fuzzing (Schemathesis) of every operation of /api/schema/, in-process.

Generated requests go through the real WSGI application with a superuser's token; each response
must not be a 5xx, must use a status code and content type the schema documents, and must match
the documented body. Bounded and seeded, so it runs in `make test` on both databases; `make fuzz`
runs the same with many more examples (SCHEMA_FUZZ_EXAMPLES).
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import client_for
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The token is ours; generated Authorization headers would only test 401s (the auth matrix does).
schema.config.generation.update(with_security_parameters=False)


@pytest.fixture
def in_test_transaction():
    """Keep the test's DB connection across in-process requests (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(superuser, in_test_transaction) -> str:
    group = CustomerGroupFactory(name="Fuzzed")
    CustomerFactory.create_batch(3, customer_group=group)
    return client_for(superuser)._credentials["HTTP_AUTHORIZATION"]


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_honours_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)
