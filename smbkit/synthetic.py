"""A seeded generator of fictional companies: the sample bakery, and large ones for benchmarks.

``data/sample/`` was written by::

    python -m smbkit.synthetic data/sample

and bench/ makes a 5,000-person company with ``--people 5000 --waves 24``. The company is
Rosemary & Rye, a bakery with two shops that is growing its catering and online orders (the
worked example of the source material). Everything is invented; names are drawn from short lists.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["make_company", "PLANTS", "make_plain_company"]

AS_OF = pd.Timestamp("2026-09-30")

# role: (team, share of the workforce, base loaded cost, employment mix, manager role, skill profile)
# skill profile: {skill: typical proficiency}
_ROLES = {
    "General Manager": ("Office", 0, 98000, "ft", None, {"team_leadership": 4, "bookkeeping": 2, "sales": 3, "data_analysis": 2}),
    "Bookkeeper": ("Office", 0, 52000, "pt", "General Manager", {"bookkeeping": 4, "payroll": 2, "data_analysis": 2}),
    "HR and Office Manager": ("Office", 0, 56000, "ft", "General Manager", {"payroll": 3, "team_leadership": 2, "customer_service": 2}),
    "Head Baker": ("Production", 0, 62000, "ft", "General Manager", {"bread_baking": 4, "pastry": 3, "food_safety": 4, "team_leadership": 3, "inventory_management": 3}),
    "Baker": ("Production", 0.22, 41000, "ft", "Head Baker", {"bread_baking": 3, "pastry": 1, "food_safety": 2}),
    "Pastry Chef": ("Production", 0.07, 45000, "ft", "Head Baker", {"pastry": 3, "cake_decorating": 3, "food_safety": 2}),
    "Kitchen Assistant": ("Production", 0.11, 31000, "mix", "Head Baker", {"food_safety": 2, "bread_baking": 1}),
    "Store Manager": ("Retail", 0.035, 50000, "ft", "General Manager", {"team_leadership": 3, "sales": 3, "customer_service": 3, "inventory_management": 2}),
    "Sales Associate": ("Retail", 0.18, 30000, "mix", "Store Manager", {"customer_service": 2, "sales": 2, "food_safety": 1}),
    "Catering Manager": ("Catering", 0, 55000, "ft", "General Manager", {"catering_planning": 4, "event_service": 3, "sales": 2, "food_safety": 3}),
    "Catering Coordinator": ("Catering", 0.035, 39000, "ft", "Catering Manager", {"event_service": 2, "catering_planning": 2, "customer_service": 2}),
    "E-commerce Coordinator": ("Online & Service", 0, 47000, "ft", "General Manager", {"ecommerce_platform": 4, "digital_marketing": 2, "data_analysis": 2}),
    "Digital Marketing Specialist": ("Online & Service", 0.035, 46000, "marketing", "E-commerce Coordinator", {"digital_marketing": 3, "social_media": 3, "data_analysis": 1}),
    "Customer Service Rep": ("Online & Service", 0.07, 33000, "mix", "E-commerce Coordinator", {"customer_service": 3, "ecommerce_platform": 1}),
    "Logistics Lead": ("Logistics", 0, 46000, "ft", "General Manager", {"delivery_routing": 3, "driving": 3, "team_leadership": 2, "inventory_management": 2}),
    "Delivery Driver": ("Logistics", 0.09, 34000, "driver", "Logistics Lead", {"driving": 3, "delivery_routing": 1, "customer_service": 1}),
}
_SINGLE = {r for r, spec in _ROLES.items() if spec[1] == 0}

_FIRST = ["Maria", "James", "Aisha", "Tom", "Lena", "Omar", "Grace", "Luca", "Nina", "Sam", "Priya", "Jonas",
          "Chloe", "Mateo", "Hana", "Ben", "Sofia", "Daniel", "Ines", "Kofi", "Emma", "Ravi", "Zoe", "Felix",
          "Yara", "Owen", "Mila", "Theo", "Ada", "Leo", "Rosa", "Ivan", "Nora", "Eli", "Maya", "Hugo"]
_LAST = ["Okafor", "Lindqvist", "Moreau", "Castillo", "Nakamura", "Brennan", "Haddad", "Kowalski", "Silva",
         "Fischer", "Osei", "Romano", "Patel", "Dubois", "Novak", "Reyes", "Larsen", "Quinn", "Varga", "Abebe"]

_DRIVERS = {  # driver: (value over the last 12 months, unit, yearly trend, seasonal amplitude)
    "store_transactions": (210000, "transactions per year", 0.03, 0.15),
    "catering_events": (180, "events per year", 0.25, 0.35),
    "online_orders": (24000, "orders per year", 0.30, 0.20),
    "deliveries": (9000, "deliveries per year", 0.25, 0.20),
}
_DRIVER_OF = {"Baker": "store_transactions", "Sales Associate": "store_transactions",
              "Kitchen Assistant": "catering_events", "Catering Coordinator": "catering_events",
              "Customer Service Rep": "online_orders", "Delivery Driver": "deliveries",
              "Catering Chef": "catering_events"}
_SCENARIOS = {  # scenario: (probability, {driver: change_pct})
    "growth": (0.25, {"store_transactions": 5, "catering_events": 60, "online_orders": 50, "deliveries": 45}),
    "moderate": (0.5, {"store_transactions": 2, "catering_events": 25, "online_orders": 30, "deliveries": 25}),
    "downturn": (0.25, {"store_transactions": -8, "catering_events": -10, "online_orders": 5, "deliveries": -5}),
}
_ROLE_SKILLS = {  # role: [(skill, required proficiency, importance)]
    "Baker": [("bread_baking", 3, 3), ("food_safety", 2, 3), ("pastry", 1, 1)],
    "Pastry Chef": [("pastry", 3, 3), ("cake_decorating", 3, 2), ("food_safety", 2, 3)],
    "Kitchen Assistant": [("food_safety", 2, 3), ("bread_baking", 1, 1)],
    "Head Baker": [("bread_baking", 4, 3), ("food_safety", 3, 3), ("team_leadership", 3, 2), ("inventory_management", 3, 2)],
    "Sales Associate": [("customer_service", 2, 3), ("sales", 2, 2)],
    "Store Manager": [("team_leadership", 3, 3), ("sales", 3, 2), ("inventory_management", 2, 2)],
    "Catering Manager": [("catering_planning", 4, 3), ("event_service", 3, 2), ("sales", 3, 2)],
    "Catering Coordinator": [("event_service", 3, 3), ("catering_planning", 2, 2), ("food_safety", 2, 3)],
    "Catering Chef": [("catering_planning", 3, 3), ("bread_baking", 3, 2), ("food_safety", 3, 3)],
    "E-commerce Coordinator": [("ecommerce_platform", 4, 3), ("data_analysis", 3, 2), ("digital_marketing", 2, 2)],
    "Digital Marketing Specialist": [("digital_marketing", 3, 3), ("social_media", 3, 2), ("data_analysis", 2, 2)],
    "Customer Service Rep": [("customer_service", 3, 3), ("ecommerce_platform", 2, 2)],
    "Logistics Lead": [("delivery_routing", 3, 3), ("team_leadership", 2, 2)],
    "Delivery Driver": [("driving", 3, 3), ("delivery_routing", 2, 2), ("customer_service", 1, 1)],
    "Bookkeeper": [("bookkeeping", 4, 3), ("payroll", 2, 2)],
    "HR and Office Manager": [("payroll", 3, 3), ("team_leadership", 2, 1)],
    "General Manager": [("team_leadership", 4, 3), ("data_analysis", 3, 2)],
}
# task: (role, function, hours/week, repetitive, rule_based, digital_input, volume_stability, judgment, empathy, compliance_risk, error %)
_TASKS = [
    ("Enter supplier invoices", "Bookkeeper", "finance", 6, 5, 5, 4, 4, 1, 1, 3, 4.0),
    ("Reconcile bank and card payments", "Bookkeeper", "finance", 4, 5, 5, 5, 4, 2, 1, 4, 2.5),
    ("Prepare VAT and tax returns", "Bookkeeper", "finance", 2, 3, 4, 4, 3, 4, 1, 5, 1.0),
    ("Run payroll", "HR and Office Manager", "hr", 4, 4, 5, 4, 4, 3, 2, 5, 1.5),
    ("Build staff rotas", "HR and Office Manager", "hr", 5, 4, 3, 3, 3, 3, 3, 2, 6.0),
    ("Handle staff questions and issues", "HR and Office Manager", "hr", 6, 2, 1, 2, 2, 4, 5, 3, None),
    ("Answer order and delivery questions", "Customer Service Rep", "customer_service", 14, 4, 3, 4, 3, 2, 3, 2, 5.0),
    ("Resolve complaints and refunds", "Customer Service Rep", "customer_service", 8, 2, 2, 3, 2, 4, 5, 3, 3.0),
    ("Update order status and tracking", "Customer Service Rep", "customer_service", 6, 5, 5, 5, 4, 1, 1, 1, 7.0),
    ("Write product and event newsletters", "Digital Marketing Specialist", "marketing", 6, 3, 3, 5, 4, 3, 2, 1, None),
    ("Post and schedule social media", "Digital Marketing Specialist", "marketing", 8, 4, 4, 5, 4, 3, 2, 1, None),
    ("Report campaign results", "Digital Marketing Specialist", "marketing", 4, 5, 5, 5, 4, 2, 1, 1, 8.0),
    ("Maintain online shop listings", "E-commerce Coordinator", "sales", 10, 4, 4, 5, 4, 2, 1, 2, 4.0),
    ("Process online orders into production plan", "E-commerce Coordinator", "operations", 12, 5, 5, 4, 4, 2, 1, 2, 6.0),
    ("Quote catering requests", "Catering Coordinator", "sales", 10, 3, 3, 3, 3, 4, 4, 3, 5.0),
    ("Plan catering menus with clients", "Catering Coordinator", "sales", 10, 2, 1, 2, 2, 4, 5, 2, None),
    ("Confirm and invoice catering orders", "Catering Coordinator", "finance", 6, 5, 5, 4, 4, 1, 1, 3, 4.0),
    ("Plan delivery routes", "Logistics Lead", "operations", 8, 4, 5, 4, 4, 2, 1, 2, 6.0),
    ("Drive deliveries", "Delivery Driver", "operations", 30, 4, 3, 1, 4, 3, 3, 4, None),
    ("Take counter orders and payments", "Sales Associate", "sales", 22, 4, 4, 3, 3, 2, 4, 2, 1.5),
    ("Count stock and order supplies", "Store Manager", "operations", 6, 5, 5, 3, 4, 2, 1, 2, 5.0),
    ("Bake bread to the daily plan", "Baker", "operations", 30, 4, 4, 1, 4, 3, 1, 4, None),
    ("Record temperatures and cleaning logs", "Kitchen Assistant", "operations", 4, 5, 5, 3, 5, 1, 1, 5, 9.0),
    ("Forecast daily production", "Head Baker", "operations", 5, 4, 4, 4, 3, 4, 1, 3, 10.0),
]
# option: (task, category, example tool, automatable share, one-time cost, annual cost, oversight h/week, months)
_OPTIONS = [
    ("Enter supplier invoices", "accounting", "Xero", 0.7, 1500, 900, 1.0, 2),
    ("Reconcile bank and card payments", "accounting", "QuickBooks Online", 0.8, 500, 0, 0.5, 1),
    ("Run payroll", "accounting", "Xero", 0.6, 800, 600, 1.0, 2),
    ("Build staff rotas", "project management", "Monday.com", 0.5, 600, 1200, 1.0, 2),
    ("Answer order and delivery questions", "helpdesk and chatbots", "Intercom", 0.45, 3000, 2400, 3.0, 3),
    ("Update order status and tracking", "RPA/BPA", "Zapier", 0.9, 1200, 600, 0.5, 1),
    ("Post and schedule social media", "marketing automation", "HubSpot", 0.4, 800, 1800, 1.0, 1),
    ("Write product and event newsletters", "marketing automation", "Mailchimp", 0.3, 300, 400, 0.0, 1),
    ("Report campaign results", "marketing automation", "ActiveCampaign", 0.7, 500, 700, 0.5, 1),
    ("Process online orders into production plan", "RPA/BPA", "Make", 0.75, 4000, 900, 2.0, 4),
    ("Quote catering requests", "CRM", "Pipedrive", 0.35, 2000, 1100, 1.5, 3),
    ("Confirm and invoice catering orders", "CRM", "Zoho CRM", 0.7, 1500, 800, 1.0, 2),
    ("Plan delivery routes", "AI", "route optimisation software", 0.6, 2500, 1500, 1.0, 2),
    ("Forecast daily production", "AI", "demand forecasting add-on", 0.5, 5000, 2000, 2.0, 6),
    ("Record temperatures and cleaning logs", "RPA/BPA", "wireless temperature sensors", 0.8, 3500, 500, 1.0, 2),
]
# Job Characteristics Model ratings (1-7): role, stage, rated_by, SV, TI, TS, autonomy, feedback
_JOB_DESIGN = [
    ("Bookkeeper", "before", "owner", 2.5, 5.0, 4.0, 4.0, 4.5),
    ("HR and Office Manager", "before", "owner", 4.5, 4.0, 5.5, 5.0, 3.5),
    ("Customer Service Rep", "before", "survey", 3.0, 3.5, 5.0, 3.0, 4.0),
    ("Digital Marketing Specialist", "before", "owner", 4.5, 4.5, 4.0, 5.5, 3.5),
    ("E-commerce Coordinator", "before", "owner", 3.0, 3.5, 4.5, 3.5, 3.0),
    ("E-commerce Coordinator", "after", "owner", 4.5, 4.5, 5.0, 4.5, 5.0),
    ("Catering Coordinator", "before", "owner", 4.0, 5.0, 5.0, 4.5, 4.0),
    ("Sales Associate", "before", "survey", 2.5, 3.0, 4.5, 2.5, 5.0),
]
_ITEMS = [  # item_id, text, dimension, reverse coded  (wording is smbkit's own)
    ("ps1", "If I make a mistake on this team, it is not held against me.", "psychological_safety", False),
    ("ps2", "It is hard to raise a problem or a tough issue here.", "psychological_safety", True),
    ("ps3", "People on this team sometimes reject others for being different.", "psychological_safety", True),
    ("ps4", "I can ask my colleagues for help.", "psychological_safety", False),
    ("fa1", "Decisions about schedules and shifts are made fairly.", "fairness", False),
    ("fa2", "People here are paid fairly for the work they do.", "fairness", False),
    ("fa3", "Some people get better treatment here for reasons unrelated to their work.", "fairness", True),
    ("re1", "When I do good work, someone notices.", "recognition", False),
    ("re2", "My ideas are taken seriously.", "recognition", False),
    ("co1", "I feel part of this company, not just my team.", "connection", False),
    ("co2", "I have people at work I can talk to about more than work.", "connection", False),
    ("co3", "I often feel left out of what is going on.", "connection", True),
]
_COMMENTS = {
    "pos": ["Great team, I like coming to work.", "The new catering work is exciting.", "Thanks to {first} for always helping out on busy mornings.",
            "I feel my ideas are heard in the weekly huddle.", "Good training on food safety this year.", "Flexible shifts make a big difference for me."],
    "neg": ["Rotas come too late, hard to plan my week.", "Too much overtime around the holidays.", "Pay has not kept up with prices.",
            "The online orders system keeps crashing and customers shout at us.", "Nobody tells us what is going on with the new kitchen.",
            "I feel the night shift is forgotten.", "Communication between shops is poor."],
    "mid": ["Okay overall.", "More team events would be nice.", "Would like more training on the new ordering system."],
}


def _role_counts(people: int) -> dict[str, int]:
    counts = {r: 1 for r in _SINGLE}
    rest = people - len(_SINGLE)
    shares = {r: spec[1] for r, spec in _ROLES.items() if spec[1] > 0}
    total = sum(shares.values())
    raw = {r: rest * s / total for r, s in shares.items()}
    floor = {r: max(1, int(v)) for r, v in raw.items()}
    left = rest - sum(floor.values())
    for r in sorted(raw, key=lambda r: raw[r] - int(raw[r]), reverse=True)[: max(0, left)]:
        floor[r] += 1
    counts.update(floor)
    return counts


def _employment(kind: str, rng) -> tuple[str, float]:
    if kind == "pt":
        return "part_time", 0.6
    if kind == "mix" and rng.random() < 0.4:
        return "part_time", float(rng.choice([0.5, 0.6, 0.8]))
    if kind == "driver" and rng.random() < 0.3:
        return "contractor", 1.0
    if kind == "marketing" and rng.random() < 0.35:
        return "freelancer", 0.5
    return "full_time", 1.0


def _employees(people: int, rng) -> pd.DataFrame:
    counts = _role_counts(people)
    rows = []
    n = 0
    manager_pool: dict[str, list[str]] = {}

    def new_id():
        nonlocal n
        n += 1
        return f"E{n:04d}"

    # managers first so that every report has a manager id to point to
    order = sorted(counts, key=lambda r: (_ROLES[r][4] is not None, _ROLES[r][4] not in (None, "General Manager"), r))
    for role in order:
        team, _, base, mix, boss_role, _ = _ROLES[role]
        for k in range(counts[role]):
            eid = new_id()
            tenure = 12.0 if role == "General Manager" else min(18.0, rng.exponential(3.2) + 0.1)
            hire = AS_OF - pd.Timedelta(days=int(tenure * 365.25))
            etype, fte = _employment(mix, rng)
            boss = None
            if boss_role:
                pool = manager_pool[boss_role]
                boss = pool[k % len(pool)]
            rows.append(_person(eid, team, role, boss, etype, fte, base, tenure, hire, None, None, rng))
            manager_pool.setdefault(role, []).append(eid)
    # leavers of the last three years, in proportion to each role (hospitality runs ~30%/year)
    leavers = int(round(people * 0.27 * 3))
    weights = np.array([counts[r] for r in order], dtype=float)
    roles = rng.choice(order, size=leavers, p=weights / weights.sum())
    for role in roles:
        if role == "General Manager":
            continue
        team, _, base, mix, boss_role, _ = _ROLES[role]
        eid = new_id()
        exit_date = AS_OF - pd.Timedelta(days=int(rng.integers(5, 3 * 365)))
        stay = min(12.0, rng.exponential(1.6) + 0.1)
        hire = exit_date - pd.Timedelta(days=int(stay * 365.25))
        etype, fte = _employment(mix, rng)
        reason = rng.choice(["voluntary", "involuntary", "retired", "other"], p=[0.72, 0.18, 0.04, 0.06])
        boss = manager_pool[boss_role][int(rng.integers(len(manager_pool[boss_role])))] if boss_role else None
        rows.append(_person(eid, team, role, boss, etype, fte, base, stay, hire, exit_date, reason, rng))
    return pd.DataFrame(rows)


def _person(eid, team, role, boss, etype, fte, base, tenure, hire, exit_date, reason, rng):
    loaded = base * 1.22 * (1 + 0.02 * min(tenure, 10)) * rng.normal(1, 0.05)
    if etype in ("contractor", "freelancer"):
        loaded = base * 1.35 * rng.normal(1, 0.05)
    if team in ("Office", "Online & Service"):
        mode = rng.choice(["hybrid", "onsite", "remote"], p=[0.6, 0.25, 0.15])
    else:
        mode = "onsite"
    location = {"Retail": rng.choice(["Market Street shop", "Riverside shop"]), "Office": "Market Street shop"}.get(team, "Central kitchen")
    perf = "" if rng.random() < 0.1 else float(np.clip(np.round(rng.normal(3.4, 0.8)), 1, 5))
    age = rng.choice(["18-24", "25-34", "35-44", "45-54", "55+"], p=[0.22, 0.33, 0.22, 0.15, 0.08])
    gender = rng.choice(["woman", "man", "non-binary", "prefer not to say"], p=[0.52, 0.43, 0.02, 0.03])
    return {
        "employee_id": eid,
        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "team": team, "role": role, "manager_id": boss or "", "employment_type": etype, "fte": fte,
        "annual_cost": round(loaded * fte, -2),
        "hire_date": hire.date().isoformat(),
        "exit_date": exit_date.date().isoformat() if exit_date is not None else "",
        "exit_reason": reason or "", "location": location, "work_mode": mode, "performance": perf,
        "demo_gender": gender, "demo_age_band": age,
    }


def _skills(emp, rng):
    rows = []
    current = emp[emp["exit_date"] == ""]
    for r in current.itertuples():
        profile = _ROLES[r.role][5]
        for skill, level in profile.items():
            lvl = int(np.clip(level + rng.choice([-1, 0, 0, 0, 1]), 0, 4))
            if skill in ("bookkeeping", "ecommerce_platform", "catering_planning", "payroll") and r.role not in (
                    "Bookkeeper", "E-commerce Coordinator", "Catering Manager", "HR and Office Manager"):
                lvl = min(lvl, 2)  # keeps the single points of failure that small firms really have
            if r.role in ("Bookkeeper", "E-commerce Coordinator", "Catering Manager") and level == 4:
                lvl = 4
            if lvl > 0:
                rows.append((r.employee_id, skill, lvl))
        if rng.random() < 0.25:  # hidden talent: skills outside the role
            skill = rng.choice(["social_media", "cake_decorating", "event_service", "data_analysis", "driving"])
            if skill not in profile:
                rows.append((r.employee_id, skill, int(rng.integers(1, 4))))
    return pd.DataFrame(rows, columns=["employee_id", "skill", "proficiency"])


def _history(rng, months=36):
    rows = []
    end = AS_OF.to_period("M")
    periods = [end - k for k in range(months - 1, -1, -1)]
    for driver, (annual, _unit, trend, amp) in _DRIVERS.items():
        t = np.arange(months)
        season = 1 + amp * np.cos(2 * np.pi * (np.array([p.month for p in periods]) - 12) / 12)
        level = (1 + trend) ** ((t - (months - 1)) / 12)
        raw = level * season * rng.normal(1, 0.04, months)
        scale = annual / raw[-12:].sum()
        for p, val in zip(periods, raw * scale):
            rows.append((str(p), driver, round(val, 0)))
    return pd.DataFrame(rows, columns=["month", "driver", "value"])


def _roles(emp):
    current = emp[emp["exit_date"] == ""]
    fte = current.groupby("role")["fte"].sum()
    rows = []
    for role in list(_ROLES) + ["Catering Chef"]:
        driver = _DRIVER_OF.get(role)
        if driver:
            base_fte = fte.get(role, 1.0)
            units = _DRIVERS[driver][0] / base_fte * 1.05 if role != "Catering Chef" else _DRIVERS[driver][0] / 0.5
            rows.append((role, driver, round(units, 1), ""))
        else:
            fixed = fte.get(role, 1.0) + (1.0 if role == "Digital Marketing Specialist" else 0.0)
            rows.append((role, "", "", round(fixed, 2)))
    return pd.DataFrame(rows, columns=["role", "driver", "units_per_fte", "fixed_fte"])


def _goals(emp):
    cur = emp[emp["exit_date"] == ""]

    def who(role):
        return cur.loc[cur["role"] == role, "employee_id"].iloc[0]

    due = (AS_OF + pd.DateOffset(months=12)).date().isoformat()
    half = (AS_OF + pd.DateOffset(months=6)).date().isoformat()
    late = (AS_OF + pd.DateOffset(months=20)).date().isoformat()
    rows = [
        ("G1", "Make catering a second pillar of the business", "Grow catering events to 270 a year", "catering_events", 180, 270, 195, due, "Catering", ""),
        ("G1.1", "Make catering a second pillar of the business", "Hire and train a catering chef", "catering_chefs", 0, 1, 0, half, "Catering", "G1"),
        ("G1.2", "Make catering a second pillar of the business", "Quote every catering request within 24 hours", "quotes_within_24h_pct", 55, 95, 70, half, who("Catering Coordinator"), "G1"),
        ("G2", "Double online orders without hurting service", "Grow online orders to 36,000 a year", "online_orders", 24000, 36000, 26500, due, "Online & Service", ""),
        ("G2.1", "Double online orders without hurting service", "Answer customer messages within 2 hours", "median_reply_hours", 9, 2, 6, half, "Online & Service", "G2"),
        ("G2.2", "Double online orders without hurting service", "Cut order errors to under 1%", "order_error_pct", 4, 1, 3.2, due, who("E-commerce Coordinator"), "G2"),
        ("G2.3", "Double online orders without hurting service", "Launch subscription bread boxes", "subscribers", "", 500, "", late, "Marketing", "G2"),
        ("G3", "Keep a team people want to stay in", "Reduce voluntary turnover to 20%", "voluntary_turnover_pct", 31, 20, 27, due, "Office", ""),
        ("G3.1", "Keep a team people want to stay in", "Publish rotas two weeks ahead", "rota_lead_days", 4, 14, 7, half, who("HR and Office Manager"), "G3"),
        ("G3.2", "Keep a team people want to stay in", "Raise the Belonging Index to 75", "belonging_index", 64, 75, 66, due, "Office", "G3"),
        ("G4", "Keep the shops profitable", "Hold store transactions at 210,000 a year", "store_transactions", 210000, 210000, 205000, due, "Retail", ""),
    ]
    return pd.DataFrame(rows, columns=["goal_id", "objective", "key_result", "metric", "baseline", "target", "current", "due_date", "owner", "parent_goal_id"])


def _survey(emp, waves, rng):
    items = pd.DataFrame([(i, t, d, str(r).lower(), 5) for i, t, d, r in _ITEMS],
                         columns=["item_id", "text", "dimension", "reverse_coded", "scale_max"])
    team_mood = {"Production": 0.1, "Retail": -0.15, "Catering": 0.4, "Online & Service": -0.05, "Logistics": -0.3, "Office": 0.3}
    firsts = list(dict.fromkeys(emp.loc[emp["exit_date"] == "", "name"].str.split().str[0]))
    rows = []
    hire = pd.to_datetime(emp["hire_date"])
    exit_ = pd.to_datetime(emp["exit_date"].replace("", None))
    for w in range(waves):
        wave = (AS_OF - pd.DateOffset(months=3 * (waves - 1 - w))).to_period("M").to_timestamp(how="end").normalize()
        on = emp[(hire <= wave) & (exit_.isna() | (exit_ > wave))]
        answered = on[rng.random(len(on)) < 0.78]
        trend = 0.04 * w
        for r in answered.itertuples():
            latent = team_mood.get(r.team, 0) + trend + rng.normal(0, 0.6)
            row = {"wave": wave.date().isoformat(), "respondent_id": f"R{w + 1:02d}-{int(rng.integers(10000, 99999))}",
                   "team": r.team, "demo_gender": r.demo_gender, "demo_age_band": r.demo_age_band}
            for item_id, _t, dim, rev in _ITEMS:
                base = 3.5 + latent + (-0.3 if dim == "fairness" else 0) + rng.normal(0, 0.7)
                val = int(np.clip(np.round(base), 1, 5))
                row[item_id] = (6 - val) if rev else val
                if rng.random() < 0.02:
                    row[item_id] = ""
            row["enps"] = int(np.clip(np.round(7.2 + 1.8 * latent + rng.normal(0, 1.2)), 0, 10)) if rng.random() > 0.03 else ""
            tone = "pos" if latent > 0.35 else ("neg" if latent < -0.35 else "mid")
            comment = ""
            if rng.random() < 0.35:
                comment = str(rng.choice(_COMMENTS[tone])).format(first=rng.choice(firsts))
            row["comment"] = comment
            row["consent"] = "false" if rng.random() < 0.03 else "true"
            rows.append(row)
    out = pd.DataFrame(rows)
    # a pseudonym drawn twice in one wave (large companies) gets a suffix: one answer sheet per respondent and wave
    again = out.groupby(["wave", "respondent_id"]).cumcount()
    out.loc[again > 0, "respondent_id"] = out.loc[again > 0, "respondent_id"] + "-" + again[again > 0].astype(str)
    return items, out


def _absences(emp, rng):
    rows = []
    start = AS_OF - pd.DateOffset(years=2)
    for r in emp.itertuples():
        hire = max(pd.Timestamp(r.hire_date), start)
        end = pd.Timestamp(r.exit_date) if r.exit_date else AS_OF
        span = (end - hire).days
        if span <= 0:
            continue
        for _ in range(rng.poisson(3.2 * span / 365)):
            day = hire + pd.Timedelta(days=int(rng.integers(0, span)))
            days = float(rng.choice([1, 1, 1, 2, 2, 3, 5, 10, 15], p=[.3, .15, .1, .15, .1, .08, .06, .04, .02]))
            rows.append((r.employee_id, day.date().isoformat(), days))
    return pd.DataFrame(rows, columns=["employee_id", "start_date", "days"])


def _events(emp, rng):
    rows = []
    hire = pd.to_datetime(emp["hire_date"])
    exit_ = pd.to_datetime(emp["exit_date"].replace("", None))
    for k in range(12):
        date = AS_OF - pd.DateOffset(months=2 * k) - pd.Timedelta(days=int(rng.integers(0, 20)))
        invited = int(((hire <= date) & (exit_.isna() | (exit_ > date))).sum())
        rows.append((f"EV{12 - k:02d}", date.date().isoformat(), invited, int(invited * rng.uniform(0.45, 0.85))))
    return pd.DataFrame(rows[::-1], columns=["event_id", "date", "invited", "attended"])


def _learning(emp, rng):
    programs = [("Food safety level 2", "food_safety", 180, 8), ("Catering operations", "catering_planning", 650, 24),
                ("Digital marketing basics", "digital_marketing", 400, 16), ("Online shop administration", "ecommerce_platform", 300, 10),
                ("Leadership essentials", "team_leadership", 900, 30), ("Cake decorating", "cake_decorating", 250, 12)]
    cur = emp[emp["exit_date"] == ""]
    rows = []
    pick = cur.sample(n=min(len(cur), max(8, int(len(cur) * 0.6))), random_state=int(rng.integers(1 << 31)))
    for r in pick.itertuples():
        name, skill, cost, hours = programs[int(rng.integers(len(programs)))]
        start = AS_OF - pd.Timedelta(days=int(rng.integers(60, 700)))
        pre = float(np.clip(rng.normal(55, 12), 5, 95))
        post = float(np.clip(pre + rng.normal(18, 8), 0, 100))
        result = round(rng.uniform(0, 3) * cost, -1) if rng.random() < 0.4 else ""
        rows.append((r.employee_id, name, skill, start.date().isoformat(), round(cost * rng.uniform(0.9, 1.1), 0), hours,
                     int(np.clip(np.round(rng.normal(4, 0.7)), 1, 5)), round(pre), round(post),
                     int(np.clip(np.round(rng.normal(3.5, 0.9)), 1, 5)), result))
    return pd.DataFrame(rows, columns=["employee_id", "program", "skill", "start_date", "cost", "hours", "reaction",
                                       "pre_score", "post_score", "behavior", "result_value"])


def _interactions(emp, rng, months=6):
    cur = emp[emp["exit_date"] == ""].reset_index(drop=True)
    ids = cur["employee_id"].to_numpy()
    teams = cur["team"].to_numpy()
    by_team = {t: np.flatnonzero(teams == t) for t in np.unique(teams)}
    loner = cur.index[cur["work_mode"] == "remote"]
    loner = set(loner[:1])
    rows = []
    for m in range(months):
        period = str(AS_OF.to_period("M") - (months - 1 - m))
        for i in range(len(cur)):
            if i in loner:
                continue
            mates = by_team[teams[i]]
            for j in rng.choice(mates, size=min(len(mates), 6), replace=False):
                if j != i and j not in loner:
                    rows.append((ids[i], ids[j], int(rng.integers(1, 30)), period))
            if rng.random() < 0.35:
                j = int(rng.integers(len(cur)))
                if teams[j] != teams[i] and j not in loner:
                    rows.append((ids[i], ids[j], int(rng.integers(1, 8)), period))
    return pd.DataFrame(rows, columns=["source_id", "target_id", "weight", "period"])


def _outcomes(rng, months=18):
    rows = []
    end = AS_OF.to_period("M")
    for k in range(months - 1, -1, -1):
        p = str(end - k)
        for team, metric, level, sd in [("Retail", "customer_satisfaction", 4.3, 0.15), ("Online & Service", "customer_satisfaction", 3.9, 0.2),
                                        ("Catering", "customer_satisfaction", 4.6, 0.1), ("Retail", "sales", 310000 / 12, 1500),
                                        ("Catering", "sales", 140000 / 12, 2500), ("Online & Service", "sales", 95000 / 12, 900)]:
            rows.append((team, p, metric, round(rng.normal(level, sd), 2)))
    return pd.DataFrame(rows, columns=["team", "period", "metric", "value"])


def make_company(folder, *, people: int = 60, waves: int = 7, seed: int = 2026, name: str = "Rosemary & Rye Bakery") -> Path:
    """Write a complete fictional company folder (every file of the input contract).

    Parameters
    ----------
    folder : str or Path
        Where to write; created if needed. Existing contract files are overwritten.
    people : int, default=60
        Current headcount (at least 20).
    waves : int, default=7
        Quarterly survey waves ending at the analysis date.
    seed : int, default=2026
        Seed of the random generator; the same seed gives the same files byte for byte.
    """
    if people < 20:
        raise ValueError(f"people must be at least 20 so every role is filled; got: {people!r}")
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    emp = _employees(people, rng)
    items, responses = _survey(emp, waves, rng)
    tables = {
        "employees": emp,
        "skills": _skills(emp, rng),
        "roles": _roles(emp),
        "role_skills": pd.DataFrame([(r, s, p, i) for r, req in _ROLE_SKILLS.items() for s, p, i in req],
                                    columns=["role", "skill", "required_proficiency", "importance"]),
        "drivers": pd.DataFrame([(d, v[0], v[1]) for d, v in _DRIVERS.items()], columns=["driver", "current_value", "unit"]),
        "scenarios": pd.DataFrame([(s, d, c, p) for s, (p, ch) in _SCENARIOS.items() for d, c in ch.items()],
                                  columns=["scenario", "driver", "change_pct", "probability"]),
        "driver_history": _history(rng),
        "goals": _goals(emp),
        "tasks": pd.DataFrame([(f"T{k + 1:02d}", t[1], t[0], *t[2:]) for k, t in enumerate(_TASKS)],
                              columns=["task_id", "role", "task", "function", "hours_per_week", "repetitive", "rule_based",
                                       "digital_input", "volume_stability", "judgment", "empathy", "compliance_risk", "error_rate_pct"]),
        "survey_items": items,
        "survey_responses": responses,
        "absences": _absences(emp, rng),
        "events": _events(emp, rng),
        "learning": _learning(emp, rng),
        "interactions": _interactions(emp, rng),
        "outcomes": _outcomes(rng),
        # clearly fictional: smbkit ships no external benchmark numbers
        "benchmarks": pd.DataFrame([("belonging_index", 65.0, "fictional example: replace with a source you trust"),
                                    ("enps", 10.0, "fictional example: replace with a source you trust")],
                                   columns=["measure", "value", "source"]),
    }
    tables["job_design"] = pd.DataFrame(_JOB_DESIGN, columns=["role", "stage", "rated_by", "skill_variety", "task_identity",
                                                             "task_significance", "autonomy", "feedback"])
    task_ids = {t[0]: f"T{k + 1:02d}" for k, t in enumerate(_TASKS)}
    tables["automation_options"] = pd.DataFrame(
        [(f"A{k + 1:02d}", task_ids[o[0]], *o[1:]) for k, o in enumerate(_OPTIONS)],
        columns=["option_id", "task_id", "tool_category", "example_tool", "automatable_share", "one_time_cost",
                 "annual_cost", "oversight_hours_per_week", "months_to_implement"])
    for fname, table in tables.items():
        table.to_csv(folder / f"{fname}.csv", index=False, lineterminator="\n")
    (folder / "company.yaml").write_text(
        f"name: {name}\nindustry: Bakery with retail shops, catering and online orders\ncurrency: USD\n"
        f"as_of: {AS_OF.date().isoformat()}\nhours_per_fte_week: 40\nweeks_per_year: 47\nhorizon_months: 12\n"
        "discount_rate: 0.08\nmin_group_size: 5\nsurvey_linkage: anonymous\nshow_names: false\n",
        encoding="utf-8")
    return folder


PLANTS = ("leave", "absent", "unhappy", "fall")  # what `make_plain_company` can plant
_PLAIN_ITEMS = pd.DataFrame([("a1", "I am treated with respect.", "respect", "false", 4), ("a2", "I am ignored here.", "respect", "true", 4),
                             ("c1", "I have friends at work.", "connection", "false", 7)],
                            columns=["item_id", "text", "dimension", "reverse_coded", "scale_max"])


def make_plain_company(folder, *, people: int = 40, teams: int = 4, seed: int = 0, plant: str | None = None,
                       identical: bool = False, as_of: str = "2025-12-31") -> Path:
    """Write a company in which nothing differs between teams or survey waves, for testing decision rules.

    Every team has the same chance of leaving (a constant hazard of 0.15 a year, about 86% stay a
    year), 4 days of absence a year per person and the same survey answers (one trait per respondent
    drives the questions, so they hang together; eNPS is drawn on its own, so no question goes with
    it), over two waves. ``plant`` makes one thing differ a lot: ``"leave"`` (Team A leaves 6 times
    as fast), ``"absent"`` (Team A is absent 5 times as much), ``"unhappy"`` (Team A answers 1.2
    standard deviations lower) or ``"fall"`` (the latest wave is 1.2 lower for everyone). With
    ``identical`` every team holds the very same data. Returns the folder.
    """
    if plant not in (None, *PLANTS):
        raise ValueError(f"plant must be one of {PLANTS} or None; got: {plant!r}")
    end_of_data = pd.Timestamp(as_of)
    waves = (end_of_data - pd.Timedelta(days=180), end_of_data - pd.Timedelta(days=16))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"Team {chr(65 + t)}" for t in range(teams)]
    emp, absences, answers = [], [], []
    rng = np.random.default_rng(seed)
    for t, team in enumerate(names):
        if identical:
            rng = np.random.default_rng(seed)  # every team draws the very same people, absences and answers
        hazard = 0.15 * (6 if plant == "leave" and t == 0 else 1)
        rate = 4 * (5 if plant == "absent" and t == 0 else 1)  # days absent a year
        for i in range(people // teams + (t < people % teams)):  # each of today's people, and the ones before who chose to leave
            start = end_of_data - pd.Timedelta(days=int(rng.uniform(0.2, 6) * 365.25))
            stint = 0
            while True:
                end = start + pd.Timedelta(days=int(rng.exponential(1 / hazard) * 365.25))
                stays = end >= end_of_data
                emp.append((f"P{t}{i:03d}-{stint}", team, round(rng.normal(50000, 4000)), start.date(),
                            "" if stays else end.date(), "" if stays else "voluntary"))
                first, last = max(start, end_of_data - pd.Timedelta(days=730)), min(end, end_of_data)  # absences: two years kept
                for _ in range(rng.poisson(rate * max(0, (last - first).days) / 365.25)):
                    absences.append((emp[-1][0], (first + pd.Timedelta(days=int(rng.uniform(0, (last - first).days)))).date(), 1))
                if stays:
                    break
                start, stint = end + pd.Timedelta(days=14), stint + 1
            for w, wave in enumerate(waves):
                trait = rng.normal(-1.2 if (plant == "unhappy" and t == 0) or (plant == "fall" and w == 1) else 0.0, 1)
                answers.append((wave.date(), team, int(np.clip(np.round(2.5 + trait + rng.normal(0, 0.5)), 1, 4)),
                                int(np.clip(np.round(2.5 - trait + rng.normal(0, 0.5)), 1, 4)),
                                int(np.clip(np.round(4 + 1.5 * trait + rng.normal(0, 0.8)), 1, 7)), int(rng.integers(0, 11))))
    e = pd.DataFrame(emp, columns=["employee_id", "team", "annual_cost", "hire_date", "exit_date", "exit_reason"])
    e.insert(1, "name", "Person " + e["employee_id"])
    e = e.assign(role="Clerk", manager_id="", employment_type="full_time", fte=1.0)
    tables = {"employees": e, "absences": pd.DataFrame(absences, columns=["employee_id", "start_date", "days"]),
              "survey_items": _PLAIN_ITEMS,
              "survey_responses": pd.DataFrame(answers, columns=["wave", "team", "a1", "a2", "c1", "enps"])}
    for fname, table in tables.items():
        table.to_csv(folder / f"{fname}.csv", index=False, lineterminator="\n")
    (folder / "company.yaml").write_text(f"name: Plain Co\nas_of: {end_of_data.date().isoformat()}\nmin_group_size: 5\n",
                                         encoding="utf-8")
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write a fictional company folder for smbkit.")
    parser.add_argument("folder")
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--waves", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    make_company(args.folder, people=args.people, waves=args.waves, seed=args.seed)


if __name__ == "__main__":
    main()
