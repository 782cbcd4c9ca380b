"""How fast does the app open its pages? Targets: warm under 2 s per page, the server up in under 10 s.

    python bench/app_speed.py [--repeat 3]

Cold start: `smbkit app` from the command to the moment it answers (and prints its address), and
then the start page asked for at once in a new browser, while the pools are still filling. Warm:
the app as it runs, each page's kernel preheated (the page already run); each page is opened in a
new tab once the pools are heated, ``--repeat`` times, the median reported. Cold open: the same
pages with ``--no-preheat``, where each request starts a kernel and runs the page. Tabs share one
browser whose cache already holds Voila's scripts (one page opened first, not counted), as an
owner's browser does after their first page. A page is open when it is ready to use
(bench/appbench.py).
"""

from __future__ import annotations

import argparse
import os
import statistics

from appbench import PAGES, chromium, open_page, start_app, stop_app, tab_browser, wait_until_idle


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    warm, cold = {}, {}
    with chromium() as browser:
        proc, base, up = start_app()
        try:
            fresh = tab_browser(browser)
            first = open_page(fresh, base, PAGES[0])
            fresh.close()
            print(f"cold start: the server answered after {up:.1f} s; the start page, asked for at once, opened "
                  f"{first:.1f} s later ({up + first:.1f} s after the command)")
            wait_until_idle(proc)
            tabs = tab_browser(browser)
            open_page(tabs, base, PAGES[0])  # the browser's cache now holds the scripts every page loads
            wait_until_idle(proc)
            for name in PAGES:
                times = []
                for _ in range(args.repeat):
                    times.append(open_page(tabs, base, name))
                    wait_until_idle(proc)  # the pool refilled and the page heated again
                warm[name] = times
            tabs.close()
        finally:
            stop_app(proc)
        proc, base, _ = start_app("--no-preheat")
        try:
            tabs = tab_browser(browser)
            open_page(tabs, base, PAGES[0])
            wait_until_idle(proc)
            for name in PAGES:
                times = []
                for _ in range(args.repeat):
                    times.append(open_page(tabs, base, name))
                    wait_until_idle(proc)
                cold[name] = times
            tabs.close()
        finally:
            stop_app(proc)
    print(f"\n{'page':<24} {'warm: median, best':>20} {'cold: median, best':>20}   ({args.repeat} opens each; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for name in PAGES:
        w, c = warm[name], cold[name]
        print(f"{name:<24} {statistics.median(w):>10.2f} s {min(w):>5.2f} s {statistics.median(c):>12.2f} s {min(c):>5.2f} s")
    slow = [n for n in PAGES if statistics.median(warm[n]) >= 2]
    print("every page opens warm in under 2 s (median)" if not slow else f"warm median over 2 s: {', '.join(slow)}")


if __name__ == "__main__":
    main()
