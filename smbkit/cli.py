"""The ``smbkit`` command: init, dictionary, validate, import-survey, run, batch, app, lab.

Exit status: 0 success; 1 a notebook failed (named, with its cell; what ran is kept); 2 the
input or the command line is wrong (one message per problem, never a traceback); 128 + the
signal's number when stopped (130 for Ctrl+C, 143 for SIGTERM), the output folder as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from ._runner import DEFAULT_CELL_TIMEOUT
from .app import IDLE_MINUTES, MAX_PAGES

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit status for usage errors is 2 as well
        self.print_usage(sys.stderr)
        print(f"smbkit: {message}", file=sys.stderr)
        raise SystemExit(EXIT_INVALID)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="smbkit", description="A decision workbook for small and medium businesses.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("init", help="write blank input templates and a guide into a new folder")
    s.add_argument("folder")
    sub.add_parser("dictionary", help="print the data dictionary (every input file and column) as Markdown")
    s = sub.add_parser("validate", help="check a company folder against the input contract")
    s.add_argument("folder")
    s = sub.add_parser("import-survey", help="turn a Google Forms or SurveyMonkey export into survey_responses.csv")
    s.add_argument("format", choices=["google-forms", "surveymonkey"])
    s.add_argument("export", help="the CSV the survey tool exported")
    s.add_argument("--items", required=True, help="your survey_items.csv (question texts and item ids)")
    s.add_argument("--wave", required=True, help="date of the wave, YYYY-MM-DD")
    s.add_argument("--out", required=True, help="the survey_responses.csv to write (must not exist yet)")
    s.add_argument("--map", action="append", default=[], metavar="QUESTION=TARGET",
                   help="map a question to team, enps, comment, consent, a demo_* column or an item_id (repeatable)")
    s = sub.add_parser("run", help="run the notebooks on a company folder and write the report")
    s.add_argument("--data", required=True, help="the company folder (never modified)")
    s.add_argument("--out", required=True, help="the output folder (created)")
    _notebook_options(s, "set a notebook parameter, e.g. -p scenario=growth (repeatable)", "notebooks run at once (default: all)")
    s.add_argument("--pdf", action="store_true", help="also print report.html to report.pdf with the system's Chromium")
    s = sub.add_parser("batch", help="run every company folder under a folder, in parallel, with a summary")
    s.add_argument("clients", help="a folder holding one sub-folder per company (never modified)")
    s.add_argument("--out", required=True, help="the output folder (one sub-folder per company, and batch_summary.csv)")
    _notebook_options(s, "set a notebook parameter for every company (repeatable)",
                      "notebooks run at once on this machine (default: the number of CPUs)")
    s.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786: run each company there")
    s = sub.add_parser("app", help="open the notebooks as a no-code app in the browser (localhost, no code shown)")
    _server_options(s, 8866)
    s.add_argument("--clients", metavar="FOLDER",
                   help="a folder with one sub-folder per company: the start page lists them and opens any (default company: "
                        "--data, else the first valid one)")
    s.add_argument("--save-dir", metavar="FOLDER",
                   help="where the data editor writes its dated copies (default: the --clients folder, else ./smbkit-companies)")
    s.add_argument("--max-pages", type=int, default=MAX_PAGES, metavar="N",
                   help=f"pages open at once, each with its own kernel; one more is refused (default: {MAX_PAGES})")
    s.add_argument("--idle-minutes", type=float, default=IDLE_MINUTES, metavar="M",
                   help=f"shut down a page's kernel after M minutes idle without a browser connected (default: {IDLE_MINUTES:g})")
    s.add_argument("--no-preheat", action="store_true",
                   help="start each page's kernel when the page is asked for, not in advance (slower pages, less memory)")
    s = sub.add_parser("lab", help="open the notebooks in JupyterLab with a company selected")
    _server_options(s, 8888)
    s.add_argument("--dir", default="smbkit-notebooks",
                   help="folder for your working copies of the notebooks (default: ./smbkit-notebooks)")
    s.add_argument("--no-browser", action="store_true", help="only print the address")
    return p


def _notebook_options(s, parameter_help: str, workers_help: str) -> None:
    """The options `smbkit run` and `smbkit batch` share."""
    s.add_argument("--notebooks", help="which notebooks, e.g. 01,03 (default: all)")
    s.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE", help=parameter_help)
    s.add_argument("--workers", type=int, help=workers_help)
    s.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                   help=f"a cell running longer is taken as a hung kernel and its notebook is run again (default: {DEFAULT_CELL_TIMEOUT:g})")


def _server_options(s, port: int) -> None:
    """The options `smbkit app` and `smbkit lab` share."""
    s.add_argument("--data", help="the company folder to open (default: the sample bakery)")
    s.add_argument("--port", type=int, default=port, help=f"the port on 127.0.0.1 (default: {port}; 0 picks a free one)")


def _parse_parameters(items: list[str]) -> dict:
    params = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ValueError(f"parameter {item!r} is not NAME=VALUE (e.g. -p scenario=growth)")
        try:
            params[name.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            params[name.strip()] = value
    return params


# Signals that stop a run the way Ctrl+C does (its workers and kernels stopped, its output dropped)
STOP_SIGNALS = ("SIGTERM", "SIGHUP")


def _raise_stopped(signum, frame):
    from .errors import Stopped

    raise Stopped(signum)


def main(argv=None) -> int:
    import signal
    import threading

    from ._runner import skip_slow_iri_checker

    skip_slow_iri_checker()
    args = _parser().parse_args(argv)
    previous = {}
    if threading.current_thread() is threading.main_thread():  # signal handlers belong to the main thread
        for name in STOP_SIGNALS:
            if hasattr(signal, name):
                previous[name] = signal.signal(getattr(signal, name), _raise_stopped)
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt as e:
        signum = getattr(e, "signum", signal.SIGINT)
        print(f"smbkit: stopped ({signal.Signals(signum).name}); workers and kernels are stopped, and the output folder "
              "holds what it held before", file=sys.stderr)
        return 128 + int(signum)
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _init(args) -> int:
    from .data import write_templates

    try:
        written = write_templates(args.folder)
    except FileExistsError as e:
        print(f"smbkit init: {e}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Wrote {len(written)} files into {args.folder}. Fill in company.yaml and employees.csv first; "
          f"read README.md there, then run: smbkit validate {args.folder}")
    return EXIT_OK


def _dictionary(args) -> int:
    from .data import data_dictionary_markdown

    sys.stdout.write(data_dictionary_markdown())
    return EXIT_OK


def _validate(args) -> int:
    from .data import InputError, load_company

    try:
        company = load_company(args.folder)
    except InputError as e:
        _print_input_error(e)
        return EXIT_INVALID
    held = [src for name, src in company.sources.items() if name in company.tables and len(company.tables[name])]
    empty = [src for name, src in company.sources.items() if src not in held]
    text = f"{args.folder}: OK. {company.settings.name}, analysis date {company.settings.as_of.date()}; read {', '.join(held)}"
    text += f" (no rows yet: {', '.join(empty)})." if empty else "."
    print(text)
    for note in company.notes:  # valid, but read other than as written
        print(f"  note: {note}")
    return EXIT_OK


def _import_survey(args) -> int:
    import datetime as dt

    from .data import InputError
    from .importers import read_google_forms, read_items, read_surveymonkey

    out = Path(args.out)
    try:
        dt.date.fromisoformat(args.wave)
    except ValueError:
        print(f"smbkit import-survey: --wave must be a date YYYY-MM-DD; got: {args.wave!r}", file=sys.stderr)
        return EXIT_INVALID
    if out.exists():
        print(f"smbkit import-survey: {out} exists already; write to a new file and add its rows to your survey_responses.csv",
              file=sys.stderr)
        return EXIT_INVALID
    mapping = {}
    for item in args.map:
        question, sep, target = item.rpartition("=")
        if not sep or not question.strip():
            print(f"smbkit import-survey: --map {item!r} is not QUESTION=TARGET", file=sys.stderr)
            return EXIT_INVALID
        mapping[question] = target.strip()
    try:
        items = read_items(args.items)
        reader = read_google_forms if args.format == "google-forms" else read_surveymonkey
        result = reader(args.export, items, wave=args.wave, columns=mapping)
    except InputError as e:
        _print_input_error(e)
        return EXIT_INVALID
    except OSError as e:
        print(f"smbkit import-survey: cannot read {e.filename}: {e.strerror}", file=sys.stderr)
        return EXIT_INVALID
    result.responses.to_csv(out, index=False, lineterminator="\n")
    print(f"Wrote {len(result.responses)} responses to {out}.")
    if result.ignored:
        print(f"Not carried over (never needed, or identifying): {', '.join(result.ignored)}")
    return EXIT_OK


def _print_input_error(e) -> None:
    print(str(e), file=sys.stderr)
    print("Nothing was changed. Fix the files and run the command again.", file=sys.stderr)


def _common(args):
    """Parameters and notebooks of run and batch, with their limits checked."""
    from .errors import UsageError
    from .notebooks import select_notebooks

    params = _parse_parameters(args.parameter)
    names = select_notebooks(args.notebooks)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1; got: {args.workers!r}")
    if args.cell_timeout <= 0:
        raise UsageError(f"--cell-timeout must be more than 0 seconds; got: {args.cell_timeout!r}")
    return params, names


def _batch(args) -> int:
    from .batch import batch, print_summary
    from .errors import UsageError

    try:
        params, names = _common(args)
        results = batch(args.clients, args.out, notebooks=names, parameters=params, workers=args.workers,
                        progress=sys.stderr.isatty(), cell_timeout=args.cell_timeout, scheduler=args.scheduler)
    except (UsageError, ValueError) as e:
        print(f"smbkit batch: {e}", file=sys.stderr)
        return EXIT_INVALID
    print_summary(results, args.out)
    return EXIT_OK if all(r.status == "ok" for r in results) else EXIT_FAILED


def _run(args) -> int:
    from .data import InputError
    from .errors import UsageError
    from .run import run

    try:
        params, names = _common(args)
        result = run(args.data, args.out, notebooks=names, parameters=params, workers=args.workers,
                     progress=sys.stderr.isatty(), cell_timeout=args.cell_timeout, pdf=args.pdf)
    except InputError as e:
        _print_input_error(e)
        return EXIT_INVALID
    except (UsageError, ValueError) as e:
        print(f"smbkit run: {e}", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.out)
    for r in result.notebooks:
        if not r.ok:
            print(f"smbkit run: {r.failure}. What it ran is kept in {r.output}.", file=sys.stderr)
    done = sum(r.ok for r in result.notebooks)
    print(f"{done} of {len(result.notebooks)} notebooks ran; report: {out / 'report.html'} (decision brief: {out / 'brief.html'}); "
          f"{len(result.tables)} tables in {out / 'tables'} and {out / 'tables.xlsx'}.")
    if args.pdf:
        if result.pdf_error:
            print(f"smbkit run: {result.pdf_error}", file=sys.stderr)
            return EXIT_FAILED
        print(f"PDF: {result.report.with_suffix('.pdf')}")
    return EXIT_OK if result.ok else EXIT_FAILED


def _company_for_server(args, command: str):
    """The company folder a server opens, checked first; None (after the messages) when it is invalid."""
    from .data import InputError, load_company, sample_dir

    folder = Path(args.data).resolve() if args.data else sample_dir()
    if not folder.is_dir():
        print(f"smbkit {command}: {folder} is not a folder", file=sys.stderr)
        return None
    try:
        load_company(folder)
    except InputError as e:
        _print_input_error(e)
        return None
    return folder


def _server_port(args, command: str) -> int | None:
    from .app import free_port, port_is_free

    if args.port == 0:
        return free_port()
    if not 1 <= args.port <= 65535:
        print(f"smbkit {command}: --port must be between 1 and 65535 (or 0 for any free port); got: {args.port}", file=sys.stderr)
        return None
    if not port_is_free(args.port):
        print(f"smbkit {command}: port {args.port} is in use (another smbkit {command} still running?); "
              f"stop it, or choose another port with --port (0 picks a free one)", file=sys.stderr)
        return None
    return args.port


def _clients_default(clients: Path):
    """The first company under a clients folder that passes validation (None when none does)."""
    from .app import Companies
    from .data import InputError, load_company

    for folder in Companies(clients, (clients,)).folders().values():
        try:
            load_company(folder)
        except InputError:
            continue
        return folder
    return None


def _app(args) -> int:
    from .app import CLIENTS_ENV, DEFAULT_SAVE_DIR, SAVE_ENV, app_command, serve
    from .data import sample_dir
    from .notebooks import START

    env = {}
    clients = Path(args.clients).resolve() if args.clients else None
    if clients is not None:
        if not clients.is_dir():
            print(f"smbkit app: --clients {clients} is not a folder", file=sys.stderr)
            return EXIT_INVALID
        env[CLIENTS_ENV] = str(clients)
    if args.max_pages < 1 or args.idle_minutes <= 0:
        print(f"smbkit app: --max-pages must be at least 1 and --idle-minutes more than 0; got: {args.max_pages!r}, "
              f"{args.idle_minutes!r}", file=sys.stderr)
        return EXIT_INVALID
    if args.data or clients is None:
        folder = _company_for_server(args, "app")
    else:
        folder = _clients_default(clients) or sample_dir()
    port = _server_port(args, "app")
    if folder is None or port is None:
        return EXIT_INVALID
    save = Path(args.save_dir).resolve() if args.save_dir else (clients or Path.cwd() / DEFAULT_SAVE_DIR)
    if save.is_relative_to(folder.resolve()):
        print(f"smbkit app: --save-dir {save} is inside the company folder, which is never changed; choose another folder",
              file=sys.stderr)
        return EXIT_INVALID
    env[SAVE_ENV] = str(save)
    address = f"http://127.0.0.1:{port}/voila/render/{START}.ipynb"
    command = app_command(port, preheat=not args.no_preheat, max_pages=args.max_pages, idle_minutes=args.idle_minutes)
    return serve(command, folder, port, address, env=env)


def _lab(args) -> int:
    from .app import lab_command, new_token, prepare_workspace, serve
    from .notebooks import START

    folder = _company_for_server(args, "lab")
    port = _server_port(args, "lab")
    if folder is None or port is None:
        return EXIT_INVALID
    workspace, kept = prepare_workspace(args.dir)
    for name in kept:
        print(f"Kept your changed copy of {name} in {workspace} (delete it to get smbkit's current one).")
    token = new_token()
    address = f"http://127.0.0.1:{port}/lab/tree/{START}.ipynb?token={token}"
    return serve(lab_command(workspace, port, token, browser=not args.no_browser), folder, port, address)


_COMMANDS = {"init": _init, "dictionary": _dictionary, "validate": _validate, "import-survey": _import_survey, "run": _run,
             "batch": _batch, "app": _app, "lab": _lab}

if __name__ == "__main__":
    sys.exit(main())
