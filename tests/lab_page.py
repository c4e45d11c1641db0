"""A student's moves in JupyterLab, driven by Playwright: open a notebook, Run > Run All Cells,
wait until the kernel has run every cell, read the self-check's tables from the output areas.
Selectors are JupyterLab 4's (as its own UI tests, Galata, use them)."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

RUN = 900_000  # ms: the bound on Run All of one notebook, on a shared slow machine

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in view
# every code cell's prompt: "[*]" while queued or running, "[n]" once run, "[ ]" never run
PROMPTS = f"() => [...document.querySelectorAll('{PANEL} .jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent)"
QUEUED = f"() => ({PROMPTS})().some(t => t.includes('*'))"
SETTLED = (f"() => {{ const p = ({PROMPTS})(); return p.length > 0 && !p.some(t => t.includes('*'))"
           " && p.some(t => /\\d/.test(t))"
           " && document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle'; }")
TABLES = f"""() => [...document.querySelectorAll('{PANEL} .jp-OutputArea-output .edf-selfcheck')].map(t => ({{
  title: t.querySelector('p > b').textContent,
  rows: [...t.querySelectorAll('tr')].slice(1)
    .map(r => [r.cells[0].querySelector('code').textContent, r.cells[1].textContent.trim()]),
  notes: [...t.querySelectorAll('p.where')].map(p => p.textContent)}}))"""
ERRORS = ("() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
          ".map(e => e.textContent.slice(-600))")


@dataclass
class Table:
    """One `check(...)` table as the page shows it."""
    title: str
    rows: dict[str, str]           # item -> status shown (pass, fail, missing, skipped, error)
    notes: list[str] = field(default_factory=list)


@dataclass
class Run:
    tables: list[Table]
    prompts: list[str]
    errors: list[str]              # the text of error and stderr outputs


def _kernel_started(page, lab, notebook: str, wait: float = 180) -> None:
    """Wait for the notebook's kernel, answering JupyterLab's "Select Kernel" as a student does (Select)."""
    deadline = time.monotonic() + wait
    while lab.kernel_state(notebook) != "idle":
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        if accept.count():
            accept.first.click()
        if time.monotonic() > deadline:
            raise AssertionError(f"no idle kernel for {notebook} after {wait:.0f} s:\n{lab.tail()}")
        page.wait_for_timeout(500)


def start_run_all(browser, lab, notebook: str):
    """Open `notebook` (relative to the server's root) in a new page and run all its cells as a student
    does (the Run menu); the page, running. Several notebooks run at once, each in its kernel."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(120_000)
    # a workspace of its own: JupyterLab's default one would reopen the other pages' notebooks here
    workspace = re.sub(r"[^A-Za-z0-9]", "-", notebook)
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{notebook}?token={lab.token}")
    page.locator(f"{PANEL} .jp-CodeCell").first.wait_for()
    _kernel_started(page, lab, notebook)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(QUEUED)  # the fresh notebook's cells queued: what settles next is this run
    return page


def finish_run_all(page, shot: Path) -> Run:
    """Wait until the kernel is idle with every cell settled, read the page; screenshot into `shot`."""
    try:
        page.wait_for_function(SETTLED, timeout=RUN, polling=1000)
        tables = [Table(t["title"], dict(t["rows"]), t["notes"]) for t in page.evaluate(TABLES)]
        shown = page.locator(f"{PANEL} .jp-OutputArea-output .edf-selfcheck")
        failing = shown.filter(has=page.locator("td.fail"))
        if tables:  # the screenshot shows the first failing table, else the last one
            (failing.first if failing.count() else shown.last).scroll_into_view_if_needed()
        return Run(tables, page.evaluate(PROMPTS), page.evaluate(ERRORS))
    finally:  # also what the page showed when a wait ran out
        page.screenshot(path=str(shot))
        page.close()
