"""The planning engine: turns a cycle's data set into the plan's tables and charts.

Pure Python (pandas, matplotlib, pluggy). Nothing in this package imports Django,
so a planner can run it on a laptop with no web server.
"""

__version__ = "0.1.0"
