"""The page tree every public page shows around its content, read in one query and kept until it changes.

Menu, footer links, breadcrumbs, table of contents, sections, previous/next,
translations and Wagtail's site root paths all come from one list of pages
(every page of every site and locale: id, place in the tree, title, live,
menu flag, number …). It is read with one query, kept in the shared "pages"
cache under a generation, and a new generation starts whenever a page, a site,
a view restriction or a locale changes (Wagtail's publish, unpublish and move
signals, saves and deletes; :func:`connect`), as portal/plan/page_cache.py
does for rendered fragments. Within one request it is read once (:func:`for_request`).

Each page in it is an instance of its own page class with only these fields
loaded: reading any other field queries the database (which the query-budget
tests would notice) instead of showing a wrong value. A page that the kept
list does not know, or knows at another place in the tree, makes it read
again; routing checks the page it fetched, so a stale list can slow a request
down but never serve the wrong page.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from django.apps import apps
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, OuterRef
from django.db.models.base import ModelState
from django.utils import translation
from django.utils.functional import cached_property
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, PageViewRestriction, Site, SiteRootPath

CACHE = "pages"
KEY = "mep:site-structure:v1"
GENERATION_KEY = "mep:site-structure:generation"
TIMEOUT = 24 * 60 * 60  # seconds; a new generation replaces it at once when anything it holds changes

#: Page fields read for every page
BASE_FIELDS = (
    "id", "path", "depth", "numchild", "title", "slug", "url_path", "live", "show_in_menus",
    "locale_id", "translation_key", "alias_of_id", "content_type_id",
)
#: fields of the plan's page types that navigation shows: model label -> {field: lookup}
SPECIFIC_FIELDS = {
    "plan.chapterpage": {"number": "chapterpage__number"},
    "plan.partpage": {"number": "partpage__number"},
    "plan.planpage": {"cycle": "planpage__cycle"},
}
SITE_FIELDS = ("id", "hostname", "port", "is_default_site")


def _read() -> dict:
    """Every page (as instances of its class) and the sites rooted at it, in one query."""
    lookups = [lookup for fields in SPECIFIC_FIELDS.values() for lookup in fields.values()]
    site_lookups = [f"sites_rooted_here__{name}" for name in SITE_FIELDS]
    rows = (
        Page.objects.order_by("path", "sites_rooted_here__id")
        .annotate(restricted=Exists(PageViewRestriction.objects.filter(page=OuterRef("pk"))))
        .values_list(
            *BASE_FIELDS, "content_type__app_label", "content_type__model", "locale__language_code",
            "restricted", *lookups, *site_lookups,
        )
    )
    nodes, sites, restricted_paths, locales = [], [], [], {}
    width = len(BASE_FIELDS)
    for row in rows:
        if not nodes or nodes[-1].pk != row[0]:
            values = dict(zip(BASE_FIELDS, row[:width], strict=True))
            app_label, model_name, language_code, restricted = row[width:width + 4]
            model = _model(app_label, model_name)
            for position, (label, name) in enumerate(
                (label, name) for label, fields in SPECIFIC_FIELDS.items() for name in fields
            ):
                if model._meta.label_lower == label:
                    values[name] = row[width + 4 + position]
            node = _instance(model, values)
            locale = locales.get(values["locale_id"])
            if locale is None:
                locale = locales[values["locale_id"]] = _instance(
                    Locale, {"id": values["locale_id"], "language_code": language_code}
                )
            node._state.fields_cache["locale"] = locale
            nodes.append(node)
            if restricted:
                restricted_paths.append(node.path)
        site = row[width + 4 + len(lookups):]
        if site[0] is not None:
            sites.append((row[0], *site))
    # kept as instances: unpickling them from the cache is some 30 times faster than making them
    return {"nodes": nodes, "sites": sites, "restricted_paths": restricted_paths}


def _key() -> str:
    """Where the current tree is kept: a new generation (see :func:`clear`) makes every worker read again."""
    from .generation import token

    return f"{KEY}:{token(caches[CACHE], GENERATION_KEY)}"


def drop() -> None:
    """Start a new generation: the next request reads the tree again."""
    caches[CACHE].set(GENERATION_KEY, uuid.uuid4().hex, None)


def clear(**kwargs) -> None:
    """A new generation now and again after the transaction commits.

    A tree read meanwhile from the old rows is kept under the generation it started
    with, which nobody asks for after the commit, so it never outlives the change.
    """
    drop()
    transaction.on_commit(drop)


def load(fresh: bool = False) -> Structure:
    """The page tree, from the cache or (when missing, or ``fresh``) from the database."""
    cache = caches[CACHE]
    key = _key()  # before reading the rows: see clear()
    data = None if fresh else cache.get(key)
    if data is None:
        data = _read()
        cache.set(key, data, TIMEOUT)  # pickled before Structure() ties the nodes to itself
    return Structure(data)


def for_request(request) -> Structure:
    """The page tree for this request, read once; it also answers Wagtail's site root paths."""
    structure = getattr(request, "_mep_structure", None) if request is not None else None
    if structure is None:
        structure = load()
        if request is not None:
            request._mep_structure = structure
            if not hasattr(request, "_wagtail_cached_site_root_paths"):
                request._wagtail_cached_site_root_paths = structure.site_root_paths
    return structure


def of_page(page, fresh_if_unknown: bool = True) -> tuple[Structure, Page] | tuple[None, None]:
    """The tree a page was served with (else the kept one) and the page's node in it, or ``(None, None)``.

    A page the tree does not hold at the page's place makes it read again, once.
    """
    structure = page.__dict__.get("_mep_structure") or load()
    node = structure.node(page)
    if node is None and fresh_if_unknown and page.pk:
        structure = load(fresh=True)
        node = structure.node(page)
    if node is None:
        return None, None
    return structure, node


