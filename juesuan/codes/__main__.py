"""``python -m juesuan.codes build [--check]`` rebuilds data/index.json (``build.main``);
``python -m juesuan.codes harvest FILE_OR_FOLDER ... [--label-root DIR]`` prints evidence rows (``harvest.main``)."""

from __future__ import annotations

import sys

from . import build, harvest

COMMANDS = {"build": build.main, "harvest": harvest.main}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
