from django.urls import path, re_path

from . import views

app_name = "dialogue"

urlpatterns = [
    path("", views.overview, name="overview"),
    re_path(r"^daten\.(?P<fmt>csv|json)$", views.data, name="data"),
    path("kapitel/<int:page_id>/", views.chapter, name="chapter"),
    path("kapitel/<int:page_id>/kommentare/", views.chapter_fragment, name="chapter_fragment"),
    path("kapitel/<int:page_id>/kommentieren/", views.comment_form, name="comment"),
    path("kapitel/<int:page_id>/gesendet/", views.submitted, name="submitted"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("zurueckziehen/<str:token>/", views.withdraw, name="withdraw"),
]
