"""The words, sizes and shapes a synthetic area is drawn from."""

from __future__ import annotations

import datetime as dt

from governance.models import Cadence
from outcomes.models import Direction
from sendplan.ratings import BRAGG

DEFAULT_START = dt.date(2022, 10, 1)  # Darlington's first reporting month
LEAD_LOGINS = 6
PEOPLE_PER_AREA = 24
LEAD_PEOPLE = 10
ISSUES_PER_PRIORITY = (12, 4)
ACTIONS_PER_AREA = 45
TARGETS_PER_AREA = 70

FIRST_NAMES = """
Aisha Alex Amira Ben Carla Chloe Daniel David Elaine Emma Fatima Gareth Hannah Imran Jack
James Jo Karen Liam Lucy Mark Nadia Olivia Paul Priya Rachel Sam Sarah Tom Zoe
""".split()  # noqa: SIM905 - a list of names reads better as prose
LAST_NAMES = """
Ahmed Atkinson Bell Brown Clarke Davies Evans Foster Green Hall Hughes Jackson Khan Lewis
Littler Murphy Patel Robson Scaife Shields Sinclair Taylor Walker Watson Wood
""".split()  # noqa: SIM905 - a list of names reads better as prose
JOB_TITLES = (
    "SEND lead",
    "Head of SEND",
    "Designated Clinical Officer",
    "Principal Educational Psychologist",
    "Inclusion manager",
    "Commissioning manager",
    "Head of early help",
    "Transitions lead",
    "SENCO network lead",
    "Data and performance lead",
)
ORGANISATIONS = (
    "Borough Council",
    "Integrated Care Board",
    "NHS Foundation Trust",
    "Parent Carers Forum",
    "Schools partnership",
)
PRIORITY_TITLES = (
    "The effectiveness of meeting the needs of children and young people with SEND and "
    "the impact of this on their outcomes",
    "The effectiveness of joint working between education, health and care",
)
ISSUE_THEMES = (
    "Information shared across agencies without families having to retell their story",
    "Timeliness and quality of education, health and care plans",
    "Responsiveness of services to changing needs",
    "Waiting times for neurodevelopmental assessment",
    "Access to speech and language therapy",
    "Inclusion in mainstream schools",
    "Preparing for adulthood and transitions",
    "Co-production with parent carers",
    "The quality of the Local Offer",
    "Early identification in the early years",
    "Reducing suspensions and exclusions",
    "Attendance of children with SEND",
    "Joint commissioning of therapies",
    "Annual reviews completed on time",
    "Workforce training and confidence",
    "Using data to understand need",
)
ACTION_VERBS = (
    "Develop",
    "Implement",
    "Review",
    "Embed",
    "Launch",
    "Co-produce",
    "Audit",
    "Deliver training on",
    "Publish",
    "Commission",
    "Establish",
    "Refresh",
)
ACTION_OBJECTS = (
    "the graduated approach toolkit",
    "a multi-agency quality assurance framework for EHC plans",
    "the Local Offer website",
    "transition pathways for young people aged 14 to 25",
    "a SEND data dashboard",
    "joint commissioning arrangements for therapies",
    "the neurodevelopmental assessment pathway",
    "the SENCO network programme",
    "the annual review process",
    "the preparing for adulthood strategy",
    "a co-production charter with the parent carer forum",
    "the early help offer for families",
    "inclusion support in mainstream schools",
    "a recovery plan for speech and language therapy waiting lists",
    "weekly tracking of EHC needs assessment timeliness",
)
ACTION_QUALIFIERS = (
    "with parent carers",
    "across education, health and care",
    "in every secondary school",
    "for children in the early years",
    "with the designated clinical officer",
    "through the SEND partnership board",
    "",
)
TARGET_TEMPLATES = (
    # text, unit, baseline range, target, direction
    ("EHC plans issued within 20 weeks", "%", (30, 60), 80, Direction.INCREASE),
    ("Parents who say the process was effective", "%", (40, 70), 90, Direction.INCREASE),
    ("Weeks waited for a neurodevelopmental assessment", "weeks", (40, 80), 18, Direction.DECREASE),
    ("Annual reviews completed on time", "%", (35, 65), 85, Direction.INCREASE),
    ("Suspensions of pupils with an EHC plan", "cases", (80, 140), 60, Direction.DECREASE),
    (
        "Young people with SEND in education, employment or training",
        "%",
        (70, 85),
        90,
        Direction.INCREASE,
    ),
    ("Settings trained in the graduated approach", "settings", (5, 20), 60, Direction.INCREASE),
    (
        "Visits to the Local Offer website each month",
        "visits",
        (800, 1500),
        3000,
        Direction.INCREASE,
    ),
    (
        "Children waiting more than 18 weeks for therapy",
        "children",
        (150, 250),
        50,
        Direction.DECREASE,
    ),
    ("Attendance of pupils with SEND support", "%", (88, 91), 92, Direction.MAINTAIN),
)
UNQUANTIFIED_TARGETS = (
    "Audit of practice shows effective transfer of information and a tell-it-once approach",
    "Families report that their views shape the services they receive",
    "Case file audits rate most plans good or better",
    "Partners use the dashboard to plan services",
    "Young people describe a clear pathway into adult services",
)
STORY_SENTENCES = (
    "The working group met twice this month and agreed the next steps.",
    "Parent carers tested the draft and their comments have been built in.",
    "Figures for the month show steady improvement against the baseline.",
    "Recruitment to the vacant post has delayed part of this work.",
    "Training sessions were well attended, with positive feedback from schools.",
    "A risk remains around capacity in the therapy service over the summer.",
    "The new process went live and early audits are encouraging.",
    "Health and education colleagues have agreed a shared data set.",
    "Progress was reported to the SEND Implementation Group.",
    "Further work is needed to hear the voice of children and young people.",
)
NOTES = {
    BRAGG.RED: (
        "Capacity in the team has stalled this work; a recovery plan is being agreed.",
        "The funding decision is still awaited, so delivery cannot start.",
    ),
    BRAGG.AMBER: (
        "On track overall, but recruitment delays are a concern.",
        "Some partners have not yet signed up; chasing through the board.",
        "Data quality issues slow progress; a fix is planned next month.",
    ),
}
FORUMS = (
    # name, slug, level, cadence, members
    ("SEND Implementation Group", "send-implementation-group", "Operational", Cadence.MONTHLY, 12),
    (
        "SEND Assurance Executive",
        "send-assurance-executive",
        "Strategic Assurance",
        Cadence.QUARTERLY,
        9,
    ),
    ("Health and Wellbeing Board", "health-and-wellbeing-board", "Statutory", Cadence.ANNUALLY, 6),
)
CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.ANNUALLY: 12}
STRATEGY_LINKS = (
    "EHCP",
    "Inclusion",
    "Joint Commissioning",
    "Local Offer",
    "Preparing for Adulthood",
)
