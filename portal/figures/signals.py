"""Signals of the figures app, for those that keep something derived from published figures."""

from django.dispatch import Signal

#: sent after a regeneration finishes (succeeded or failed) and after figures are published;
#: argument ``regeneration``
figures_changed = Signal()
