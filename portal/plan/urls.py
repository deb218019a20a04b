from django.urls import path

from . import theme_views, views

urlpatterns = [
    path("pdf/<int:page_id>/", views.page_pdf, name="plan_pdf"),
    path("pdf/beschluss/<int:pk>/", views.council_edition_pdf, name="council_edition_pdf"),
    path("theme/theme.css", theme_views.theme_css, name="theme_css"),
    path("theme/logo", theme_views.theme_logo, name="theme_logo"),
    path("theme/favicon", theme_views.theme_favicon, name="theme_favicon"),
]
