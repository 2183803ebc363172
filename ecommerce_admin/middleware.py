"""The admin's login form is throttled exactly like the API's (API.md §2: 10/min per IP and per
username by default), sharing the same counters, so the admin is no side door for guessing
passwords that the API login refuses."""

from django.http import HttpResponse
from django.urls import reverse

from ecommerce_admin.api.throttling import LoginIPThrottle, LoginUsernameThrottle

TOO_MANY_ATTEMPTS = "Too many login attempts. Try again later."


class AdminLoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == reverse("admin:login"):
            waits = [
                throttle.wait()
                for throttle in (LoginIPThrottle(), LoginUsernameThrottle())
                if not throttle.allow_request(request, None)
            ]
            if waits:
                response = HttpResponse(
                    TOO_MANY_ATTEMPTS, status=429, content_type="text/plain; charset=utf-8"
                )
                response["Retry-After"] = str(max(1, int(max(w or 1 for w in waits) + 0.999)))
                return response
        return self.get_response(request)
