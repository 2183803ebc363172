"""The customer welcome email (API.md §3.1): the shop and the login, never a password."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_welcome_email(*, email: str, first_name: str) -> bool:
    """Send the welcome email through Django's email backend; return whether it left.

    Called after the customer's transaction commits. A mail failure is logged, never raised:
    the customer exists either way.
    """
    context = {"shop_name": settings.SHOP_NAME, "first_name": first_name, "login": email}
    try:
        subject = render_to_string("customers/emails/welcome_subject.txt", context).strip()
        body = render_to_string("customers/emails/welcome.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email], fail_silently=False)
    except Exception:
        logger.exception("Welcome email to customer %s could not be sent", email)
        return False
    return True
