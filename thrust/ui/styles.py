"""Design tokens: one accent, one gray, spacing and sizes shared by every page."""

from __future__ import annotations

ACCENT = "orange"
GRAY = "slate"
RADIUS = "large"

SIDEBAR_WIDTH = "15rem"
HEADER_HEIGHT = "3.75rem"
CONTENT_MAX_WIDTH = "80rem"

FONT_STACK = (
    "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
)

BASE_STYLE = {
    "font_family": FONT_STACK,
    "-webkit-font-smoothing": "antialiased",
}

# Radix colour scale steps: 2 = subtle background, 3/4 = hover, 6 = border, 11 = low-contrast text.
SURFACE = "var(--gray-2)"
BORDER = "1px solid var(--gray-a5)"
LIGHT_BORDER = "1px solid var(--gray-a4)"  # the rule between the planner's rows: many to a card
HOVER = "var(--gray-a3)"
ACTIVE_BG = "var(--accent-a3)"
ACTIVE_FG = "var(--accent-11)"
MUTED = "var(--gray-11)"

# The page's content column (the main area, and the demo banner lined up with it), and its margins.
CONTENT_COLUMN = {"width": "100%", "max_width": CONTENT_MAX_WIDTH}
PAGE_PADDING = ["1rem", "1.5rem", "2rem"]

# Stays in view at the top while the page scrolls (the header, the sidebar's navigation).
STICKY_TOP = {"position": "sticky", "top": "0"}
COVER = {"position": "absolute", "inset": "0"}  # over the whole of the nearest positioned parent

# Text cut to one line with an ellipsis (a contact line in a narrow row).
ONE_LINE = {"white_space": "nowrap", "overflow": "hidden", "text_overflow": "ellipsis"}
