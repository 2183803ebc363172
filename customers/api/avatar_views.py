"""`GET /api/media/image-resize` (API.md §9.10): customer avatars for the original admin's <img>.

Public: a browser sends no Authorization header for an image, so none is examined here.
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from customers.avatars import avatar_file
from ecommerce_admin.api.contract import ContractAPIView
from ecommerce_admin.api.params import DIGITS
from ecommerce_admin.api.responses import envelope

NOT_FOUND = "Image not found."
MAX_SIDE = 2000


def _side(params, name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not DIGITS.match(raw) or not 1 <= int(raw) <= MAX_SIDE:
        raise ValidationError({name: [f"Must be an integer from 1 to {MAX_SIDE} (digits only)."]})
    return int(raw)


class AvatarImageView(ContractAPIView):
    authentication_classes: list = []
    permission_classes: list = []
    public = True
    schema_raw_responses = True

    @extend_schema(
        summary="A customer's avatar, optionally scaled (public)",
        description="Only `path=customer/` with the `avatar` name of a non-deleted customer; "
        "anything else (product images included) → 404 `Image not found.`. The image is scaled "
        "to fit width x height, keeping its aspect ratio, never enlarged, in its stored format. "
        "`Cache-Control: private`. No token needed.",
        parameters=[
            OpenApiParameter("path", OpenApiTypes.STR, description="Must be `customer/`."),
            OpenApiParameter("name", OpenApiTypes.STR, description="The customer's `avatar`."),
            OpenApiParameter("width", OpenApiTypes.INT, description="1-2000; empty = not given."),
            OpenApiParameter("height", OpenApiTypes.INT, description="1-2000; empty = not given."),
        ],
        responses={
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/gif"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
        },
        tags=["media"],
    )
    def get(self, request):
        params = request.query_params
        width, height = _side(params, "width"), _side(params, "height")
        image = avatar_file(
            path=params.get("path", ""), name=params.get("name", ""), width=width, height=height
        )
        if image is None:
            # Its own text (API.md §8), not the generic "Not found." of unknown routes.
            return Response(envelope(NOT_FOUND, status=0), status=404)
        response = HttpResponse(image.content, content_type=image.content_type)
        response["Cache-Control"] = "private"
        response["X-Content-Type-Options"] = "nosniff"
        return response
