"""The README's compatibility section: the current figure and how to reproduce it.

``--write-passing`` (and ``--write-readme`` on any whole-suite run against Zephyr) rewrites the
text between the compat markers, so the figure in the README is always that of the last
recorded run, never one typed by hand. The section goes before the benchmarks' section when
the markers are not there yet.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from tools.compat import env
from tools.compat.results import Summary

README = env.REPO_ROOT / "README.md"
START = "<!-- compat:start -->"
END = "<!-- compat:end -->"
# Put a new section right before this marker (the benchmarks' section), or at the end.
BEFORE = "<!-- bench:start -->"
COMMAND = ".venv/bin/python -m tools.compat"


def section(summary: Summary, when: datetime | None = None) -> str:
    """Return the section's markdown (without the markers) for a whole-suite run's summary."""
    when = when or datetime.now(timezone.utc)
    counted = summary.passed + summary.failed
    excluded = summary.excluded
    return f"""\
## FastAPI compatibility

FastAPI {env.FASTAPI_VERSION}'s own test suite (`tests/` of its PyPI source distribution,
downloaded at run time) runs against Zephyr, with `import fastapi` aliased to `zephyr`:

- **{summary.passed} of {counted} counted tests pass ({summary.percent:.1f}%)**, \
{summary.failed} fail (run of {when:%Y-%m-%d}).
- Not counted: {sum(excluded.values())} tests, each listed with its reason in
  `tools/compat/excluded.json` ({excluded["baseline"]} that the real FastAPI does not pass \
here, {excluded["private"]} that
  use FastAPI's underscore-private names, {excluded["tooling"]} of FastAPI's repository \
scripts and CLI).
- `scripts/test`, and so CI, runs `{COMMAND} --check` after pytest;
  it fails when a test listed in `tools/compat/passing.txt` stops passing.

To reproduce (about 5 minutes; the first run also builds a virtualenv under
`~/.cache/zephyr-compat`, about a minute):

```bash
{COMMAND}                  # ends with `compat: N passed, M failed`
{COMMAND} --write-passing  # + rewrite passing.txt, this section
```

See `tools/compat/README.md` for the options, how tests are counted and the JSON output.
"""


def update(summary: Summary, readme: Path = README, when: datetime | None = None) -> None:
    """Rewrite the README's compat section (inserting it before the benchmarks' if absent)."""
    text = readme.read_text()
    block = f"{START}\n{section(summary, when).rstrip()}\n{END}"
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    elif BEFORE in text:
        text = text.replace(BEFORE, f"{block}\n\n{BEFORE}", 1)
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    readme.write_text(text)
    print(f"compat: rewrote the compat section of {readme}")
