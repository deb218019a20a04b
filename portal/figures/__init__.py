"""The portal's side of the figures: cycles, data set uploads, regenerations and figure snapshots.

Not to be confused with ``portal.engine.figures``, the engine's side (what a
figure is and how its chart is drawn, pure Python, no Django). This app runs
the engine over an uploaded data set and stores what it computed, so a page
only reads snapshots.
"""
