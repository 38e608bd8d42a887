"""axe-core (from npm, pinned in frontend/package.json) run inside pages and frames."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Frame, Page

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def violations(target: Page | Frame, exclude: list[str] | None = None) -> list[dict]:
    """axe's critical and serious violations in this page or frame (not its sub-frames)."""
    # Evaluated through the DevTools protocol, not added as a <script>: every page's CSP
    # (script-src 'self') refuses inline scripts, and the pages are tested under it.
    target.evaluate(f"(() => {{ {AXE.read_text()}\n}})()")
    found = target.evaluate(
        """async (exclude) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            const result = await axe.run(context, { iframes: false, resultTypes: ["violations"] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary) }));
        }""", exclude or [])
    return [v for v in found if v["impact"] in BLOCKING]
