from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = "Customer service metrics"

    def ready(self):
        from csoprogram.lib.notification_email import notification_attachments_add

        from .phillystat.memos import memo_attachments

        # The follow-up memo's e-mail carries its PDF.
        notification_attachments_add("memo_sent", memo_attachments)
