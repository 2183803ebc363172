"""The admin's login form is throttled exactly like the API's (API.md §2: 10/min per IP and per
username by default), sharing the same counters, so the admin is no side door for guessing
passwords that the API login refuses."""

import math

from django.http import HttpResponse
from django.urls import reverse

from ecommerce_admin.api.throttling import LoginThrottle

TOO_MANY_ATTEMPTS = "Too many login attempts. Try again later."


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == reverse("admin:login"):
            throttle = LoginThrottle()
            if not throttle.allow_request(request, None):
                response = HttpResponse(
                    TOO_MANY_ATTEMPTS, status=429, content_type="text/plain; charset=utf-8"
                )
                response["Retry-After"] = str(math.ceil(throttle.wait()))
                return response
        return self.get_response(request)
