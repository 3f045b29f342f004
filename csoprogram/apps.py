from django.apps import AppConfig


class CsoProgramConfig(AppConfig):
    name = "csoprogram"

    def ready(self):
        from departments.roster.signals import person_deactivating

        from .handover.services import refuse_deactivation_while_owning

        person_deactivating.connect(
            refuse_deactivation_while_owning, dispatch_uid="csoprogram.handover"
        )
