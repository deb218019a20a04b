"""Synthetic demo data for the planning engine: ``python -m content.demodata OUT``."""

from content.demodata.generate import generate

__all__ = ["generate"]
