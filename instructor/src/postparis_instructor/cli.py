"""The instructor's command line: ``postparis-instructor SUBCOMMAND``.

Each area of instructor tooling registers its subcommands here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from postparis_instructor.bench import add_bench_command
from postparis_instructor.grading import add_grade_command
from postparis_instructor.lab import add_lab_command
from postparis_instructor.sandbox import add_sandbox_commands

__all__ = ["main"]


def _build_notebooks(args: argparse.Namespace) -> int:
    from postparis_instructor.build import build_student_notebooks
    from postparis_instructor.course import module_ids, unknown_module

    for module in args.modules:
        problem = unknown_module(module, module_ids())
        if problem:
            print(f"postparis-instructor build-notebooks: error: {problem}", file=sys.stderr)
            return 2
    changed = build_student_notebooks(check=args.check, modules=args.modules or None)
    if args.check:
        if changed:
            print("Out of date (run `make notebooks`): " + ", ".join(changed))
            return 1
        print("Student notebooks are up to date.")
        return 0
    print("Rebuilt: " + (", ".join(changed) if changed else "nothing (all up to date)"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="postparis-instructor",
        description="Instructor tools for the postparis course.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build-notebooks",
        help="generate notebooks/<id>.ipynb from the answer key in assignments/source",
    )
    build.add_argument("modules", nargs="*", help="module ids (default: all)")
    build.add_argument(
        "--check",
        action="store_true",
        help="only report notebooks that are out of date (exit 1 if any)",
    )
    build.set_defaults(func=_build_notebooks)
    add_grade_command(sub)
    add_lab_command(sub)
    add_bench_command(sub)
    add_sandbox_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the instructor command line."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":  # only `lab` passes options on (to jupyter lab)
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "lab":
        args.jupyter_args = [*args.jupyter_args, *extra]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
