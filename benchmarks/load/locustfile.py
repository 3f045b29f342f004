"""Load scenario for CSO Program: the mix of people busy before a PhillyStat deadline.

Run it through `bash benchmarks/load/run_load.sh` (or `make loadtest`), which
starts gunicorn, PostgreSQL data, Redis and a Celery worker on 127.0.0.1 and
stops them again. By hand, against a server you started yourself:

    benchmarks/load/.venv/bin/locust -f benchmarks/load/locustfile.py \\
        --host http://127.0.0.1:8020 --headless --users 50 --spawn-rate 10 --run-time 60s

Everybody logs in through the real login form (CSRF token taken from the form)
as a demo user made by `manage.py seed_demo` (password phillystat-demo-2026):

- CSOs (cso.<slug>) open a held focus-group session of their department and add
  feedback with the htmx form (POST focusgroups:feedback_add, HX-Request set);
- analysts (analyst.<slug>) open the quarterly value grid of one of their
  departments and save it (POST metrics:value_grid), correcting a value or two;
- the CCSO (ccso) reads and filters the program review (/program/review/);
- the MDO (mdo) reads and filters the outcomes dashboard (/program/outcomes/).

Only standard-library HTML parsing: the locust venv holds nothing but locust.
"""

import html
import json
import os
import random
import re
import time
import uuid
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from urllib.parse import urlencode

import gevent
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "phillystat-demo-2026"  # departments/demo.py: DEMO_PASSWORD

# departments/demo.py: DEPARTMENTS. One CSO per department; analysts are named
# after the first department they cover and also cover a second one.
CSO_SLUGS = ["fleet", "streets", "water", "li", "library", "parks", "records", "philly311"]
ANALYSTS = {
    "analyst.fleet": ["fleet", "philly311"],
    "analyst.streets": ["streets", "water"],
    "analyst.li": ["li", "records"],
    "analyst.library": ["library", "parks"],
}

# At city scale (run_load.sh, benchmarks/load/seed_scale.py) the benchmark
# departments' CSOs and heads, with the demo password, from LOAD_USERS_FILE.
_SCALE = {"csos": [], "heads": []}
if os.environ.get("LOAD_USERS_FILE") and os.path.exists(os.environ["LOAD_USERS_FILE"]):
    with open(os.environ["LOAD_USERS_FILE"]) as _f:
        _SCALE.update(json.load(_f))
# (username, department slug): the demo's CSOs first, then the benchmark's.
CSO_USERS = [(f"cso.{slug}", slug) for slug in CSO_SLUGS] + [tuple(u) for u in _SCALE["csos"]]
HEAD_USERS = [tuple(u) for u in _SCALE["heads"]]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# Think time between two actions of one person, in seconds, compressed for a
# deadline rush (a CSO reads a quote off the notes and types it in; an analyst
# fills in a quarter; leaders read a page). LOAD_THINK_SCALE=0.5 halves them.
THINK = float(os.environ.get("LOAD_THINK_SCALE", "1"))


def think(low: float, high: float):
    return between(low * THINK, high * THINK)


FEEDBACK_TEXTS = [
    "I waited forty minutes on hold before anyone picked up.",
    "The clerk explained every step and told me what to bring next time.",
    "Nobody called back after I reported the problem, so I came in person.",
    "The online form timed out twice before I could pay.",
    "Signs in Spanish and Chinese at the front desk would help a lot.",
    "The inspector showed up on the day promised, which never happened before.",
    "I could not tell which office decides on my application.",
    "Staff were patient with my mother, who does not hear well.",
]
SOLUTIONS = ["", "", "A text message when the case moves", "Post the steps on the website"]


