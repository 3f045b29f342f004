"""A checked upload waiting for its import: kept on the server, not in the
person's session (a 5 MB file in the session made every later request slow)."""

from django.conf import settings
from django.db import models


class CheckedUpload(models.Model):
    """A file that passed an import's check, kept until it is imported or
    expires. The form names it by an opaque token, which only its owner can use."""

    token = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The department the file is for (None when it spans several, as an
    # analyst's metric values may).
    department = models.ForeignKey(
        "departments.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=40)
    # What the import is for within its kind (a focus group session's pk).
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        app_label = "departments"

    def __str__(self):
        return f"{self.kind} upload of {self.created_at:%Y-%m-%d %H:%M}"
