from django.urls import path

from occupations import views

app_name = "occupations"

urlpatterns = [
    path("search/", views.occupation_search, name="search"),
]
