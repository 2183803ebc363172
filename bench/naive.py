"""The naive baseline: the same reads written the way DRF's defaults lead you, for comparison.

Mounted only by bench/settings.py under /naive/ (bench/naive_urls.py), never in the product.
What makes it "naive" (each point is a default, not a deliberate sabotage):
- `ModelViewSet` + `ModelSerializer` (field-by-field serialisation through DRF fields);
- `LimitOffsetPagination`: every page runs an exact `COUNT(*)` of the filtered set, and deep
  offsets are plain `OFFSET`;
- django-filter `icontains`/`date` lookups as written (they use the trigram indexes when the
  database has them: the benchmark database has ours, so the baseline gets them for free);
- counts as one `.count()` per figure; the group list's customer count per group (N+1);
- DRF's plain `JSONRenderer`; the same JWT authentication and an `IsAdminUser` permission.
It does use `select_related` for the group and the order/product (forgetting it would be a
strawman: N+1 per row), so the comparison isolates counting, serialisation and query shape.
"""

import calendar

import django_filters
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDay
from django.utils import timezone
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.models import CustomerVisit, ProductViewLog
from customers.models import Customer, CustomerGroup
from sales.models import OrderProduct, Product, Vendor


class NaiveMixin:
    permission_classes = [permissions.IsAdminUser]
    renderer_classes = [JSONRenderer]
    pagination_class = LimitOffsetPagination


# --- Customers ---------------------------------------------------------------------------------
class CustomerSerializer(serializers.ModelSerializer):
    customer_group_name = serializers.CharField(
        source="customer_group.name", read_only=True, default=None
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "first_name",
            "last_name",
            "username",
            "email",
            "mobile_number",
            "is_active",
            "customer_group",
            "customer_group_name",
            "created_at",
            "updated_at",
        ]


class CustomerDetailSerializer(serializers.ModelSerializer):
    customer_group_name = serializers.CharField(
        source="customer_group.name", read_only=True, default=None
    )

    class Meta:
        model = Customer
        exclude = ["password"]


class CustomerFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(method="filter_name")
    email = django_filters.CharFilter(lookup_expr="icontains")
    status = django_filters.NumberFilter(field_name="is_active")
    customerGroup = django_filters.NumberFilter(field_name="customer_group_id")
    date = django_filters.DateFilter(field_name="created_at", lookup_expr="date")
    keyword = django_filters.CharFilter(method="filter_keyword")

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(first_name__icontains=value) | Q(last_name__icontains=value))

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(
            Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
            | Q(customer_group__name__icontains=value)
        )


class CustomerViewSet(NaiveMixin, viewsets.ModelViewSet):
    queryset = Customer.objects.filter(is_deleted=False).select_related("customer_group")
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter

    def get_serializer_class(self):
        return CustomerDetailSerializer if self.action == "retrieve" else CustomerSerializer

    @action(detail=False, url_path="customer-count")
    def customer_count(self, request):
        customers = Customer.objects.filter(is_deleted=False)
        return Response(
            {
                "totalCustomer": customers.count(),
                "activeCustomer": customers.filter(is_active=True).count(),
                "inActiveCustomer": customers.filter(is_active=False).count(),
                "totalCustomerGroup": CustomerGroup.objects.count(),
                "activeCustomerGroup": CustomerGroup.objects.filter(is_active=True).count(),
                "inActiveCustomerGroup": CustomerGroup.objects.filter(is_active=False).count(),
            }
        )

    @action(detail=False, url_path="today-customercount")
    def today_count(self, request):
        today = timezone.localdate()
        count = Customer.objects.filter(is_deleted=False, created_at__date=today).count()
        return Response({"customerCount": count})

    @action(detail=False, url_path="recent-customerlist")
    def recent(self, request):
        rows = self.get_queryset()[:5]
        return Response(CustomerSerializer(rows, many=True).data)


# --- Groups ------------------------------------------------------------------------------------
class GroupSerializer(serializers.ModelSerializer):
    customer_count = serializers.SerializerMethodField()

    class Meta:
        model = CustomerGroup
        fields = ["id", "name", "description", "color_code", "is_active", "is_default"]
        fields += ["customer_count", "created_at", "updated_at"]

    def get_customer_count(self, group) -> int:
        return group.customers.filter(is_deleted=False).count()


class GroupViewSet(NaiveMixin, viewsets.ModelViewSet):
    queryset = CustomerGroup.objects.all()
    serializer_class = GroupSerializer


# --- Analytics ---------------------------------------------------------------------------------
class OrderProductSerializer(serializers.ModelSerializer):
    order_id = serializers.IntegerField(source="order.id", read_only=True)
    customer_id = serializers.IntegerField(source="order.customer_id", read_only=True)
    email = serializers.CharField(source="order.email", read_only=True)
    image = serializers.CharField(source="product.image", read_only=True, default=None)
    container_name = serializers.CharField(
        source="product.container_name", read_only=True, default=None
    )
    order_created_at = serializers.DateTimeField(source="order.created_at", read_only=True)

    class Meta:
        model = OrderProduct
        fields = ["id", "order_id", "customer_id", "email", "product", "name", "quantity"]
        fields += ["price", "image", "container_name", "order_created_at"]


class OrderProductViewSet(NaiveMixin, viewsets.ReadOnlyModelViewSet):
    queryset = OrderProduct.objects.select_related("order", "product").order_by(
        "-order__created_at", "-id"
    )
    serializer_class = OrderProductSerializer
    filterset_fields = {"order__customer_id": ["exact"]}


class ProductViewLogSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True, default=None)

    class Meta:
        model = ProductViewLog
        fields = ["id", "customer", "product", "product_name", "created_at"]


class ProductViewLogViewSet(NaiveMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ProductViewLog.objects.select_related("product")
    serializer_class = ProductViewLogSerializer
    filterset_fields = ["customer_id"]


class VisitListView(NaiveMixin, APIView):
    def get(self, request):
        year, month = int(request.query_params["year"]), int(request.query_params["month"])
        per_day = {
            row["day"].day: row
            for row in CustomerVisit.objects.filter(created_at__year=year, created_at__month=month)
            .annotate(day=TruncDay("created_at"))
            .values("day")
            .annotate(visits=Count("id"), visitors=Count("customer_id", distinct=True))
        }
        days = calendar.monthrange(year, month)[1]
        return Response(
            [
                {
                    "dayOfMonth": day,
                    "visitCount": per_day.get(day, {}).get("visits", 0),
                    "uniqueVisitors": per_day.get(day, {}).get("visitors", 0),
                }
                for day in range(1, days + 1)
            ]
        )


class VendorGraphView(NaiveMixin, APIView):
    def get(self, request):
        vendor = Vendor.objects.get(pk=int(request.query_params["vendorId"]))
        year = timezone.localdate().year
        products = Product.objects.filter(vendor=vendor, created_at__year=year)
        lines = OrderProduct.objects.filter(
            product__vendor=vendor, order__is_paid=True, order__created_at__year=year
        )
        return Response(
            {
                "vendorId": vendor.id,
                "companyName": vendor.company_name,
                "productCount": products.count(),
                "productSoldCount": lines.aggregate(n=Sum("quantity"))["n"] or 0,
                "deliveryCount": lines.filter(status="delivered").count(),
                "outOfStockCount": products.filter(is_approved=True, quantity=0).count(),
                "pendingStockCount": products.filter(is_approved=True, quantity__gte=1).count(),
            }
        )
