"""Refresh-token rotation under concurrency (PostgreSQL): one refresh token buys one new pair.

Two requests presenting the same refresh token at the same instant must not both be answered
with fresh tokens: that would let a stolen refresh token be replayed alongside its owner.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from conftest import make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REFRESH = "/api/auth/token/refresh"


def run_together(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            results[index] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.parametrize("attempt", range(10))
def test_concurrent_refreshes_of_one_token_rotate_it_once(attempt):
    make_staff("clerk")
    login = APIClient().post(
        "/api/auth/login", {"username": "clerk", "password": "Staff-pass-123"}, format="json"
    )
    refresh = login.json()["data"]["refresh"]

    def rotate():
        return APIClient().post(REFRESH, {"refresh": refresh}, format="json").status_code

    statuses = run_together(rotate, rotate, rotate)

    assert sorted(statuses) == [200, 401, 401]
    assert BlacklistedToken.objects.filter(token__token=refresh).count() == 1
