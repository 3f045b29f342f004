# ruff: noqa: E501 - the demo feedback reads best one quote a line
"""Demo focus groups for `manage.py seed_demo`: the program's theme list, three
to six sessions per department with internal and external customers, and
what those customers said. Idempotent: running it again changes nothing.

Puts context["themes"] (name -> Theme) for the apps seeded after this one."""

import datetime

from django.utils import timezone

from departments.models import DepartmentRole

from .models import Audience, FeedbackItem, FocusGroupSession, Theme

THEMES = [
    ("Wait times", "How long customers wait: in line, on the phone, for a decision or a repair."),
    ("Communication", "Being told what is happening, when, and what to do next."),
    ("Staff courtesy", "How customers are treated by the people who serve them."),
    ("Online services", "Forms, payments, status and information on the web."),
    ("Accessibility", "Reaching the service: location, hours, language, disability access."),
    ("Process clarity", "Knowing the steps, the documents needed and who decides."),
    ("Follow-through", "Promises kept: call-backs, repairs finished, cases closed."),
]
# A CSO's proposal still waiting for the Chief Customer Service Officer.
PROPOSED = ("Language access", "philly311", "Service in the customer's own language.")

INT, EXT = "internal", "external"
POS, NEG, SUG = "positive", "negative", "suggestion"

# slug -> sessions as (days before today, audience, status, participants, location)
SESSIONS = {
    "fleet": [
        (84, Audience.INTERNAL, "held", 12, "Fleet shop, 4301 Delaware Ave"),
        (70, Audience.INTERNAL, "held", 9, "Municipal Services Building, room 1450"),
        (56, Audience.EXTERNAL, "held", 7, "Fleet shop, 4301 Delaware Ave"),
        (42, Audience.MIXED, "held", 14, "One Parkway Building, 10th floor"),
        (28, Audience.EXTERNAL, "held", 8, "Northeast Philadelphia Airport hangar"),
        (-10, Audience.INTERNAL, "planned", 0, "Police garage, Whitaker Ave"),
    ],
    "streets": [
        (90, Audience.EXTERNAL, "held", 18, "South Philadelphia Older Adult Center"),
        (76, Audience.EXTERNAL, "held", 11, "Kensington recycling drop-off"),
        (61, Audience.INTERNAL, "held", 10, "Streets Department, MSB 7th floor"),
        (47, Audience.MIXED, "held", 15, "Germantown Town Hall"),
        (33, Audience.EXTERNAL, "held", 9, "West Philadelphia sanitation convenience center"),
    ],
    "water": [
        (80, Audience.EXTERNAL, "held", 13, "Water Revenue Bureau, 1401 JFK Blvd"),
        (60, Audience.INTERNAL, "held", 8, "Baxter Water Treatment Plant"),
        (40, Audience.EXTERNAL, "held", 10, "Frankford Library community room"),
        (20, Audience.MIXED, "held", 12, "Fairmount Water Works"),
    ],
    "li": [
        (75, Audience.EXTERNAL, "held", 16, "Permit and License Center, MSB concourse"),
        (55, Audience.EXTERNAL, "held", 9, "Point Breeze community meeting"),
        (35, Audience.INTERNAL, "held", 7, "L&I inspectors' briefing room"),
        (-7, Audience.MIXED, "planned", 0, "Permit and License Center, MSB concourse"),
    ],
    "library": [
        (88, Audience.EXTERNAL, "held", 20, "Parkway Central Library"),
        (72, Audience.INTERNAL, "held", 11, "Parkway Central Library, staff room"),
        (58, Audience.EXTERNAL, "held", 14, "Lillian Marrero Library"),
        (44, Audience.EXTERNAL, "held", 9, "Blanche A. Nixon / Cobbs Creek Library"),
        (30, Audience.MIXED, "held", 12, "Northeast Regional Library"),
    ],
    "parks": [
        (66, Audience.EXTERNAL, "held", 17, "Fox Chase Farm"),
        (45, Audience.INTERNAL, "held", 8, "Parks & Rec, 1515 Arch St"),
        (25, Audience.EXTERNAL, "held", 13, "Vare Recreation Center"),
    ],
    "records": [
        (70, Audience.EXTERNAL, "held", 6, "City Hall, room 111"),
        (50, Audience.INTERNAL, "held", 9, "City Archives, 548 Spring Garden St"),
        (36, Audience.EXTERNAL, "held", 7, "City Hall, room 154"),
        (-14, Audience.EXTERNAL, "planned", 0, "Online session"),
    ],
    "philly311": [
        (85, Audience.EXTERNAL, "held", 15, "Philly311 contact center, City Hall"),
        (68, Audience.INTERNAL, "held", 12, "Philly311 contact center, City Hall"),
        (52, Audience.EXTERNAL, "held", 10, "Taller Puertorriqueño"),
        (38, Audience.MIXED, "held", 14, "Olney Transportation Center"),
        (22, Audience.EXTERNAL, "held", 9, "Southwest Community Development Corp."),
    ],
}

