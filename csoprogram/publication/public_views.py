"""The anonymous public pages: only what a department published with the
CCSO's approval. Everything else answers 404, so unpublished departments do
not show they exist."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from metrics.charts import metric_sparkline_svg

from . import selectors


@login_not_required
@require_GET
def index(request):
    return render(request, "public/index.html", {"departments": selectors.published_departments()})


@login_not_required
@require_GET
def department(request, slug):
    data = selectors.published_department(slug)
    if data is None:
        raise Http404("Nothing published here.")
    return render(request, "public/department.html", data)


@login_not_required
@require_GET
def metric_sparkline(request, slug, pk):
    metric = selectors.published_metric(slug, pk)
    if metric is None:
        raise Http404("Nothing published here.")
    svg = metric_sparkline_svg(metric, list(metric.values.all()))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response
