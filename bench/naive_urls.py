"""The product's URLconf plus the naive baseline under /naive/ (bench settings only)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench import naive
from ecommerce_admin.urls import urlpatterns as product_urlpatterns

router = SimpleRouter()
router.register("customer", naive.CustomerViewSet, basename="naive-customer")
router.register("customer-group", naive.GroupViewSet, basename="naive-group")
router.register("order-product", naive.OrderProductViewSet, basename="naive-order-product")
router.register("product-view-log", naive.ProductViewLogViewSet, basename="naive-view-log")

urlpatterns = [
    path("naive/customer-visit-list/", naive.VisitListView.as_view()),
    path("naive/vendor-graph-list/", naive.VendorGraphView.as_view()),
    path("naive/", include(router.urls)),
    *product_urlpatterns,
]