# slug -> (from, sentiment, themes, feedback, possible solution, shared with other CSOs)
FEEDBACK = {
    "fleet": [
        (
            INT,
            NEG,
            ["Wait times"],
            "Our patrol cars sit at the shop for two weeks waiting on parts, and nobody tells us when they will be ready.",
            "A weekly status sheet per vehicle, e-mailed to the district",
            True,
        ),
        (
            INT,
            NEG,
            ["Communication", "Follow-through"],
            "I dropped off a trash compactor and had to call three times to learn it was done.",
            "Text the unit supervisor when a vehicle is ready for pickup",
            True,
        ),
        (
            INT,
            POS,
            ["Staff courtesy"],
            "The mechanics at Delaware Ave explain what broke and how to avoid it next time.",
            "",
            False,
        ),
        (
            INT,
            SUG,
            ["Process clarity"],
            "Post the steps for an emergency repair request on the intranet, with the after-hours number.",
            "",
            False,
        ),
        (
            EXT,
            NEG,
            ["Process clarity"],
            "As a parts vendor I never know which invoice format Fleet needs; payments come back rejected.",
            "One invoice template and a contact name on the purchase order",
            True,
        ),
        (
            EXT,
            POS,
            ["Wait times"],
            "Auction vehicles were ready for pickup the same day I paid.",
            "",
            False,
        ),
        (
            EXT,
            POS,
            ["Staff courtesy", "Communication"],
            "The auction staff walked me through the title paperwork patiently.",
            "",
            True,
        ),
        (
            INT,
            NEG,
            ["Wait times"],
            "Preventive maintenance appointments are booked three weeks out, so we skip them.",
            "Saturday maintenance slots for departments that run weekday routes",
            True,
        ),
        (
            INT,
            NEG,
            ["Online services", "Communication"],
            "There is no way to see online where my vehicle is in the repair queue.",
            "A read-only repair status page for unit supervisors",
            True,
        ),
        (
            INT,
            POS,
            ["Staff courtesy"],
            "The shop foreman came out to our yard to show drivers the new pre-trip inspection.",
            "",
            True,
        ),
        (
            INT,
            POS,
            ["Follow-through"],
            "When the shop promises a loaner, the loaner is there.",
            "",
            False,
        ),
        (
            EXT,
            NEG,
            ["Wait times"],
            "Vendors wait 60 days or more to be paid for parts already installed.",
            "Pay on receipt for parts orders under $5,000",
            True,
        ),
    ],
    "streets": [
        (
            EXT,
            NEG,
            ["Follow-through"],
            "My block's missed trash pickup was reported to 311 twice and still not collected for a week.",
            "Same-week callback when a missed collection is reported twice",
            True,
        ),
        (
            EXT,
            NEG,
            ["Communication"],
            "Nobody told us the holiday schedule moved recycling to Saturday.",
            "Door hangers and text alerts for schedule changes",
            True,
        ),
        (
            EXT,
            POS,
            ["Staff courtesy"],
            "The sanitation crew on our street always closes the cans and puts them back.",
            "",
            False,
        ),
        (
            EXT,
            NEG,
            ["Wait times"],
            "A pothole on Castor Ave took two months to fill after I reported it.",
            "Publish the repair queue so residents can see where their request stands",
            True,
        ),
        (
            INT,
            NEG,
            ["Process clarity"],
            "Other departments do not know how to request a street closure permit for an event.",
            "A one-page guide for city departments",
            False,
        ),
        (
            INT,
            POS,
            ["Communication"],
            "The daily crew briefing keeps us informed about which routes changed.",
            "",
            False,
        ),
        (
            EXT,
            SUG,
            ["Online services"],
            "Let me report a broken streetlight with a photo from my phone.",
            "",
            True,
        ),
    ],
    "water": [
        (
            EXT,
            NEG,
            ["Process clarity"],
            "My water bill doubled and I could not tell whether it was a meter reading or an estimate.",
            "Print 'estimated' in large type and explain how to submit a reading",
            True,
        ),
        (
            EXT,
            POS,
            ["Staff courtesy"],
            "The Water Revenue Bureau clerk set up a payment agreement with me without making me feel ashamed.",
            "",
            True,
        ),
        (
            EXT,
            NEG,
            ["Wait times"],
            "I waited on hold for 45 minutes to ask about a shutoff notice.",
            "A call-back option instead of holding",
            True,
        ),
        (
            INT,
            NEG,
            ["Communication"],
            "Streets cuts into our mains without telling us the schedule.",
            "Shared weekly excavation calendar between Water and Streets",
            True,
        ),
        (
            INT,
            POS,
            ["Follow-through"],
            "When we report a hydrant leak to the district, it is fixed within days.",
            "",
            False,
        ),
        (
            EXT,
            SUG,
            ["Online services"],
            "Show my daily water use online so I can catch a leak myself.",
            "",
            False,
        ),
    ],
    "li": [
        (
            EXT,
            NEG,
            ["Process clarity"],
            "I was sent between three counters to get one contractor license.",
            "A checklist per license type, given at the first counter",
            True,
        ),
        (
            EXT,
            NEG,
            ["Wait times"],
            "Plan review for a small rowhome addition took eleven weeks.",
            "Publish review times and an express lane for small projects",
            True,
        ),
        (
            EXT,
            POS,
            ["Online services"],
            "eCLIPSE let me renew my rental license at midnight in ten minutes.",
            "",
            True,
        ),
        (
            EXT,
            NEG,
            ["Staff courtesy"],
            "The inspector would not explain what the violation meant or how to fix it.",
            "",
            False,
        ),
        (
            INT,
            NEG,
            ["Communication"],
            "Inspectors learn about new code interpretations from contractors before we hear it from management.",
            "Monthly code bulletin for inspectors before it goes public",
            False,
        ),
        (
            EXT,
            SUG,
            ["Accessibility"],
            "Evening hours once a week at the permit center would help small landlords who work days.",
            "",
            True,
        ),
    ],
    "library": [
        (
            EXT,
            POS,
            ["Staff courtesy"],
            "The librarian at Lillian Marrero helped my son apply for his first job online.",
            "",
            True,
        ),
        (
            EXT,
            NEG,
            ["Accessibility"],
            "Our branch keeps closing on Saturdays for lack of staff, the only day I can come.",
            "Post closures a week ahead on the website and at the door",
            True,
        ),
        (
            EXT,
            POS,
            ["Online services"],
            "Borrowing e-books from home is easy and the app works well.",
            "",
            False,
        ),
        (
            EXT,
            NEG,
            ["Communication"],
            "I only learned the branch was closed for repairs when I found the door locked.",
            "Text alerts for branch closures to cardholders who opt in",
            True,
        ),
        (
            INT,
            NEG,
            ["Process clarity"],
            "Branch staff do not know who to call when the building needs a repair.",
            "One facilities request form with a tracking number",
            False,
        ),
        (
            INT,
            POS,
            ["Communication"],
            "The weekly branch managers' call is where we actually hear what is going on.",
            "",
            False,
        ),
    ],
    "parks": [
        (
            EXT,
            NEG,
            ["Process clarity"],
            "Reserving a picnic pavilion meant a form, a check and a trip to Arch Street.",
            "Book and pay for permits online",
            True,
        ),
        (EXT, POS, ["Staff courtesy"], "The staff at Vare Rec know every kid by name.", "", True),
        (
            EXT,
            NEG,
            ["Follow-through"],
            "The broken swing at our playground was reported in spring and is still broken.",
            "",
            False,
        ),
        (
            INT,
            NEG,
            ["Wait times"],
            "Our requests for mowing support wait weeks in the queue in summer.",
            "Seasonal staffing plan shared with the districts",
            False,
        ),
        (
            EXT,
            SUG,
            ["Accessibility"],
            "Post which pools have ramps and accessible changing rooms.",
            "",
            True,
        ),
    ],
    "records": [
        (
            EXT,
            NEG,
            ["Wait times"],
            "Getting a certified copy of a deed took three visits to City Hall.",
            "Order certified copies online and pick them up or get them by mail",
            True,
        ),
        (
            EXT,
            POS,
            ["Staff courtesy"],
            "The clerk in room 111 found my grandfather's 1920 property record in minutes.",
            "",
            True,
        ),
        (
            EXT,
            NEG,
            ["Online services"],
            "PhilaDox search is hard to use and charges before I know the document is the right one.",
            "Free previews of the first page",
            False,
        ),
        (
            INT,
            NEG,
            ["Process clarity"],
            "Departments do not know the retention schedule for their own files.",
            "A retention schedule lookup on the intranet",
            False,
        ),
        (
            INT,
            POS,
            ["Follow-through"],
            "Archive retrieval requests come back when promised.",
            "",
            False,
        ),
    ],
    "philly311": [
        (
            EXT,
            NEG,
            ["Follow-through"],
            "311 closed my request as complete but nothing was done.",
            "Ask the resident before closing a request",
            True,
        ),
        (
            EXT,
            POS,
            ["Staff courtesy"],
            "The agent on the phone stayed with me until she found the right department.",
            "",
            True,
        ),
        (
            EXT,
            NEG,
            ["Wait times"],
            "On Monday mornings I wait more than 20 minutes to reach an agent.",
            "Show the expected wait and offer a call-back",
            True,
        ),
        (
            EXT,
            NEG,
            ["Accessibility", "Language access"],
            "My mother only speaks Spanish and had to wait for an interpreter twice.",
            "Spanish-speaking agents on every shift",
            True,
        ),
        (
            INT,
            NEG,
            ["Communication"],
            "Departments change their service rules without telling 311, so our agents give old answers.",
            "A change notice to 311 before any service change",
            True,
        ),
        (
            INT,
            POS,
            ["Online services"],
            "The new knowledge base makes answers consistent across agents.",
            "",
            False,
        ),
        (
            EXT,
            SUG,
            ["Online services"],
            "Let me follow my request in the app with updates from the crew.",
            "",
            False,
        ),
    ],
}


