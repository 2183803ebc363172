from .customers import *  # noqa: F403
