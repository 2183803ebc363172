"""The back-office dashboard (`/admin/dashboard/`): customer figures and three charts.

The charts are the admin toolkit's server-side SVG (ecommerce_admin.admin.charts).

Figures come from the same reads the API uses: `analytics.selectors` for the charts, the customer
querysets for the cards.
"""

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from analytics import selectors
from customers.selectors import customer_totals, customers_created_today
from ecommerce_admin.admin.charts import Bar, bar_chart, column_chart

NEW_CUSTOMER_DAYS = 30
TOP_PRODUCTS = 10
TOP_PRODUCTS_DAYS = 30


# --- The figures ----------------------------------------------------------------------------------


def customer_cards() -> list[dict]:
    """The dashboard's cards: two aggregate queries (customers, groups) and one indexed count."""
    totals = customer_totals()
    figures = {"total": totals["customers_total"], "active": totals["customers_active"]}
    groups = {"total": totals["groups_total"], "active": totals["groups_active"]}
    today = customers_created_today()
    changelist = reverse("admin:customers_customer_changelist")
    cards = [
        {"label": "Customers", "value": figures["total"], "url": changelist},
        {"label": "Active", "value": figures["active"], "url": f"{changelist}?is_active__exact=1"},
        {
            "label": "Inactive",
            "value": figures["total"] - figures["active"],
            "url": f"{changelist}?is_active__exact=0",
        },
        {"label": "New today", "value": today, "url": f"{changelist}?created=today"},
        {
            "label": "Groups",
            "value": groups["total"],
            "detail": f"{groups['active']} active",
            "url": reverse("admin:customers_customergroup_changelist"),
        },
    ]
    for card in cards:
        card["display"] = f"{card['value']:,}"
    return cards


def visits_chart(today: dt.date) -> dict:
    days = selectors.visits_per_day(year=today.year, month=today.month)
    total = sum(day.visit_count for day in days)
    peak = max(days, key=lambda day: day.visit_count)
    bars = [
        Bar(
            label=str(day.day.day),
            value=day.visit_count,
            title=(
                f"{day.day:%a %-d %b}: {day.visit_count} visits, "
                f"{day.unique_visitors} unique visitors"
            ),
        )
        for day in days
    ]
    month = f"{today:%B %Y}"
    summary = (
        f"Visits per day in {month}: {total} in total"
        + (f", most on {peak.day:%-d %B} ({peak.visit_count})" if total else "")
        + "."
    )
    return {
        "title": f"Visits per day — {month}",
        "total": total,
        "unit": "visits",
        "note": "today highlighted",
        "svg": column_chart(
            bars,
            label=summary,
            every=3,
            highlight=today.day - 1 if today == timezone.localdate() else None,
        ),
    }


def new_customers_chart() -> dict:
    days = selectors.new_customers_per_day(days=NEW_CUSTOMER_DAYS)
    total = sum(count for _, count in days)
    bars = [
        Bar(label=f"{day:%-d %b}", value=count, title=f"{day:%a %-d %b}: {count} new customers")
        for day, count in days
    ]
    summary = f"New customers per day over the last {NEW_CUSTOMER_DAYS} days: {total} in total."
    return {
        "title": f"New customers — last {NEW_CUSTOMER_DAYS} days",
        "total": total,
        "unit": "new customers",
        "note": "today highlighted",
        "svg": column_chart(bars, label=summary, every=5, from_end=True, highlight=len(bars) - 1),
    }


def top_products_chart() -> dict:
    since = timezone.now() - dt.timedelta(days=TOP_PRODUCTS_DAYS)
    rows = selectors.most_viewed_products(since=since, limit=TOP_PRODUCTS)
    bars = [
        Bar(
            label=row["name"] or f"Product {row['product_id']}",
            value=row["views"],
            title=f"{row['name']}: {row['views']} views",
        )
        for row in rows
    ]
    summary = f"The {len(bars)} most viewed products of the last {TOP_PRODUCTS_DAYS} days: " + (
        "; ".join(f"{bar.label} {bar.value}" for bar in bars) or "none"
    )
    # The total counts every view of the period, not only the top ten's (issue 12).
    return {
        "title": f"Most viewed products — last {TOP_PRODUCTS_DAYS} days",
        "total": selectors.product_views_count(since=since),
        "unit": "views",
        "note": f"top {len(bars)} products shown" if bars else "",
        "svg": bar_chart(bars, label=summary),
    }


def dashboard_view(request):
    """`/admin/dashboard/`: staff with the customer view permission; each chart needs its own."""
    user = request.user
    if not user.has_perm("customers.view_customer"):
        raise PermissionDenied
    charts = []
    if user.has_perm("analytics.view_customervisit"):
        charts.append(visits_chart(timezone.localdate()))
    charts.append(new_customers_chart())
    if user.has_perm("analytics.view_productviewlog"):
        charts.append(top_products_chart())
    for chart in charts:
        chart["total_display"] = f"{chart['total']:,}"
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "cards": customer_cards(),
        "charts": charts,
        "generated_at": timezone.localtime(),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
