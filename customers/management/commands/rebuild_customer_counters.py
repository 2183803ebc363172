"""Recount the customer/group counters from the rows (after a load that bypassed triggers).

manage.py rebuild_customer_counters            # rebuild (writers wait for the few seconds)
manage.py rebuild_customer_counters --check    # report drift only; exit 1 if any
"""

from django.core.management.base import BaseCommand, CommandError

from customers import counters


class Command(BaseCommand):
    help = "Recount the customer-count/today-count counters from the customer and group rows."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only compare with a full count; exit 1 on drift"
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            differences = counters.drift()
            for name, (counted, full) in differences.items():
                self.stdout.write(f"{name}: counter {counted}, rows {full}")
            if differences:
                raise CommandError(f"{len(differences)} counter(s) out of step with the rows.")
            self.stdout.write("Counters match the rows.")
            return
        counters.rebuild()
        totals = counters.totals()
        self.stdout.write(
            f"Counters rebuilt: {totals['customers_total']} live customers, "
            f"{totals['groups_total']} groups."
        )
