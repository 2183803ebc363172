"""Domain errors: raised by services, rendered as the contract's 400 by the API's one handler.

Domain code imports this module, never the API layer.
"""


class DomainError(Exception):
    """A business rule refused the operation; `message` is the contract's exact text (API.md §8)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
