"""Request body parsing: strict JSON with a nesting limit.

DRF's JSONParser uses the standard library, which answers `[[[[...` nested a few thousand deep
with a RecursionError (a 500) and accepts lone UTF-16 surrogates (`"\\ud800"`) that PostgreSQL
then refuses to encode (another 500). orjson rejects both, and NaN/Infinity, as a parse error:
the client gets the 400 envelope.
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