class _Forms(HTMLParser):
    """Every <form> on a page with its attributes and fields, as a browser sees them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"attrs": a, "inputs": [], "selects": {}, "textareas": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._form["inputs"].append(a)
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = {"options": [], "selected": None}
        elif tag == "option" and self._select:
            select = self._form["selects"][self._select]
            select["options"].append(a.get("value", ""))
            if "selected" in a:
                select["selected"] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["textareas"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["textareas"][self._textarea] += data

    def find(
        self, *, action_contains: str = "", method: str = "post", field_prefix: str = ""
    ) -> dict | None:
        """The first form sent with this method whose action (or data-hx-post) contains
        action_contains and that has a field whose name starts with field_prefix."""
        for form in self.forms:
            attrs = form["attrs"]
            if attrs.get("method", "get").lower() != method:
                continue
            target = attrs.get("data-hx-post") or attrs.get("hx-post") or attrs.get("action", "")
            if action_contains not in target:
                continue
            names = [f.get("name", "") for f in form["inputs"]]
            names += list(form["selects"]) + list(form["textareas"])
            if any(n.startswith(field_prefix) for n in names if n):
                return form
        return None


def _csrf(form: dict) -> str:
    for field in form["inputs"]:
        if field.get("name") == "csrfmiddlewaretoken":
            return field.get("value", "")
    return ""


class ProgramUser(FastHttpUser):
    """A person of the program who logs in once, through the login form."""

    abstract = True
    username = ""

    def pick_username(self) -> str:
        raise NotImplementedError

    def on_start(self):
        try:
            self.username = self.pick_username()
            if self.login():
                self.setup()
        finally:
            _user_ready(self.environment)

    def setup(self):
        """What the person does once after logging in."""

    def login(self) -> bool:
        with self.client.get(
            "/accounts/login/", name="/accounts/login/ (form)", catch_response=True
        ) as page:
            form = _Forms(page.text or "").find(action_contains="/accounts/login/")
            if page.status_code != 200 or form is None or not _csrf(form):
                page.failure(f"login form without a CSRF token ({page.status_code})")
                self.stop()
                return False
        body = {
            "csrfmiddlewaretoken": _csrf(form),
            "username": self.username,
            "password": PASSWORD,
            "next": "",
        }
        with self.client.post(
            "/accounts/login/",
            name="/accounts/login/ (POST)",
            data=urlencode(body),
            headers={"Content-Type": FORM_CONTENT_TYPE},
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            location = answer.headers.get("Location", "") if answer.headers else ""
            if answer.status_code != 302 or "/accounts/login/" in location:
                answer.failure(f"{self.username} not logged in ({answer.status_code})")
                self.stop()
                return False
        return self.page("/", name="/ (home)", expect="Welcome") is not None

    def page(self, url: str, *, name: str, expect: str = "") -> str | None:
        """GET a page; a redirect to the login page or a missing text is a failure."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{self.username}: HTTP {r.status_code} for {url}")
                return None
            text = r.text or ""
            if expect and expect not in text:
                r.failure(f"{self.username}: {expect!r} not on {url}")
                return None
            return text