def _themes(context) -> dict[str, Theme]:
    themes = {}
    for name, description in THEMES:
        themes[name], _ = Theme.objects.get_or_create(
            name=name, defaults={"description": description, "status": Theme.Status.ACCEPTED}
        )
    name, slug, description = PROPOSED
    department = context["departments"].get(slug)
    cso = department.assignments.filter(role=DepartmentRole.CSO).first() if department else None
    themes[name], _ = Theme.objects.get_or_create(
        name=name,
        defaults={
            "description": description,
            "status": Theme.Status.PROPOSED,
            "proposed_for": department,
            "proposed_by": cso.user if cso else None,
        },
    )
    return themes


def _hears(session: FocusGroupSession, customer_type: str) -> bool:
    return session.audience in (customer_type, Audience.MIXED)


def seed(context: dict) -> None:
    # Dates relative to today, so planned sessions are ahead; a session is
    # found again by its place and audience, so re-seeding adds nothing.
    anchor = timezone.localdate()
    themes = _themes(context)
    for slug, plans in SESSIONS.items():
        department = context["departments"].get(slug)
        if department is None:
            continue
        cso = department.assignments.filter(role=DepartmentRole.CSO).select_related("user").first()
        cso_user = cso.user if cso else None
        sessions = []
        for days, audience, status, participants, location in plans:
            session, _ = FocusGroupSession.objects.get_or_create(
                department=department,
                audience=audience,
                location=location,
                defaults={
                    "held_on": anchor - datetime.timedelta(days=days),
                    "status": status,
                    "participants": participants,
                    "facilitator": cso_user,
                    "created_by": cso_user,
                },
            )
            sessions.append(session)
        held = [s for s in sessions if s.status == FocusGroupSession.Status.HELD]
        for n, (customer_type, sentiment, names, text, solution, shared) in enumerate(
            FEEDBACK.get(slug, [])
        ):
            fitting = [s for s in held if _hears(s, customer_type)] or held
            session = fitting[n % len(fitting)]
            item, created = FeedbackItem.objects.get_or_create(
                department=department,
                text=text,
                defaults={
                    "session": session,
                    "sentiment": sentiment,
                    "customer_type": customer_type,
                    "possible_solution": solution,
                    "shared_with_csos": shared,
                    "created_by": cso_user,
                },
            )
            if created:
                item.themes.set(themes[name] for name in names)
    context["themes"] = themes
