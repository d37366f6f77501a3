"""A GeoJSON document decoded member by member, its "features" array element by element, every fault named."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from json.decoder import scanstring
from typing import NamedTuple

from dashboard.intake.issues import IntakeError

SPACE = re.compile(r"[ \t\n\r]*")  # JSON's white space
ELEMENT = None  # the key `_members` gives each element of the "features" array


class Decoded(NamedTuple):
    """One member of the top-level object, or one element of its "features" array, as decoded."""

    key: str | None  # None (ELEMENT): an element of the "features" array
    value: object
    repeated: list[str]  # keys that came twice in an object inside `value` (json keeps the last value only)
    brackets: int  # "[" and "{" in its text: how deep it can nest, at most


def _no_constants(name: str) -> object:
    """Refuse NaN, Infinity and -Infinity."""
    raise ValueError(name)  # NaN and Infinity are not JSON, though Python's json module accepts them


class Decoder:
    """json's decoder, one value at a time, noting the keys repeated inside each value."""

    def __init__(self, text: str) -> None:
        self.text, self.repeated, self.key = text, [], ELEMENT
        self.json = json.JSONDecoder(object_pairs_hook=self._object, parse_constant=_no_constants)

    def _object(self, pairs: list[tuple[str, object]]) -> dict:
        """A JSON object as a dict, its repeated keys noted."""
        result = dict(pairs)
        if len(result) < len(pairs):  # a key came twice: say which
            self.repeated += [key for key, count in Counter(key for key, _ in pairs).items() if count > 1]
        return result

    def decode(self, key: str | None, position: int) -> tuple[Decoded, int]:
        """The value starting at `position` (no space before it), and where it ends."""
        self.repeated, self.key = [], key
        try:
            value, end = self.json.scan_once(self.text, position)  # what raw_decode calls, without its wrapping
        except StopIteration as error:
            raise json.JSONDecodeError("Expecting value", self.text, error.value) from None
        brackets = self.text.count("[", position, end) + self.text.count("{", position, end)
        return Decoded(key, value, self.repeated, brackets), end

    def skip(self, position: int) -> int:
        """Where the white space from `position` ends."""
        return SPACE.match(self.text, position).end()

    def expect(self, position: int, token: str) -> int:
        """Just past `token`, which must stand at `position`."""
        if not self.text.startswith(token, position):
            raise json.JSONDecodeError(f"Expecting {token!r}", self.text, position)
        return position + 1


def _elements(decoder: Decoder, position: int) -> Iterator[Decoded]:
    """Each element of the array whose "[" is just before `position`, decoded one at a time."""
    position = decoder.skip(position)
    if decoder.text.startswith("]", position):
        return position + 1
    while True:
        element, position = decoder.decode(ELEMENT, position)
        yield element
        position = decoder.skip(position)
        if not decoder.text.startswith(",", position):
            return decoder.expect(position, "]")
        position = decoder.skip(position + 1)


def _members(decoder: Decoder, source: str) -> Iterator[Decoded]:
    """The top-level object's members in order; an array under "features" as its elements, one by one."""
    text = decoder.text
    position, seen = decoder.expect(decoder.skip(0), "{"), set()
    while seen or not text.startswith("}", decoder.skip(position)):
        key, position = scanstring(text, decoder.expect(decoder.skip(position), '"'))
        if key in seen:
            raise IntakeError(source, "readers.geojson.duplicate_key_file", key=key)
        seen.add(key)
        position = decoder.skip(decoder.expect(decoder.skip(position), ":"))
        if key == "features" and text.startswith("[", position):
            position = yield from _elements(decoder, position + 1)
            yield Decoded(key, [], [], 1)  # said once the array is read, so the collection knows it had one
        else:
            member, position = decoder.decode(key, position)
            yield member
        position = decoder.skip(position)
        if not text.startswith(",", position):
            break
        position += 1
    position = decoder.skip(decoder.expect(decoder.skip(position), "}"))
    if position != len(text):
        raise json.JSONDecodeError("Extra data", text, position)


def _refusal(error: Exception, text: str, source: str, feature: int | None) -> IntakeError:
    """What a failure to decode says to the user: where the JSON breaks, or which feature is beyond reading."""
    if isinstance(error, RecursionError):
        if feature is None:
            return IntakeError(source, "readers.geojson.too_deep")
        return IntakeError(source, "readers.hostile.too_deep_to_parse", feature=feature)
    if isinstance(error, json.JSONDecodeError):
        cut = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
        reason = "readers.geojson.truncated" if cut else "readers.geojson.invalid_json"
        return IntakeError(source, reason, line=error.lineno, column=error.colno)
    if str(error) in ("NaN", "Infinity", "-Infinity"):
        return IntakeError(source, "readers.geojson.not_a_number", value=str(error))
    if feature is None:  # past Python's 4300 digits
        return IntakeError(source, "readers.hostile.number_too_long_document")
    return IntakeError(source, "readers.hostile.number_too_long", feature=feature)


def parsed(text: str, source: str) -> Iterator[Decoded]:
    """`_members` of a document that must be a JSON object; every decoding failure an IntakeError."""
    decoder = Decoder(text)
    start = decoder.skip(0)
    if start == len(text):
        raise IntakeError(source, "readers.empty")
    if text[start] == "[":  # never decoded: an array of millions of small objects would fill memory
        raise IntakeError(source, "readers.geojson.not_features", start=text[start : start + 30])
    if text[start] != "{":  # a lone string or number: small, decoded to say what it is
        try:
            value = decoder.json.decode(text)
        except ValueError as error:
            raise _refusal(error, text, source, None) from None
        raise IntakeError(source, "readers.geojson.not_features", start=str(value)[:30])
    members, feature = _members(decoder, source), 1
    while True:
        try:
            member = next(members)
        except StopIteration:
            return
        except (ValueError, RecursionError) as error:  # json.JSONDecodeError is a ValueError
            raise _refusal(error, text, source, feature if decoder.key is ELEMENT else None) from None
        feature += member.key is ELEMENT
        yield member
