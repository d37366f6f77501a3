"""Browser speed: the Mapa page and a plain Streamlit map of the same data, served for real, in headless Chromium.

For N innovations (`demo.build(N, seed=1)` written as a store, one file per size for the run), two
apps are served in turn by `streamlit run` on a free loopback port:

- atlas: dashboard/app.py (`ATLAS_STORE`), on the Mapa page;
- plain: benchmarks/plain_app.py on the same GeoPackage: a cached geopandas read, one region
  multiselect, "N de M innovaciones", and `FastMarkerCluster` fitted to the points via
  `st_folium(..., returned_objects=[])`, with Leaflet served by the app (`serve_locally`).

Debian's Chromium (Playwright) opens each with every request beyond loopback aborted. Two measures:

- load_s: from navigation start to the first animation frame in which the page says it shows all N
  and the map's frame draws N points (single markers, circles and the counts of clusters);
- filter_change_s: from the press (pointerdown) on the region filter to the first frame in which the
  count text and the map both show the new selection. The changes go round CYCLE, one click each:
  choose Puno, add Cusco, remove Puno, remove Cusco (back to all). A selection recurs only every
  fourth run, after Streamlit's message cache (`global.maxCachedMessageAge`, 2 runs) has let its map
  go, so every timed change sends its map in full, as a new choice does (`map_messages_cached` checks).

Times are the page's own clock, polled once per animation frame by benchmarks/browser_probe.js;
medians of `repeat` timed loads (each in a fresh browser context, a new session) and `repeat` rounds
of CYCLE, after one untimed load and round. A map that loads every point but leaves some undrawn
is counted in incomplete_draws (its time is when loading ended: a lower bound). `timeline_s` says
where a change's time goes: median seconds after the press until the rerun request is sent, the
server's run starts, the map's message arrives (st_folium's element), the run finishes, the map's
frame gets its new arguments, and the points are drawn.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.map_speed import synthetic
from dashboard.data.backend import open_store
from dashboard.data.vocab import region_label
from dashboard.paths import STATIC
from tests.browser import CHROMIUM, Server, Watch, _healthy, free_port, launch, watched_page

HERE = Path(__file__).resolve().parent
PROBE = HERE / "browser_probe.js"
PLAIN_APP = HERE / "plain_app.py"
# (add or remove, region): single clicks through {Puno}, {Puno, Cusco}, {Cusco} and {} (all innovations);
# Puno and Cusco hold about a ninth and an eighth of the demo innovations
CYCLE = ((True, "PE-PUN"), (True, "PE-CUS"), (False, "PE-PUN"), (False, "PE-CUS"))
LABELS = {"atlas": lambda code: region_label(code, "es"), "plain": str}  # app -> a region's option label
FILTER_LABEL = "Región"  # both apps' region multiselect
WAIT_MS = 180_000  # a page or change that takes longer than this fails the run
QUIET_MS = 500  # between changes: Streamlit idle and its websocket silent this long
# the websocket messages a change's timeline is read from, by their protobuf field numbers
RERUN = BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number
STARTED = ForwardMsg.DESCRIPTOR.fields_by_name["new_session"].number
FINISHED = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number
COMPONENT = Element.DESCRIPTOR.fields_by_name["component_instance"].number  # the map: st_folium's element
CACHED = ForwardMsg.DESCRIPTOR.fields_by_name["ref_hash"].number  # a message the browser has already: its hash
GOALS = {  # from the issue: (app size, the measure, the most seconds it may take)
    "filter_change_at_10k_at_most_0.5_s": (10_000, "filter_change_s", 0.5),
    "page_load_at_10k_at_most_3_s": (10_000, "load_s", 3.0),
    "filter_change_at_100k_at_most_2_s": (100_000, "filter_change_s", 2.0),
}
FASTER_THAN_PLAIN = 2.0  # the atlas's filter change at least this many times faster than the plain app's


def _median(values: list[float]) -> float | None:
    """The median, rounded to 0.1 ms (None without values)."""
    return round(statistics.median(values), 4) if values else None


def _round() -> Iterator[tuple[bool, str, str, list[str]]]:
    """CYCLE's clicks: add or remove, the region, and the selection reached (its name, its regions)."""
    chosen: list[str] = []
    for add, region in CYCLE:
        chosen = [*chosen, region] if add else [code for code in chosen if code != region]
        yield add, region, "+".join(chosen) or "all", chosen


@contextmanager
def _served(app: str, store: Path, folder: Path) -> Iterator[str]:
    """The URL of `app` run by `streamlit run` for `store`; the server and its children stop on leaving."""
    if app == "atlas":
        server = Server(store=store, log=folder / "atlas.log")
        server.start()
    else:
        server = _plain_server(store, folder)
    try:
        yield server.url
    finally:
        server.stop()


