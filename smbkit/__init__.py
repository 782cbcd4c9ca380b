"""smbkit: a decision workbook for small and medium businesses.

The notebooks reach everything one way: the entry points below by name (``smbkit.load_company``,
``smbkit.Page``), and every analysis through its module (``smbkit.workforce.headcount``,
``smbkit.demand.role_demand``, ``smbkit.plotting.headcount_chart``). Modules load on first use, so
``import smbkit`` stays quick for the command line.
"""

import importlib

from .data import (
    Company,
    InputError,
    Problem,
    Settings,
    company_dir,
    data_dictionary,
    load_company,
    sample_dir,
    write_templates,
)
from .errors import NoConvergenceWarning, SmallSampleWarning, SmbkitWarning, UsageError, WeakFitWarning
from .show import Page

__version__ = "0.1.0"

# The package's modules by domain concept (see docs/architecture.md).
MODULES = (
    "people", "costs", "demand", "decisions", "stats", "evidence", "text", "privacy", "survey", "signals",  # shared rules
    "workforce", "goals", "gaps", "staffing", "learning", "automation", "redesign", "belonging", "leaving", "retention", "leaving_risk",
    "listening",  # notebooks 01-05
    "plotting", "widgets", "show", "notebooks", "importers", "synthetic",  # showing, the shipped notebooks, inputs
    "run", "batch", "report", "workbook", "runcache", "app", "appserver", "editor", "cli",  # the run pipeline, the app, the commands
)

__all__ = [
    "Company",
    "InputError",
    "NoConvergenceWarning",
    "Page",
    "Problem",
    "Settings",
    "SmallSampleWarning",
    "SmbkitWarning",
    "UsageError",
    "WeakFitWarning",
    "company_dir",
    "data_dictionary",
    "load_company",
    "sample_dir",
    "write_templates",
    *MODULES,
]


def __getattr__(name):
    if name in MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'smbkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(MODULES))
