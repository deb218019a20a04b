from django.urls import re_path

from . import views

urlpatterns = [
    re_path(
        r"^figures/(?P<cycle>[-\w]+)/(?P<key>[a-z][a-z0-9_]*\.[a-z0-9_]+)\.(?P<fmt>csv|json)$",
        views.figure_download,
        name="figure_download",
    ),
]
