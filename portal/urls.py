from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from portal.figures import scenario_views
from portal.figures import views as figure_views
from portal.figures.api import api as figure_api
from portal.operations import views as operation_views
from portal.plan import api as plan_api  # noqa: F401  (adds the goals to the open-data API)
from portal.plan import goal_views
from portal.plan.sitemaps import SITEMAPS
from portal.search import views as search_views

urlpatterns = [
    path("healthz", figure_views.healthz, name="healthz"),
    path("readyz", operation_views.readyz, name="readyz"),
    path("metrics", operation_views.metrics, name="metrics"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("portal.figures.urls")),
    path("", include("portal.plan.urls")),
    path("api/v1/", figure_api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# German at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("suche/", search_views.search, name="search"),
    path("suche/vorschlaege/", search_views.suggest, name="search_suggest"),
    path("workshops/", include("portal.workshops.urls")),
    path("dialog/", include("portal.dialogue.urls")),
    path("abbildungen/vergleich/", figure_views.figure_compare, name="figure_compare"),
    path("offene-daten/", figure_views.open_data, name="open_data"),
    re_path(
        r"^tabellen/(?P<cycle>[-\w]+)/(?P<key>[a-z][a-z0-9_]*\.[a-z0-9_]+)\.xlsx$",
        figure_views.figure_workbook,
        name="figure_workbook",
    ),
    path("szenarien/<slug:cycle>/<slug:slug>/", scenario_views.scenario_page, name="scenario_page"),
    path("ziele/", goal_views.overview, name="goals_overview"),
    re_path(r"^ziele/ziele\.(?P<fmt>csv|json)$", goal_views.download, {"what": "goals"}, name="goals_download"),
    re_path(r"^ziele/verlauf\.(?P<fmt>csv|json)$", goal_views.download, {"what": "history"}, name="goals_history_download"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