class CSO(ProgramUser):
    """A Customer Service Officer typing focus-group feedback into a held session."""

    weight = 30
    wait_time = think(5, 15)
    _next = 0

    def pick_username(self) -> str:
        # Spread the CSOs evenly over the departments, the demo's first.
        username, slug = CSO_USERS[CSO._next % len(CSO_USERS)]
        CSO._next += 1
        self.slug = slug
        return username

    def setup(self):
        self.sessions: list[int] = []
        self.entry: dict | None = None
        listing = self.page(
            f"/focus-groups/?department={self.slug}",
            name="/focus-groups/?department=[slug]",
            expect="Focus groups",
        )
        if listing is None:
            self.stop()
            return
        # Held sessions from the list (date link, audience, status columns).
        held = re.findall(
            r'href="/focus-groups/sessions/(\d+)/"[^<]*</a></th>\s*<td[^>]*>[^<]*</td>\s*'
            r"<td[^>]*>Held</td>",
            listing,
        )
        self.sessions = sorted({int(pk) for pk in held})
        if not self.sessions:
            self.environment.events.request.fire(
                request_type="SETUP",
                name="CSO finds a held session",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"{self.username}: no held session to add feedback to"),
            )
            self.stop()
            return
        self.session_pk = random.choice(self.sessions)
        self.open_session(self.session_pk)

    def open_session(self, pk: int) -> str | None:
        text = self.page(
            f"/focus-groups/sessions/{pk}/",
            name="/focus-groups/sessions/[pk]/",
            expect="Focus group session",
        )
        if text:
            self.entry = _Forms(text).find(
                action_contains=f"/focus-groups/sessions/{pk}/feedback/", field_prefix="text"
            )
        return text

    @task(1)
    def switch_session(self):
        """Open another held session (as when the CSO moves on to the next one)."""
        self.session_pk = random.choice(self.sessions)
        self.open_session(self.session_pk)

    @task(6)
    def add_feedback(self):
        if self.entry is None:
            self.open_session(self.session_pk)
            if self.entry is None:
                return
        form = self.entry
        themes = [f["value"] for f in form["inputs"] if f.get("name") == "themes"]
        customer_types = [v for v in form["selects"]["customer_type"]["options"] if v]
        body = [
            ("csrfmiddlewaretoken", _csrf(form)),
            ("text", f"{random.choice(FEEDBACK_TEXTS)} ({self.username}, load test)"),
            ("sentiment", random.choice(["positive", "negative", "suggestion"])),
            ("possible_solution", random.choice(SOLUTIONS)),
            ("customer_type", random.choice(customer_types)),
        ]
        body += [("themes", t) for t in random.sample(themes, k=min(len(themes), 2))]
        if random.random() < 0.3:
            body.append(("shared_with_csos", "on"))
        # As the entry form's script sends it: in the background, with a token
        # of its own (a retried submission is saved once).
        text = (
            f"{random.choice(FEEDBACK_TEXTS)} ({self.username}, load test {uuid.uuid4().hex[:8]})"
        )
        body[1] = ("text", text)
        body.append(("client_token", str(uuid.uuid4())))
        page_url = f"{self.host}/focus-groups/sessions/{self.session_pk}/"
        with self.client.post(
            f"/focus-groups/sessions/{self.session_pk}/feedback/",
            name="/focus-groups/sessions/[pk]/feedback/ (background POST)",
            data=urlencode(body),
            headers={
                "Content-Type": FORM_CONTENT_TYPE,
                "HX-Request": "true",
                "HX-Current-URL": page_url,
                "Referer": page_url,
            },
            allow_redirects=False,
            catch_response=True,
        ) as r:
            # The answer is the saved item (the form being typed in stays, with
            # its token); 422 and the reasons when the form is refused.
            if r.status_code != 200:
                r.failure(f"{self.username}: HTTP {r.status_code} adding feedback")
            elif html.escape(text) not in (r.text or ""):
                r.failure(f"{self.username}: the saved item is not in the answer")


class Analyst(ProgramUser):
    """A PhillyStat analyst entering and correcting a quarter's metric values."""

    weight = 12
    wait_time = think(10, 30)
    _next = 0

    def pick_username(self) -> str:
        names = sorted(ANALYSTS)
        name = names[Analyst._next % len(names)]
        Analyst._next += 1
        return name

    @task
    def save_grid(self):
        slug = random.choice(ANALYSTS[self.username])
        url = f"/metrics/departments/{slug}/values/"
        text = self.page(url, name="/metrics/departments/[slug]/values/", expect="metric values")
        if text is None:
            return
        form = _Forms(text).find(field_prefix="v_")
        if form is None or not _csrf(form):
            return  # a department without metrics has no grid to save
        body = [("csrfmiddlewaretoken", _csrf(form))]
        cells = [
            f for f in form["inputs"] if f.get("name", "").startswith("v_") and "disabled" not in f
        ]
        changed = set(random.sample(range(len(cells)), k=min(2, len(cells))))
        for i, cell in enumerate(cells):
            value = cell.get("value", "")
            if i in changed or not value:
                value = self.new_value(value)
            body.append((cell["name"], value))
        body.append(("reason", "Corrected after the department's recount (load test)."))
        with self.client.post(
            url,
            name="/metrics/departments/[slug]/values/ (POST)",
            data=urlencode(body),
            headers={"Content-Type": FORM_CONTENT_TYPE, "Referer": f"{self.host}{url}"},
            allow_redirects=False,
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "") if r.headers else ""
            if r.status_code != 302 or "?quarter=" not in location:
                errors = re.findall(r"invalid-feedback[^>]*>([^<]+)<", r.text or "")
                r.failure(f"{self.username}: grid not saved ({r.status_code}) {errors[:2]}")
                return
        self.page(location, name="/metrics/departments/[slug]/values/?quarter=[q]", expect="Saved")

    @staticmethod
    def new_value(current: str) -> str:
        try:
            number = Decimal(current)
        except InvalidOperation:
            number = Decimal(random.randint(20, 95))
        return f"{max(Decimal(0), number + random.choice([-2, -1, 1, 2])):f}"


