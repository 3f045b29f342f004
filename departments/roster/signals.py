"""Sent by the roster before a person is deactivated. Apps above departments
keep work that people own (metrics, meetings, reminders …) and this layer
cannot read it: their receiver (csoprogram.handover.services) raises a
ValidationError naming what the person still owns, which refuses the
deactivation until it has been handed over."""

from django.dispatch import Signal

person_deactivating = Signal()  # keyword: person
