"""Phone numbers as Mexico writes and dials them, with Google's libphonenumber (`phonenumbers`)."""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, shortnumberinfo


def parse_phone(text: str) -> PhoneNumber | None:
    """A valid number, read as Mexican unless it starts with `+`; None otherwise."""
    try:
        number = phonenumbers.parse(text, "MX")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(text: str) -> str | None:
    """`55 1234 5678` -> `+525512345678`, the form a number is stored in."""
    number = parse_phone(text)
    return str(phonenumbers.format_number(number, PhoneNumberFormat.E164)) if number else None


def phone_ok(text: str, short_ok: bool = True) -> bool:
    """A valid Mexican number (or +country number); short numbers like 911 when `short_ok`."""
    if parse_phone(text) is not None:
        return True
    try:
        number = phonenumbers.parse(text, "MX")
    except phonenumbers.NumberParseException:
        return False
    return short_ok and bool(shortnumberinfo.is_valid_short_number(number))


def phone_text(text: str) -> str:
    """A number as people dial it in Mexico: `800 911 7877`, `55 1234 5678`, `911`."""
    number = parse_phone(text)
    if number is None:
        return text
    style = PhoneNumberFormat.NATIONAL if number.country_code == 52 else PhoneNumberFormat.INTERNATIONAL
    return str(phonenumbers.format_number(number, style))


def whatsapp_link(text: str) -> str:
    """A wa.me link that opens a chat with the number."""
    return "https://wa.me/" + (e164(text) or text).lstrip("+")
