"""Runs every compile of a compile_commands.json with -fsyntax-only
(scripts/check-includes.sh): python3 syntax_check.py COMMANDS_JSON JOBS.
Each command keeps its flags; its output and dependency-file options are
dropped. Prints each failing source with the compiler's messages; exits 1
if any failed."""
import json
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# Options that name an output and take the next argument as their value.
OUTPUT_OPTIONS = {"-o", "-MT", "-MF", "-MQ"}


def syntax_only(command):
    args, kept = shlex.split(command), []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in OUTPUT_OPTIONS:
            skip = True
        elif arg not in ("-MD", "-MMD"):
            kept.append(arg)
    return kept + ["-fsyntax-only"]


def check(entry):
    done = subprocess.run(syntax_only(entry["command"]), cwd=entry["directory"],
                          capture_output=True, text=True)
    return entry["file"], done.returncode, done.stderr


def main():
    entries = json.load(open(sys.argv[1]))
    with ThreadPoolExecutor(max_workers=int(sys.argv[2])) as pool:
        results = list(pool.map(check, entries))
    failed = [(source, messages) for source, status, messages in results if status != 0]
    for source, messages in failed:
        print(f"check-includes: {source} does not compile on its own:\n{messages}", file=sys.stderr)
    print(f"check-includes: {len(entries) - len(failed)} of {len(entries)} sources compile on their own")
    sys.exit(1 if failed else 0)


main()
