from django.urls import path

from . import views

urlpatterns = [
    path("pdf/<int:page_id>/", views.page_pdf, name="plan_pdf"),
    path("pdf/beschluss/<int:pk>/", views.council_edition_pdf, name="council_edition_pdf"),
]
