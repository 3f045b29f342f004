"""/program/: the program-wide pages, one package each; each package lists
its own routes, all named in the "csoprogram" namespace."""

from .audit import urls as audit
from .handover import urls as handover
from .outcomes import urls as outcomes
from .program_meetings import urls as program_meetings
from .publication import urls as publication
from .review import urls as review

app_name = "csoprogram"
urlpatterns = [
    *review.urlpatterns,
    *outcomes.urlpatterns,
    *program_meetings.urlpatterns,
    *publication.urlpatterns,
    *audit.urlpatterns,
    *handover.urlpatterns,
]
