"""The bulk feedback import's form: a file, or rows pasted from a spreadsheet."""

from django import forms

from csoprogram.lib.forms import crispy_helper
from csoprogram.lib.table_import import MAX_BYTES

from .imports import MAX_ROWS


class FeedbackImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        required=False,
        help_text=f"At most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    rows = forms.CharField(
        label="Or paste rows",
        required=False,
        help_text="Copied from a spreadsheet (with its heading line) or typed as CSV.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = crispy_helper("file", "rows")

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("rows") or "").strip():
            raise forms.ValidationError("Choose a file or paste rows.")
        if data.get("file") and (data.get("rows") or "").strip():
            self.add_error("rows", "Choose a file or paste rows, not both.")
        return data

    def content(self) -> tuple[bytes | None, str]:
        """The table's bytes (None when the file is too large to read) and its
        file name ("" for pasted rows)."""
        upload = self.cleaned_data.get("file")
        if upload:
            if upload.size > MAX_BYTES:
                return None, upload.name or ""
            return upload.read(), upload.name or ""
        return self.cleaned_data["rows"].encode("utf-8", "surrogatepass"), ""