class Structure:
    """The page tree as page instances: children, ancestors, translations, public or not."""

    def __init__(self, data: dict):
        self.data = data
        self.nodes: list[Page] = data["nodes"]
        self.restricted_paths = tuple(data["restricted_paths"])
        self.by_id: dict[int, Page] = {}
        self.by_url_path: dict[str, Page] = {}
        self.by_path: dict[str, Page] = {}
        self.children_of: dict[str, list[Page]] = defaultdict(list)
        self.by_translation_key: dict[object, list[Page]] = defaultdict(list)
        for node in self.nodes:
            node._mep_structure = self
            self.by_id[node.pk] = node
            self.by_url_path[node.url_path] = node
            self.by_path[node.path] = node
            self.by_translation_key[node.translation_key].append(node)
            if node.depth > 1:
                self.children_of[node.path[: -Page.steplen]].append(node)

    def node(self, page) -> Page | None:
        """The tree's node for ``page``, if the tree holds it at the same place."""
        node = self.by_id.get(getattr(page, "pk", None))
        if node is None or node.path != page.path or node.url_path != page.url_path:
            return None
        return node

    def children(self, node) -> list[Page]:
        return self.children_of.get(node.path, [])

    def ancestors(self, node) -> list[Page]:
        """From the tree's root to the parent, as ``page.get_ancestors()`` gives them."""
        return [self.by_path[p] for p in _ancestor_paths(node.path) if p in self.by_path]

    def descendants(self, node) -> list[Page]:
        """Every page below ``node``, in tree order."""
        found = []
        for child in self.children(node):
            found.append(child)
            found.extend(self.descendants(child))
        return found

    def translations(self, node, inclusive: bool = False) -> list[Page]:
        return [n for n in self.by_translation_key.get(node.translation_key, []) if inclusive or n.pk != node.pk]

    def is_public(self, node) -> bool:
        """As ``PageQuerySet.public()``: neither the page nor one above it has a view restriction."""
        return not any(node.path.startswith(path) for path in self.restricted_paths)

    def localized(self, node) -> Page:
        """The translation of ``node`` in the active language, else ``node`` (as the menu always did)."""
        try:
            code = get_supported_content_language_variant(translation.get_language())
        except LookupError:
            return node
        if node.locale.language_code == code:
            return node
        return next((n for n in self.translations(node) if n.locale.language_code == code), node)

    @cached_property
    def site_root_paths(self) -> list[SiteRootPath]:
        """What ``Site.get_site_root_paths()`` returns, from the same rows (no query of its own)."""
        from django.conf import settings

        sites = []
        for root_id, site_id, hostname, port, is_default in self.data["sites"]:
            root = self.by_id.get(root_id)
            if root is not None:
                sites.append((root, Site(id=site_id, hostname=hostname, port=port, is_default_site=is_default)))
        # Site.get_site_root_paths: order_by("-root_page__url_path", "-is_default_site", "hostname")
        sites.sort(key=lambda pair: pair[1].hostname)
        sites.sort(key=lambda pair: pair[1].is_default_site, reverse=True)
        sites.sort(key=lambda pair: pair[0].url_path, reverse=True)
        result = []
        for root, site in sites:
            roots = self.translations(root, inclusive=True) if getattr(settings, "WAGTAIL_I18N_ENABLED", False) else [root]
            result.extend(SiteRootPath(site.id, r.url_path, site.root_url, r.locale.language_code) for r in roots)
        return result


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(Page.steplen, len(path), Page.steplen)]


def _model(app_label: str, model_name: str):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return Page
    return model if issubclass(model, Page) else Page


def _instance(model, values: dict):
    """An instance of ``model`` with ``values`` loaded and every other field deferred (read on access).

    Made as unpickling makes one (no ``__init__``: a page's takes some 0.1 ms), which
    is also how the cache hands the instances back.
    """
    if "id" in values and issubclass(model, Page) and model is not Page:
        values = {**values, "page_ptr_id": values["id"]}
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    obj.__dict__.update(values)
    return obj


# --- routing -------------------------------------------------------------


def route(root: Page, request, path_components: list[str]) -> Page | None:
    """The live page at ``path_components`` below ``root``, fetched with one query, or None (route as usual).

    Only taken when no page on the way routes by itself (a RoutablePage would
    answer sub-paths of its own); the fetched page is checked against the
    request, so an outdated tree never serves the wrong page.
    """
    structure = for_request(request)
    url_path = root.url_path + "".join(f"{component}/" for component in path_components)
    node = structure.by_url_path.get(url_path)
    if node is None or not node.live or not node.url_path.startswith(root.url_path):
        return None
    for ancestor in structure.ancestors(node):
        if ancestor.depth > root.depth and type(ancestor).route is not Page.route:
            return None
    model = type(node)
    page = model._default_manager.filter(pk=node.pk).first()
    if page is None or not page.live or page.url_path != url_path:
        return None
    page._mep_structure = structure
    return page


# --- keeping it current ---------------------------------------------------


def _model_changed(sender, **kwargs) -> None:
    if issubclass(sender, Page | Site | PageViewRestriction | Locale):
        clear()


def connect() -> None:
    """Drop the kept tree whenever a page, a site, a view restriction or a locale changes."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    page_published.connect(clear, dispatch_uid="mep-structure-published")
    page_unpublished.connect(clear, dispatch_uid="mep-structure-unpublished")
    post_page_move.connect(clear, dispatch_uid="mep-structure-moved")
    page_slug_changed.connect(clear, dispatch_uid="mep-structure-slug")
    post_save.connect(_model_changed, dispatch_uid="mep-structure-saved")
    post_delete.connect(_model_changed, dispatch_uid="mep-structure-deleted")
