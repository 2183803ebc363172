"""Races through HTTP on PostgreSQL: real threads released together by a barrier, real tokens.

Each scenario runs a few times (`attempt`): a race that goes right once may go wrong the next
time. Every thread closes its own database connection when it is done.

What "no lost update" means here (test b): every write that answered 200 holds the customer's
row lock from its first statement to its commit and records its audit event while holding it, so
for one customer the audit event ids give the order in which the writes really happened. Replaying
the successful writes in that order must give exactly the final row; a write that answered 200
after the row was deleted would show up as an event after the delete event.
"""

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from conftest import client_for, make_staff
from customers.models import Customer, CustomerGroup
from customers.tests.factories import CustomerFactory, CustomerGroupFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = range(3)
EMAIL_TAKEN = {"status": 0, "message": "A Customer is already registered with this email Id."}
INVALID_GROUP = {"status": 0, "message": "Invalid customer group Id."}
GROUP_IN_USE = {
    "status": 0,
    "message": "You cannot delete this Customer group as Users are mapped to it.",
}
INVALID_GROUP_ID = {"status": 0, "message": "Invalid group Id."}
# The contract's refusal of each write when a customer is already deleted.
REFUSED = {
    "put": {"status": 0, "message": "Invalid customer id."},
    "delete": {"status": 0, "message": "Invalid customer Id."},
    "bulk_delete": {"status": 0, "message": "Please choose a Customer that you want to delete."},
    "bulk_status": {"status": 0, "message": "Invalid customer Id."},
}


