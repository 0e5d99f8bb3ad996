"""The minimal page: what the middleware alone costs a signed-in request."""

from django.http import HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")
