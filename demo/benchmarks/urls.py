"""The site's URLs plus the benchmark's hello-world view; used only by the benchmark."""

from django.urls import path

from sendplan.urls import urlpatterns as site_urlpatterns

from .hello import hello

urlpatterns = [
    path("benchmark/hello", hello, name="benchmark_hello"),
    *site_urlpatterns,
]