def _plain_server(store: Path, folder: Path) -> Server:
    """plain_app.py copied into `folder` next to a `static` link to the atlas's assets, served on loopback."""
    app = folder / "plain"
    app.mkdir(exist_ok=True)
    shutil.copy(PLAIN_APP, app / PLAIN_APP.name)
    if not (app / "static").exists():
        (app / "static").symlink_to(STATIC, target_is_directory=True)
    port = free_port()
    server = Server(store=store, log=folder / "plain.log", url=f"http://127.0.0.1:{port}")
    command = [sys.executable, "-m", "streamlit", "run", PLAIN_APP.name, "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--server.enableStaticServing", "true"]
    command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--", str(store)]
    with server.log.open("wb") as out:
        server.process = subprocess.Popen(
            command, cwd=app, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while not _healthy(server.url):
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the plain app did not start: {server.log.read_text()[-2000:]}")
        time.sleep(0.2)  # polling the health endpoint; no browser is waiting on this server yet
    return server


def _shown(page, expected: int, token: str) -> dict:
    """Wait until the page and its map show `expected` innovations; when (page clock) and whether completely."""
    handle = page.wait_for_function("arg => window.__benchShows(arg)", arg=[expected, token], timeout=WAIT_MS)
    return handle.json_value()


def _load(chromium, url: str, total: int, watch: Watch, token: str):
    """Open `url` in a fresh context; (the probe's answer once all points are drawn, context, page)."""
    context, page = watched_page(chromium, watch)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(path=PROBE)
    page.goto(url, wait_until="commit")
    return _shown(page, total, token), context, page


def _change(page, label: str, add: bool, expected: int, token: str) -> dict:
    """Add or remove the region `label`; the press, the end and the probe's marks."""
    page.wait_for_function("ms => window.__benchQuiet(ms)", arg=QUIET_MS, timeout=WAIT_MS)
    widget = page.locator("[data-testid=stMultiSelect]", has=page.get_by_role("combobox", name=FILTER_LABEL))
    if add:
        field = widget.get_by_role("combobox")
        field.click()
        field.fill(label)
        target = page.get_by_role("option", name=label, exact=True).first
    else:
        target = widget.get_by_role("button", name=f"Remove {label}", exact=True)
    target.wait_for()
    presses = page.evaluate("window.__bench.pointerdown.length")
    target.click()
    shown = _shown(page, expected, token)
    page.keyboard.press("Escape")  # close the options list
    marks = page.evaluate("window.__bench")
    renders = []
    for frame in page.frames:
        if "streamlit_folium" in frame.url:
            try:
                renders += frame.evaluate("window.__bench ? window.__bench.render : []")
            except PlaywrightError:  # a frame replaced while it was read
                continue
    start = marks["pointerdown"][presses]
    return {**shown, "start": start, "end": shown["at"], "marks": marks, "renders": renders}


def _timeline(change: dict) -> tuple[dict, int | None]:
    """Seconds after the press of each step of a change (None if not seen), and the map message's bytes.

    The bytes are None when the browser had the map's message cached and got only its hash.
    """
    start, end, marks = change["start"], change["end"], change["marks"]
    sent = next((at for at, _, kinds, _ in marks["sent"] if at >= start and RERUN in kinds), None)
    after = [message for message in marks["received"] if sent is not None and message[0] >= sent]
    started = next((at for at, _, kinds, _ in after if STARTED in kinds), None)
    finished = next((at for at, _, kinds, _ in after if FINISHED in kinds), None)
    at, size, kinds, _ = next(
        (message for message in after if COMPONENT in message[3] or CACHED in message[2]), (None, None, [], [])
    )
    steps = {
        "rerun_sent": sent,
        "run_started": started,
        "map_message_received": at,
        "run_finished": finished,
        "map_args_received": max((render for render in change["renders"] if start <= render <= end), default=None),
        "points_drawn": end,
    }
    return {step: None if at is None else (at - start) / 1000 for step, at in steps.items()}, (
        None if CACHED in kinds else size
    )


def _close(context) -> None:
    """Close a browser context without its routes failing on requests still in flight."""
    context.unroute_all(behavior="ignoreErrors")
    context.close()


def _measure(chromium, url: str, label: Callable[[str], str], counts: dict[str, int], repeat: int) -> dict:
    """Loads and filter changes of one served app; `counts`: innovations shown per selection (CYCLE's, "all")."""
    watch = Watch()
    loads, incomplete, changes, context = [], 0, {}, None
    try:
        for run in range(repeat + 1):  # the first load is a warm-up (the server reads the store)
            if context is not None:
                _close(context)
            shown, context, page = _load(chromium, url, counts["all"], watch, f"load{run}")
            loads += [shown] if run else []
            incomplete += not shown["complete"]
        for run in range(repeat + 1):  # the first round is a warm-up
            for add, region, selection, _ in _round():
                change = _change(page, label(region), add, counts[selection], f"{selection}{run}")
                incomplete += not change["complete"]
                if run:
                    changes.setdefault(selection, []).append(change)
    finally:
        if context is not None:
            _close(context)
    timed = [change for runs in changes.values() for change in runs]
    timelines = [_timeline(change) for change in timed]
    return {
        "load_s": _median([shown["sinceStart"] / 1000 for shown in loads]),
        "points_drawn_on_load": min(shown["drawn"] for shown in loads),
        "filter_change_s": _median([_seconds(change) for change in timed]),
        "steps": {selection: _step(runs) for selection, runs in changes.items()},
        "load_runs_s": [round(shown["sinceStart"] / 1000, 3) for shown in loads],
        "filter_change_runs_s": [round(_seconds(change), 3) for change in timed],
        "incomplete_draws": incomplete,
        "map_messages_cached": sum(size is None for _, size in timelines),
        "timeline_s": {
            step: _median([t[step] for t, _ in timelines if t[step] is not None]) for step in timelines[0][0]
        },
        "outside_requests": len(watch.outside),
        "page_errors": sorted({error[:160] for error in watch.errors}),
    }


def _step(changes: list[dict]) -> dict:
    """The changes to one selection: median time, fewest points drawn, largest map message sent in full."""
    sizes = [size for _, size in map(_timeline, changes) if size is not None]
    return {
        "filter_change_s": _median([_seconds(change) for change in changes]),
        "points_drawn": min(change["drawn"] for change in changes),
        "map_message_bytes": max(sizes, default=None),
    }


def _seconds(change: dict) -> float:
    """How long a change took, press to points drawn."""
    return (change["end"] - change["start"]) / 1000


def _ratio(plain: float | None, atlas: float | None) -> float | None:
    """How many times longer the plain app took (None if either is missing)."""
    return round(plain / atlas, 2) if plain and atlas else None


def compare(chromium, sizes: list[int], repeat: int) -> dict:
    """Both apps at each size, in the given Chromium (the benchmark's core; the test runs it small)."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            dataset = synthetic(n)
            store = Path(folder) / f"bench-{n}.gpkg"
            open_store(store).create(dataset)
            regions = dataset.innovations["region"].astype(str)
            counts = {selection: int(regions.isin(chosen).sum()) if chosen else n for *_, selection, chosen in _round()}
            row = {"innovations": n, "innovations_shown": counts}
            for app, label in LABELS.items():
                with _served(app, store, Path(folder)) as url:
                    row[app] = _measure(chromium, url, label, counts, repeat)
            for measure in ("load_s", "filter_change_s"):
                row[f"{measure[:-2]}_ratio_plain_vs_atlas"] = _ratio(row["plain"][measure], row["atlas"][measure])
            rows.append(row)
    return {"notes": _notes(chromium, repeat), "goals": _goals(rows), "sizes": rows}


def _goals(rows: list[dict]) -> dict:
    """Each goal of the issue met or not (None when its size was not measured)."""
    by_size = {row["innovations"]: row for row in rows}
    goals = {}
    for name, (n, measure, most) in GOALS.items():
        seconds = by_size[n]["atlas"][measure] if n in by_size else None
        goals[name] = None if seconds is None else seconds <= most
    goals[f"filter_change_{FASTER_THAN_PLAIN:g}x_faster_than_plain"] = {
        row["innovations"]: (row["filter_change_ratio_plain_vs_atlas"] or 0) >= FASTER_THAN_PLAIN for row in rows
    }
    return goals


def _notes(chromium, repeat: int) -> dict:
    """What the numbers are, in short, and the Chromium that measured them."""
    return {
        "chromium": chromium.version,
        "runs": f"medians of {repeat} loads and {repeat} rounds of changes, after one untimed of each",
        "filter_change_s": "press -> text and map show the new selection; a round: choose Puno, add Cusco, "
        "remove Puno, remove Cusco (`steps`, by the selection reached)",
        "ratios": "plain / atlas",
        "incomplete_draws": "loads or changes (warm-ups included) whose map loaded every point but left some "
        "undrawn for 3 s; their time is when loading ended",
        "timeline_s": "median seconds after the press at which each step of a change happened",
        "more": "the docstring of benchmarks/browser_speed.py",
    }


def run(sizes: list[int], repeat: int) -> dict:
    """The suite for `python -m benchmarks`: Debian's Chromium, launched for the run and closed after it."""
    with sync_playwright() as playwright:
        chromium = launch(playwright, CHROMIUM)
        try:
            return compare(chromium, sizes, repeat)
        finally:
            chromium.close()
