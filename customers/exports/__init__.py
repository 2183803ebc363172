from .xlsx import *  # noqa: F403
from .xlsx import _local_zone  # noqa: F401
