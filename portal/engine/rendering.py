"""Where charts are drawn: in this process, or in worker processes while the main one goes on.

Drawing is most of ``mep compute``'s work, and importing matplotlib a good
part of its start. A :class:`ChartPool` starts its worker processes first
thing, so they import matplotlib and load the fonts while the main process
imports pandas and reads the data set; :func:`portal.engine.compute.compute_figures`
then runs the plugins side by side in threads, and each chart they ask for
is drawn by a free worker. Without a pool (the default, and in the portal)
:func:`draw` draws in the calling process, exactly as before. Either way a
chart is the same bytes: a worker draws it with the same code and style.

The workers are started with ``spawn``: a fresh interpreter, no copy of the
parent's threads, locks or open files, and none of its pandas.
"""

from __future__ import annotations

import contextvars
import hashlib
import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # multiprocessing and the process pool only where a pool starts: drawing in process needs neither
    from concurrent.futures import Future

#: at most this many worker processes: a run draws a dozen or so charts
MAX_WORKERS = 4

_pool: contextvars.ContextVar[ChartPool | None] = contextvars.ContextVar("mep_chart_pool", default=None)
_skipped: contextvars.ContextVar[bool] = contextvars.ContextVar("mep_charts_skipped", default=False)

#: what :func:`draw` returns inside :func:`without_charts`: a valid, empty SVG document
NO_CHART = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>'

#: charts kept by their arguments, so a scenario whose chart did not change is not drawn again
DRAWN_CHARTS_KEPT = 64
_drawn: OrderedDict[str, str] = OrderedDict()
_drawn_lock = threading.Lock()


def default_workers() -> int:
    """As many workers as there are idle cores besides the main process's, at most :data:`MAX_WORKERS`.

    A worker pays only on a core that would otherwise idle: each imports
    matplotlib itself, so on a single core or a busy machine (by the load
    average of the last minute) drawing in process is faster, and the
    answer is 0.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): assume an idle machine
        busy = 0.0
    return max(0, min(cores - 1, int(cores - busy), MAX_WORKERS))


def draw(kind: str, arguments: dict) -> str:
    """One chart's SVG, drawn by the active pool's workers or, without one, right here.

    The same chart (kind and arguments) drawn before in this process is
    returned as it was drawn: a scenario redraws only the charts it changes.
    """
    if _skipped.get():
        return NO_CHART
    key = _chart_key(kind, arguments)
    with _drawn_lock:
        svg = _drawn.get(key)
        if svg is not None:
            _drawn.move_to_end(key)
            return svg
    pool = _pool.get()
    svg = _draw(kind, arguments) if pool is None else pool.submit(kind, arguments).result()
    with _drawn_lock:
        _drawn[key] = svg
        while len(_drawn) > DRAWN_CHARTS_KEPT:
            _drawn.popitem(last=False)
    return svg


def _chart_key(kind: str, arguments: dict) -> str:
    return hashlib.sha256(pickle.dumps((kind, arguments), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@contextmanager
def without_charts() -> Iterator[None]:
    """Inside, :func:`draw` draws nothing and returns :data:`NO_CHART`: for work that needs the numbers only."""
    token = _skipped.set(True)
    try:
        yield
    finally:
        _skipped.reset(token)


def _draw(kind: str, arguments: dict) -> str:
    from portal.engine.charts import draw as draw_chart  # matplotlib only where a chart is drawn

    return draw_chart(kind, arguments)


def _warm_up() -> None:
    from portal.engine.charts import warm_up

    warm_up()


def _ready() -> None:
    """Nothing: submitted once per worker, so each one starts (and warms up) at once."""


class ChartPool:
    """Worker processes drawing charts; use as a context manager and :meth:`activate` it around the plugins."""

    def __init__(self, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up
        )
        for _ in range(workers):  # the executor starts a worker per submitted task, up to max_workers
            self._executor.submit(_ready)

    def submit(self, kind: str, arguments: dict) -> Future:
        return self._executor.submit(_draw, kind, arguments)

    def activate(self) -> contextvars.Token:
        """Draw charts in this pool from here on (in this context and those copied from it)."""
        return _pool.set(self)

    @staticmethod
    def deactivate(token: contextvars.Token) -> None:
        _pool.reset(token)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ChartPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def active_pool() -> ChartPool | None:
    """The pool charts are drawn in right now, if any."""
    return _pool.get()
