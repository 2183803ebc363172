"""Settings for bench/faults.py: the product's settings with a cheap password hasher.

Every add hashes a password; Argon2's deliberate cost would make the run measure CPU contention
on a shared machine instead of the database faults it is about.
"""

from ecommerce_admin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nosec B303 - bench only
