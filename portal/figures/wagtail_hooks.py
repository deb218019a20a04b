"""The "Planungsdaten" menu item and its admin URLs."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", admin_views.index, name="index"),
        path("version/<int:version_id>/berechnen/", admin_views.regenerate, name="regenerate"),
        path("berechnung/<int:regeneration_id>/veroeffentlichen/", admin_views.publish, name="publish"),
    ]
    return [path("planungsdaten/", include((urls, "figures_admin"), namespace="figures_admin"))]


class PlanningDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PlanningDataMenuItem("Planungsdaten", reverse("figures_admin:index"), icon_name="table", order=210)
