from django.urls import path

from . import views

app_name = "workshops"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("kalender.ics", views.calendar_feed, name="feed"),
    path("termine/<int:pk>/", views.session_detail, name="session"),
    path("termine/<int:pk>/buchen/", views.book, name="book"),
    path("termine/<int:pk>/termin.ics", views.session_ics, name="session_ics"),
    path("buchung/<str:token>/", views.receipt, name="receipt"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("stornieren/<str:token>/", views.cancel, name="cancel"),
]
