"""Request body parsing: strict JSON with a nesting limit.

DRF's JSONParser uses the standard library, which answers `[[[[...` nested a few thousand deep
with a RecursionError (a 500). orjson caps nesting at 1024 and also rejects NaN/Infinity and lone
UTF-16 surrogates (`"\\ud800"`, which DRF's CharField refuses but a custom field would pass on
to PostgreSQL, which cannot encode them) as a parse error: the client gets the 400 envelope.
"""

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return orjson.loads(stream.read())
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