class ProgramLeader(ProgramUser):
    """Someone who reads a program-wide page and now and then filters it."""

    abstract = True
    wait_time = think(5, 15)
    path = ""
    expect = ""

    filters: list[tuple[str, list[str]]] | None = None

    @task
    def read(self):
        params = {}
        if self.filters and random.random() < 0.4:
            name, options = random.choice(self.filters)
            params[name] = random.choice(options)
        url = f"{self.path}?{urlencode(params)}" if params else self.path
        text = self.page(url, name=self.path, expect=self.expect)
        if text and self.filters is None:
            # The page's own filter form: each select with its non-empty options.
            form = _Forms(text).find(method="get")
            selects = form["selects"] if form else {}
            self.filters = [
                (name, [v for v in select["options"] if v]) for name, select in selects.items()
            ]
            self.filters = [(name, options) for name, options in self.filters if options]


class DepartmentHead(ProgramUser):
    """A department head following their department: its page, its focus
    groups, its metrics and My work."""

    abstract = not HEAD_USERS  # only at city scale
    weight = 4
    wait_time = think(5, 15)
    _next = 0

    def pick_username(self) -> str:
        username, self.slug = HEAD_USERS[DepartmentHead._next % len(HEAD_USERS)]
        DepartmentHead._next += 1
        return username

    @task(3)
    def department(self):
        self.page(
            f"/departments/{self.slug}/",
            name="/departments/[slug]/",
            expect="Where the department stands",
        )

    @task
    def focus_groups(self):
        self.page(
            f"/focus-groups/?department={self.slug}",
            name="/focus-groups/?department=[slug]",
            expect="Focus groups",
        )

    @task
    def metrics(self):
        self.page("/metrics/", name="/metrics/", expect="Customer service metrics")

    @task
    def my_work(self):
        self.page("/inbox/", name="/inbox/", expect="My work")


class CCSO(ProgramLeader):
    """The Chief Customer Service Officer on the program review."""

    weight = 4
    path = "/program/review/"
    expect = "Program review"

    def pick_username(self) -> str:
        return "ccso"


class MDO(ProgramLeader):
    """The Managing Director's Office on the outcomes dashboard."""

    weight = 4
    path = "/program/outcomes/"
    expect = "Outcomes session"

    def pick_username(self) -> str:
        return "mdo"


# -- steady state ------------------------------------------------------------------------------
# Fifty people logging in within seconds (PBKDF2, deliberately slow) saturate
# two cores for a while, and the requests queued meanwhile take a few seconds
# more to drain. LOAD_SETTLE_SECONDS (15) after every user has logged in and set
# up, the figures so far are written to LOAD_RAMP_FILE as the ramp-up and the
# statistics start over, so the final CSV (and the p95 target) covers the
# steady state only.
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "15"))
_ready = {"users": 0, "done": False}


def _user_ready(environment):
    _ready["users"] += 1
    runner = environment.runner
    target = runner.target_user_count if runner else 0
    if _ready["done"] or not target or _ready["users"] < target:
        return
    _ready["done"] = True
    _ready["logged_in_after"] = round(time.time() - environment.stats.start_time, 1)
    gevent.spawn_later(SETTLE_SECONDS, _end_ramp, environment)


def _end_ramp(environment):
    stats = environment.stats
    ramp = {
        # Wall clock, so the server's access log can be split at the same moment.
        "ended_at": time.time(),
        "logged_in_after": _ready["logged_in_after"],
        "seconds": round(time.time() - stats.start_time, 1),
        "failures": stats.total.num_failures,
        "errors": [
            {
                "method": e.method,
                "name": e.name,
                "error": str(e.error),
                "occurrences": e.occurrences,
            }
            for e in stats.errors.values()
        ],
        "rows": [
            {
                "name": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "max": entry.max_response_time,
            }
            for entry in sorted(stats.entries.values(), key=lambda e: e.name)
            if entry.num_requests
        ],
    }
    path = os.environ.get("LOAD_RAMP_FILE")
    if path:
        with open(path, "w") as f:
            json.dump(ramp, f, indent=1)
    stats.reset_all()


@events.quitting.add_listener
def _exit_code(environment, **_kwargs):
    """Fail the run on any failed request (locust's default, said explicitly)."""
    if environment.stats.total.fail_ratio > 0:
        environment.process_exit_code = 1