def run_together(actions: list[Callable]) -> list:
    """Run each action in its own thread, all released at the same instant; their results."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)
    failures: list[BaseException] = []

    def worker(index: int, action: Callable) -> None:
        try:
            barrier.wait(timeout=20)
            results[index] = action()
        except BaseException as exc:  # reported below: a thread's exception must fail the test
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    assert not failures, failures
    return results


def add_body(group_id: int, email: str, name: str = "Racer") -> dict:
    return {
        "customerGroupId": group_id,
        "username": name,
        "email": email,
        "mobileNumber": "1234567",
        "password": "Secret-pass1",
        "confirmPassword": "Secret-pass1",
        "mailStatus": 0,
        "status": 1,
    }


# --- (a) one email, twenty adds ----------------------------------------------------------------
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_twenty_simultaneous_adds_of_one_email_create_exactly_one_customer(attempt):
    group = CustomerGroupFactory()
    staff = make_staff(f"adder{attempt}", superuser=True)
    clients = [client_for(staff) for _ in range(20)]
    email = f"same{attempt}@example.com"

    responses = run_together(
        [
            lambda c=c, n=n: c.post(
                "/api/customer", add_body(group.pk, email.upper(), f"Racer{n}"), format="json"
            )
            for n, c in enumerate(clients)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 19
    assert all(r.json() == EMAIL_TAKEN for r in responses if r.status_code == 400)
    winner = next(r for r in responses if r.status_code == 200).json()["data"]
    customer = Customer.objects.get(email=email)
    assert Customer.objects.count() == 1
    assert (customer.pk, customer.first_name) == (winner["id"], winner["firstName"])
    events = AuditEvent.objects.filter(action="customer.create")
    assert [event.object_ids for event in events] == [[customer.pk]]


# --- (b) deletes, updates and bulk status on the same customers --------------------------------
def put_body(customer: Customer, first_name: str, is_active: bool, mobile: str) -> dict:
    return {
        "customerGroupId": customer.customer_group_id,
        "username": first_name,
        "mobileNumber": mobile,
        "mailStatus": 0,
        "status": int(is_active),
    }


@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_deletes_updates_and_bulk_status_on_the_same_customers_lose_no_update(attempt):
    group = CustomerGroupFactory()
    customers = CustomerFactory.create_batch(6, customer_group=group, is_active=True)
    ids = [c.pk for c in customers]
    before = {c.pk: (c.first_name, c.is_active, c.mobile_number) for c in customers}
    staff = make_staff(f"racer{attempt}", superuser=True)

    # (kind, customer ids it writes, request); every PUT sets a first name no one else sets.
    writes: list[tuple[str, list[int], Callable]] = []

    def add(kind: str, targets: list[int], send: Callable) -> None:
        client = client_for(staff)
        writes.append((kind, targets, lambda: send(client)))

    put_sent = {}  # first name → the values that PUT sends
    for n in range(12):
        customer = customers[n % 6]
        put_sent[f"Put{n}"] = (f"Put{n}", n % 3 != 0, f"+44700{n:06d}")
        body = put_body(customer, *put_sent[f"Put{n}"])
        add(
            "put",
            [customer.pk],
            lambda c, pk=customer.pk, b=body: c.put(f"/api/customer/{pk}", b, format="json"),
        )
    for targets in ([ids[0], ids[1], ids[2]], [ids[2], ids[3]], [ids[1]]):
        add(
            "bulk_delete",
            targets,
            lambda c, t=targets: c.post(
                "/api/customer/delete-customer", {"customerId": t}, format="json"
            ),
        )
    add("delete", [ids[3]], lambda c: c.delete(f"/api/customer/{ids[3]}"))
    add("delete", [ids[4]], lambda c: c.delete(f"/api/admin-customer/{ids[4]}"))
    status_sent = {(ids[0], ids[4], ids[5]): False, (ids[5], ids[3], ids[1]): True}
    for targets, status in ((list(t), int(s)) for t, s in status_sent.items()):
        add(
            "bulk_status",
            targets,
            lambda c, t=targets, s=status: c.post(
                "/api/customer/bulk-status", {"customerIds": t, "statusId": s}, format="json"
            ),
        )

    responses = run_together([send for _, _, send in writes])

    # Every answer is a 200 or the contract's refusal for a deleted customer; never a 500.
    succeeded = []
    for (kind, targets, _), response in zip(writes, responses, strict=True):
        assert response.status_code in (200, 400), (kind, response.status_code, response.content)
        if response.status_code == 400:
            assert response.json() == REFUSED[kind], (kind, targets)
        else:
            succeeded.append((kind, targets, response))
    # Of the deletes that include one customer, at most one wins (the replay below checks that
    # the customer is deleted exactly when one did); customer 4 has a single delete: it wins.
    for pk in ids:
        winners = [w for w in succeeded if w[0] in ("delete", "bulk_delete") and pk in w[1]]
        assert len(winners) <= 1, (pk, [w[:2] for w in succeeded])
        if pk == ids[4]:
            assert len(winners) == 1

    # One audit event per successful write, none for a refused one; map each write to its event.
    events = list(AuditEvent.objects.filter(object_type="customer").order_by("id"))
    assert len(events) == len(succeeded)
    event_of = {}
    for kind, targets, response in succeeded:
        if kind == "put":
            first_name = response.json()["data"]["firstName"]
            matching = [
                e
                for e in events
                if e.action == "customer.update"
                and e.object_ids == targets
                and e.changes.get("first_name", [None, None])[1] == first_name
            ]
        else:
            action = {
                "delete": "customer.delete",
                "bulk_delete": "customer.bulk_delete",
                "bulk_status": "customer.bulk_status",
            }[kind]
            matching = [e for e in events if e.action == action and e.object_ids == targets]
        assert len(matching) == 1, (kind, targets)
        event_of[matching[0].pk] = (kind, targets, response)

    # Replay the successful writes in the order the database serialised them.
    expected = {pk: {"values": before[pk], "deleted": False} for pk in ids}
    for event in events:
        kind, targets, response = event_of[event.pk]
        for pk in targets:
            state = expected[pk]
            assert not state["deleted"], f"{kind} answered 200 on customer {pk} after its delete"
            first_name, _, mobile = state["values"]
            if kind == "put":
                data = response.json()["data"]
                sent = put_sent[data["firstName"]]
                assert (data["id"], bool(data["isActive"]), data["mobileNumber"]) == (
                    pk,
                    *sent[1:],
                )
                state["values"] = sent
            elif kind == "bulk_status":
                state["values"] = (first_name, status_sent[tuple(targets)], mobile)
            else:
                state["deleted"] = True

    final = {
        c.pk: {"values": (c.first_name, c.is_active, c.mobile_number), "deleted": c.is_deleted}
        for c in Customer.objects.filter(pk__in=ids)
    }
    assert final == expected


# --- (c) group delete racing adds into the group -----------------------------------------------
@pytest.mark.parametrize("attempt", ATTEMPTS)
def test_group_delete_racing_adds_into_it_never_leaves_a_customer_without_its_group(attempt):
    group = CustomerGroupFactory()
    staff = make_staff(f"boss{attempt}", superuser=True)
    clients = [client_for(staff) for _ in range(11)]
    adds = [
        lambda c=clients[n], n=n: c.post(
            "/api/customer", add_body(group.pk, f"g{attempt}-{n}@example.com"), format="json"
        )
        for n in range(8)
    ]
    deletes = [
        lambda c=clients[n]: c.delete(f"/api/customer-group/{group.pk}") for n in range(8, 11)
    ]

    responses = run_together(adds + deletes)
    added, deleted = responses[: len(adds)], responses[len(adds) :]

    assert all(r.status_code in (200, 400) for r in responses)
    added_ok = [r for r in added if r.status_code == 200]
    assert all(r.json() == INVALID_GROUP for r in added if r.status_code == 400)
    deleted_ok = [r for r in deleted if r.status_code == 200]
    if deleted_ok:
        # The delete went first: every add found the group gone; the other deletes too.
        assert len(deleted_ok) == 1
        assert added_ok == []
        assert not CustomerGroup.objects.filter(pk=group.pk).exists()
        assert all(r.json() == INVALID_GROUP_ID for r in deleted if r.status_code == 400)
    else:
        # An add went first: every delete was refused, and every add succeeded.
        assert all(r.json() == GROUP_IN_USE for r in deleted)
        assert len(added_ok) == len(adds)
        assert CustomerGroup.objects.filter(pk=group.pk).exists()
    created = Customer.objects.all()
    assert sorted(c.pk for c in created) == sorted(r.json()["data"]["id"] for r in added_ok)
    assert all(c.customer_group_id == group.pk for c in created)
    assert AuditEvent.objects.count() == len(added_ok) + len(deleted_ok)


# --- (d) no group lock held while a password is hashed -----------------------------------------
class BlockingHasher(MD5PasswordHasher):
    """Hashes like MD5, but waits inside `encode` until the test lets it go."""

    algorithm = "blocking_md5"
    hashing = threading.Event()
    release = threading.Event()

    def encode(self, password, salt):
        BlockingHasher.hashing.set()
        BlockingHasher.release.wait(timeout=20)
        return super().encode(password, salt)  # "blocking_md5$...": MD5 under our name


def group_lock_is_free(group_id: int) -> bool:
    try:
        with transaction.atomic():
            CustomerGroup.objects.select_for_update(nowait=True).filter(pk=group_id).exists()
    except DatabaseError:
        return False
    return True


@pytest.mark.parametrize("method", ["add", "update"])
def test_a_password_is_hashed_before_the_group_row_is_locked(settings, method):
    # Argon2 takes ~0.1-0.6 s of CPU: under the group's row lock it would queue every add and
    # update into that group (the default group takes most adds) behind one another's hashing.
    group = CustomerGroupFactory()
    client = client_for(make_staff("hasher", superuser=True))
    if method == "add":
        send = lambda: client.post(  # noqa: E731
            "/api/customer", add_body(group.pk, "hash@example.com"), format="json"
        )
    else:
        customer = CustomerFactory(customer_group=group)
        body = put_body(customer, "Hashed", True, "1234567")
        body |= {"password": "Other-pass1", "confirmPassword": "Other-pass1"}
        send = lambda: client.put(f"/api/customer/{customer.pk}", body, format="json")  # noqa: E731

    settings.PASSWORD_HASHERS = [f"{__name__}.BlockingHasher"]
    BlockingHasher.hashing.clear()
    BlockingHasher.release.clear()
    results = []
    thread = threading.Thread(target=lambda: (results.append(send()), connection.close()))
    thread.start()
    try:
        assert BlockingHasher.hashing.wait(timeout=20)
        free = group_lock_is_free(group.pk)
    finally:
        BlockingHasher.release.set()
        thread.join(timeout=30)
    assert free, "the group row is locked while the password is hashed"
    assert results[0].status_code == 200, results[0].content
    assert Customer.objects.get().password.startswith("blocking_md5$")
