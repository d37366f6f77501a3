"""Every colour the atlas draws with, named once: the web map, the charts, the printed brief and the downloads.

Plain values with no imports, so that screen (folium, Altair), print (matplotlib, reportlab) and
spreadsheets (openpyxl) read the same names and a map, its chart and its brief match.
"""

from __future__ import annotations

# --- The atlas's own colours -------------------------------------------------------------------

# Earthy brown: dark enough on the light theme for colour-blind readers; every bar, on screen and in print.
BAR_COLOUR = "#8C5A2B"
# The region circles count innovations as the bars do, so they share the bars' colour.
REGION_COLOUR = BAR_COLOUR
PRESENTED_POINT = "#1f5f8b"  # presentation mode's one point colour: deep blue, apart from the brown circles
# Dark brown for numbers written beside the bars: readable on white and on the bars' pale shades.
BAR_TEXT = "#3b2a1a"
# Prolinnova green: headings of the brief, the public points of its map, the header row of a workbook.
GREEN = "#4A6B2A"
WHITE = "#ffffff"  # rims around points and swatches, so touching colours stay apart
# Warm paper behind text set over the map (the offline notice, the standalone page's header and legend).
PAPER = "#fffdf8"
CAPTION_TEXT = "#5b4631"  # brown caption under the standalone page's title, quieter than its heading

# --- The app's theme ---------------------------------------------------------------------------
# `.streamlit/config.toml` repeats these for Streamlit; tests/test_contrast.py keeps the two equal.

PAGE = "#FBF8F2"  # unbleached cotton behind every page and its charts
SIDEBAR = "#EFE6D6"  # the sidebar and the input fields
# Near-black brown body text: Streamlit writes captions in it at 60 % opacity, which must still read 4.5:1
# on the page and on the sidebar (#2E2A24 gave captions #807c76, 3.9:1).
INK = "#14110d"
AXIS_TEXT = "#625c53"  # chart axes and legends: quieter than the ink, 6.2:1 on the page (Streamlit's grey: 3.5:1)

# --- The web map --------------------------------------------------------------------------------

WATER = "#dce8ea"  # pale blue-grey sea: recedes behind every layer
LAND = "#f3ead7"  # the offline outlines' fill: pale sand, on which every layer colour keeps its contrast
OUTLINE = "#7a5c3e"  # country and boundary lines, and the frames of boxes drawn over the map
OUTLINE_STYLE = {"color": OUTLINE, "weight": 1, "fillColor": LAND, "fillOpacity": 1.0}
# Over tiles the outlines are lines only: the tiles already show land and sea.
OUTLINE_OVER_TILES = {"color": OUTLINE, "weight": 1.2, "fillOpacity": 0.0}
BOUNDARY_STYLE = {"color": OUTLINE, "weight": 0.8, "fillOpacity": 0.75}  # choropleth boundaries
# Paul Tol's muted scheme plus two of his "light" colours: colour-blind safe; one per domain, in DOMAIN's order.
DOMAIN_COLOURS = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#117733",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#EE8866",
    "#6699CC",
)
# Partner lines: the darker of Tol's muted colours, visible as thin lines on pale land; repeated past eight.
PARTNER_COLOURS = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#CC6677", "#6699CC")
# Choropleth classes, light to dark brown: one hue, so the order reads without a legend and in grey.
CHOROPLETH_COLOURS = ("#f7efe2", "#e8cfa8", "#d4a76a", "#b07a3b", "#7c5223")
# leaflet.heat's own gradient, which the heatmap layer draws; its legend shows the same.
HEAT_GRADIENT = "linear-gradient(90deg,blue,lime,red)"

# --- Print: the brief's map and charts ----------------------------------------------------------

PRINT_WATER = "#E3EDF3"  # lighter than on screen: paper adds no glow, and grey print keeps land and sea apart
PRINT_LAND = "#EFEBE3"  # the neighbours: a shade darker than the focus country
PRINT_FOCUS_LAND = "#FBF8F1"  # the network's country, lightest, so it reads as the subject
PRINT_BORDER = "#8F8F8F"  # borders and frames: grey, so no line competes with the data
COUNTRY_NAME = "#8A8A8A"  # country names: background information, quieter than region names
TEXT = "#333333"  # near-black body text: softer than black on white paper, still high contrast
GRID = "#DDDDDD"  # chart axes and grid lines
NO_DATA = "#777777"  # "no data" in an empty chart
GREY_TEXT = "#666666"  # small print in the brief: dates, captions, the footer
PALE_FILL = "#F1EEE6"  # behind the brief's headline figures

# The offline map's context: first-level regions and Peru's provinces under the data, towns named by rank.
REGION_LINE = {"color": OUTLINE, "weight": 1.3, "opacity": 0.9, "fill": False}
APPROXIMATE_LINE = {**REGION_LINE, "dashArray": "4 4"}  # a unit whose outline is rough (Galápagos)
PROVINCE_LINE = {"color": OUTLINE, "weight": 0.6, "opacity": 0.7, "dashArray": "3 3", "fill": False}
TOWN_TEXT = "#3b2a1a"  # dark brown on the sand-coloured land: readable on a washed-out projector
TOWN_HALO = "#fbf8f2"  # a halo of the land colour keeps a name readable across lines and points

# The year player: places with innovations from earlier years recede; the year's new ones stand out.
YEAR_EARLIER = "#6b7f4f"  # muted olive
YEAR_NEW = "#e07b00"  # strong orange, with a dark rim: seen on a washed-out projector
YEAR_NEW_RIM = TOWN_TEXT

# The room's QR code: black on white, the contrast every phone camera reads.
QR_DARK = "#000000"
QR_LIGHT = WHITE

# Local Contexts badges (dashboard/static/labels/): one colour per family, white text on it (at least 7:1)
LABEL_TK = "#1d3b5c"  # Traditional Knowledge: deep blue
LABEL_BC = "#2f4f1f"  # Biocultural: deep green
LABEL_NOTICE = "#3b2a1a"  # notices: dark brown
