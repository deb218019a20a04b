"""The plugin manager: every plugin arrives through the ``mep`` entry-point group.

The six fields of action are registered in ``pyproject.toml`` exactly like a
stranger's pip-installed plugin, so the engine treats them alike. A plugin
that fails — on import or in a hook — is reported by name as a
:class:`PluginError`. Hooks run in pluggy's order; hook wrappers are refused,
because the engine calls plugin by plugin to name the one that failed.
"""

from __future__ import annotations

import contextvars
import importlib.metadata
from collections.abc import Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pluggy

from portal.engine import hookspecs

ENTRY_POINT_GROUP = "mep"


class PluginError(Exception):
    """A plugin failed; ``plugin_name`` says which, ``error`` what it raised."""

    def __init__(self, plugin_name: str, error: BaseException):
        self.plugin_name = plugin_name
        self.error = error
        super().__init__(f"Plugin „{plugin_name}“ ist fehlgeschlagen: {type(error).__name__}: {error}")


class HookWrapperRefused(TypeError):
    """A plugin implements a hook as a wrapper (``wrapper=True`` or ``hookwrapper=True``)."""

    def __init__(self, hook_name: str):
        super().__init__(
            f"{hook_name} ist ein Hook-Wrapper; die Planungsmaschine ruft jedes Plugin einzeln auf "
            "und unterstützt keine Wrapper (wrapper=True, hookwrapper=True)"
        )


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers each plugin's version."""

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.add_hookspecs(hookspecs)
        self.versions: dict[str, str] = {}

    def register(self, plugin: object, name: str | None = None, version: str | None = None) -> str | None:
        """Register like pluggy, but refuse a plugin with a hook wrapper (:class:`PluginError`)."""
        registered = super().register(plugin, name)
        if registered is not None:
            wrapped = [caller.name for caller in self.get_hookcallers(plugin) or () if _wrappers(caller, plugin)]
            if wrapped:
                self.unregister(plugin)
                raise PluginError(registered, HookWrapperRefused(wrapped[0]))
            # The plugin's own version: the six fields share one distribution but each has its own.
            self.versions[registered] = str(getattr(plugin, "__version__", "") or "") or version or ""
        return registered

    def plugin_names(self) -> list[str]:
        """Registered plugins in registration order."""
        return [name for name, _ in self.list_name_plugin()]


def get_plugin_manager(only: Collection[str] | None = None) -> PluginManager:
    """A manager with every plugin of the ``mep`` entry-point group (or just those in ``only``).

    Raises :class:`PluginError` naming a plugin that cannot be imported or
    implements a hook the engine does not know.
    """
    pm = PluginManager()
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if only is not None and entry_point.name not in only:
            continue
        if pm.has_plugin(entry_point.name):
            continue  # the same name installed twice (e.g. an editable install)
        try:
            plugin = entry_point.load()
            # the distribution's version only where the plugin has none: reading it parses the
            # distribution's METADATA file, some 10 ms for each of the six built-in fields
            has_own = str(getattr(plugin, "__version__", "") or "")
            version = None if has_own or entry_point.dist is None else entry_point.dist.version
            pm.register(plugin, name=entry_point.name, version=version)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(entry_point.name, exc) from exc
    check_plugins(pm)
    return pm


def check_plugins(pm: pluggy.PluginManager) -> None:
    """Raise :class:`PluginError` for a hook implementation that matches no hook."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(pm.get_name(exc.plugin) or "?", exc) from exc


def call_each(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """Call one hook plugin by plugin in pluggy's order, yielding (plugin name, result).

    The order is ``pm.hook.<name>()``'s: the plugin registered last runs
    first, and ``tryfirst``/``trylast`` move a plugin to the front or back.
    Unlike ``pm.hook.<name>()`` a failure is attributed to its plugin: it is
    raised as :class:`PluginError`, as is a hook wrapper, before any plugin runs.
    """
    for impl in _impls(pm, hook_name):
        try:
            args, keywords = _arguments(impl, kwargs)
            result = impl.function(*args, **keywords)
        except Exception as exc:
            raise PluginError(_name(pm, impl.plugin), exc) from exc
        yield _name(pm, impl.plugin), result


def call_each_concurrently(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
    """Like :func:`call_each`, but every plugin runs at once, each in its own thread.

    Results and failures come in :func:`call_each`'s order: a failure is the
    first failing plugin's in that order, whichever thread failed first. Worth
    it only when the plugins wait, e.g. for charts drawn in worker processes
    (:class:`portal.engine.rendering.ChartPool`); each thread runs in a copy of
    the caller's context, so it draws in the caller's pool.
    """
    impls = _impls(pm, hook_name)
    with ThreadPoolExecutor(max_workers=max(len(impls), 1), thread_name_prefix=f"mep-{hook_name}") as threads:
        futures = []
        for impl in impls:
            args, keywords = _arguments(impl, kwargs)
            futures.append(threads.submit(contextvars.copy_context().run, impl.function, *args, **keywords))
        try:
            for impl, future in zip(impls, futures, strict=True):
                try:
                    result = future.result()
                except Exception as exc:
                    raise PluginError(_name(pm, impl.plugin), exc) from exc
                yield _name(pm, impl.plugin), result
        finally:
            for future in futures:
                future.cancel()


def _arguments(impl, kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """Like pluggy: the arguments a plugin names, including those it gives a default (``language="de"``)."""
    return [kwargs[arg] for arg in impl.argnames], {arg: kwargs[arg] for arg in impl.kwargnames if arg in kwargs}


def _impls(pm: pluggy.PluginManager, hook_name: str) -> list:
    """The hook's implementations in the order pluggy calls them; :class:`PluginError` for a wrapper."""
    impls = list(reversed(getattr(pm.hook, hook_name).get_hookimpls()))  # pluggy calls the list back to front
    for impl in impls:
        if impl.wrapper or impl.hookwrapper:
            raise PluginError(_name(pm, impl.plugin), HookWrapperRefused(hook_name))
    return impls


def _name(pm: pluggy.PluginManager, plugin: object) -> str:
    return pm.get_name(plugin) or repr(plugin)


def _wrappers(caller: pluggy.HookCaller, plugin: object) -> bool:
    return any(impl.plugin is plugin and (impl.wrapper or impl.hookwrapper) for impl in caller.get_hookimpls())
