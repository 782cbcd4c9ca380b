"""Do the kernels of closed pages go away? Opens and closes 20 pages, waits a minute, counts what is left.

    python bench/app_kernels.py [--pages 20] [--wait 60] [--no-preheat]

Starts `smbkit app`, waits until its preheated pools are filled, then opens the app's pages one
after another (the start page, 01-05, the data editor, round and round), each until it is ready
and then left as closing its tab does. After ``--wait`` seconds it reports the live kernels (the
preheated ones waiting in the pools, one per page, and any others) and the app's memory (RSS of
the command, the server and the kernels). Before the fix every page left its kernel
running (issue 18: 16 page views left 16 kernels and 2.85 GB until the server stopped).
"""

from __future__ import annotations

import argparse
import time

from appbench import PAGES, chromium, kernels, memory_mb, open_page, start_app, stop_app, tab_browser, wait_until_idle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--wait", type=float, default=60.0)
    parser.add_argument("--no-preheat", action="store_true")
    args = parser.parse_args(argv)
    pooled = 0 if args.no_preheat else len(PAGES)  # smbkit.app.POOL_SIZE = 1 per page
    with chromium() as browser:
        proc, base, _ = start_app(*(["--no-preheat"] if args.no_preheat else []))
        try:
            wait_until_idle(proc)
            before, mem_before = len(kernels(proc)), memory_mb(proc)
            print(f"before: {before} kernels ({pooled} preheated, waiting), {mem_before:,.0f} MB")
            opened = []
            tabs = tab_browser(browser)
            for k in range(args.pages):
                name = PAGES[k % len(PAGES)]
                opened.append(open_page(tabs, base, name))
            tabs.close()
            peak = len(kernels(proc))
            print(f"opened and closed {args.pages} pages (median {sorted(opened)[len(opened) // 2]:.1f} s each); "
                  f"{peak} kernels right after the last one")
            time.sleep(args.wait)
            live, mem = len(kernels(proc)), memory_mb(proc)
            print(f"after {args.wait:.0f} s: {live} kernels live ({pooled} of them preheated for the next page, "
                  f"{max(0, live - pooled)} others), {mem:,.0f} MB")
        finally:
            stop_app(proc)


if __name__ == "__main__":
    main()
