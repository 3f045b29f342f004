"""CSV cells that spreadsheets show as text, never run as formulas."""

# A cell starting with one of these is read as a formula by spreadsheets
# (OWASP "CSV injection"); tab and carriage return too, as some applications
# strip them and then see the formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text a spreadsheet shows as text: a leading apostrophe
    before anything that would start a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
