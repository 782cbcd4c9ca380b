"""The package's shape: no import cycles, no private names across modules, one home for the privacy
threshold, unique public names, modules of a readable size."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import smbkit

PACKAGE = Path(smbkit.__file__).resolve().parent
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py")) if p.stem != "__init__"}
MAX_LINES = 700


def _tree(name):
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def _imports(name):
    """(module imported, names taken from it, line) for every import of a smbkit module, anywhere in ``name``."""
    out = []
    for node in ast.walk(_tree(name)):
        if isinstance(node, ast.ImportFrom) and (node.level == 1 or (node.module or "").startswith("smbkit")):
            base = (node.module or "").removeprefix("smbkit").lstrip(".")
            if base:
                out.append((base.split(".")[0], [a.name for a in node.names], node.lineno))
            else:  # from . import x, y
                out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name.split(".")[1], [], node.lineno) for a in node.names if a.name.startswith("smbkit.")]
    return out


def test_every_module_is_listed_and_declares_its_public_names():
    assert set(smbkit.MODULES) | {"_runner", "_schema", "_validation", "_links", "_files", "_output", "errors", "data"} == set(MODULES)
    for name in MODULES:
        tree = _tree(name)
        declared = [n for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets)]
        assert declared, f"smbkit/{name}.py has no __all__"
        module = __import__(f"smbkit.{name}", fromlist=["_"])
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f"smbkit/{name}.py lists names it does not define: {missing}"


def test_no_import_cycle_inside_the_package():
    graph = {name: {m for m, _, _ in _imports(name) if m in MODULES and m != name} for name in MODULES}
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(nxt):], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_no_module_uses_another_modules_private_names():
    found = []
    for name in MODULES:
        aliases = {}
        for module, taken, line in _imports(name):
            found += [f"smbkit/{name}.py:{line} imports {module}.{t}" for t in taken if t.startswith("_") and t != "__version__"]
        for node in ast.walk(_tree(name)):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
                aliases.update({a.asname or a.name: a.name for a in node.names})
        for node in ast.walk(_tree(name)):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_")):
                found.append(f"smbkit/{name}.py:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    assert not found, "\n".join(found)


THRESHOLD_NAMES = {"min_group_size", "min_size", "k_min"}


def _is_check(node) -> bool:
    """A comparison, or a division that counts how many groups fit (``n // min_size``)."""
    return isinstance(node, ast.Compare) or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.FloorDiv, ast.Mod)))


def _uses_threshold(node) -> bool:
    """The expression reads the threshold itself (not inside a call to smbkit.privacy, which is the allowed way)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "privacy":
        return False
    if isinstance(node, ast.Name) and node.id in THRESHOLD_NAMES:
        return True
    if isinstance(node, ast.Attribute) and node.attr in THRESHOLD_NAMES:
        return True
    return any(_uses_threshold(child) for child in ast.iter_child_nodes(node))


def _raw_checks(source: str) -> list[str]:
    return [f"{node.lineno}: {ast.get_source_segment(source, node)}" for node in ast.walk(ast.parse(source))
            if _is_check(node) and _uses_threshold(node)]


def test_only_the_privacy_module_compares_counts_with_the_threshold():
    """Every "hide when fewer than min_group_size" decision goes through smbkit.privacy."""
    found = [f"smbkit/{name}.py:{hit}" for name in MODULES if name != "privacy"
             for hit in _raw_checks(MODULES[name].read_text(encoding="utf-8"))]
    assert not found, "raw comparisons with the privacy threshold outside privacy.py:\n" + "\n".join(found)


def test_the_threshold_check_itself_catches_a_raw_comparison():
    """The test above must be able to fail: raw comparisons are found, privacy calls and strings are not."""
    source = ("def f(n, company, s):\n"
              "    a = n < company.settings.min_group_size or len([]) // min_size > 1\n"
              "    b = privacy.too_few(n, min_size) and privacy.groups_that_fit(n, min_size) < 2 and s.key == 'min_group_size'\n")
    assert {h.split(":")[0] for h in _raw_checks(source)} == {"2"}


def _defined(name) -> set[str]:
    """Names a module defines at its top level (functions, classes, assignments), not those it imports."""
    out = set()
    for node in _tree(name).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
    return out


def test_public_names_are_unique_across_the_package():
    owners = defaultdict(list)
    for name in MODULES:
        module = __import__(f"smbkit.{name}", fromlist=["_"])
        for public in set(module.__all__) & _defined(name):
            owners[public].append(name)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, f"public names defined in more than one module: {clashes}"


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {name: n for name, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_settings_defaults_have_one_source():
    from dataclasses import fields

    from smbkit._schema import SETTINGS
    from smbkit.data import Settings

    assert [f.name for f in fields(Settings)] == [s.key for s in SETTINGS]
    made = Settings(name="x")
    for s in SETTINGS:
        if s.key not in ("name", "as_of"):
            assert getattr(made, s.key) == s.default, s.key


TESTED_IN = {"schema": "data", "links": "validation", "files": "validation", "output": "run"}  # modules whose behaviour another module's tests pin down


def test_every_module_has_its_test_file():
    tests = Path(__file__).resolve().parent
    missing = [name for name in MODULES
               if not (tests / f"test_{TESTED_IN.get(name.lstrip('_'), name.lstrip('_'))}.py").exists()]
    assert not missing, f"modules without tests/test_<module>.py: {missing}"
