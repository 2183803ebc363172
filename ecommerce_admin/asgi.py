import os

from django.core.asgi import get_asgi_application

from ecommerce_admin.checks import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecommerce_admin.settings")

application = get_asgi_application()
require_secret_key()
