from django.urls import re_path

from . import scenario_views, views

urlpatterns = [
    re_path(
        r"^figures/(?P<cycle>[-\w]+)/(?P<key>[a-z][a-z0-9_]*\.[a-z0-9_]+)\.(?P<fmt>csv|json)$",
        views.figure_download,
        name="figure_download",
    ),
    re_path(
        r"^szenarien/(?P<cycle>[-\w]+)/(?P<slug>[-\w]+)\.(?P<fmt>csv|json)$",
        scenario_views.scenario_download,
        name="scenario_download",
    ),
]
