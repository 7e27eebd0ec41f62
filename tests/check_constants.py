#!/usr/bin/env python3
"""The ABI check for constants: abidiff sees functions and types, not the
values of #defines and enumerators. This prints every public constant of
include/leadcore (error codes, violation codes and keys, enum values, flag
bits, limits, versions) by compiling a program against the headers, and
compares the list with the golden file abi/constants.txt. It fails when a
value changes, a constant disappears, or a new one is not in the golden list.

usage: check_constants.py CC SOURCE_ROOT [--update]
"""
import os
import re
import subprocess
import sys
import tempfile

cc, root = sys.argv[1], sys.argv[2]
update = "--update" in sys.argv[3:]
inc = os.path.join(root, "include")
golden = os.path.join(root, "abi", "constants.txt")
headers = []
for d, _, files in os.walk(os.path.join(inc, "leadcore")):
    headers += [os.path.join(d, f) for f in sorted(files) if f.endswith(".h")]

names, strings = [], set()
# The release's version numbers change by design.
skip = {"LC_API", "LC_BEGIN_DECL", "LC_END_DECL", "LC_VERSION_MAJOR", "LC_VERSION_MINOR",
        "LC_VERSION_PATCH", "LC_VERSION_STRING"}
for h in sorted(headers):
    text = open(h, encoding="utf-8").read()
    for m in re.finditer(r"^#\s*define\s+(LC_[A-Z0-9_]+)(\(?)[ \t]*(.*)$", text, re.M):
        name, fnlike, value = m.groups()
        if fnlike or name in skip or not value or value.lstrip().startswith("{"):
            continue
        if value.lstrip().startswith('"'):
            strings.add(name)
        names.append(name)
    for body in re.findall(r"typedef\s+enum\s+\w+\s*\{(.*?)\}", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        names += re.findall(r"^\s*(LC_[A-Z0-9_]+)\s*[=,\n]", body, re.M)

prog = ['#include <stdio.h>', '#include "leadcore/leadcore.h"', '#include "leadcore/sys/storage.h"',
        "int main(void)", "{",
        '#define E(n, v, t) printf("LC_%s %lld\\n", #n, (long long)LC_##n);',
        "\tLC_ERROR_LIST(E)",
        '#define V(n, v, k) printf("LC_V_%s %lld %s\\n", #n, (long long)LC_V_##n, k);',
        "\tLC_VIOLATION_LIST(V)"]
for n in sorted(set(names)):
    if n in strings:
        prog.append('\tprintf("%%s %%s\\n", "%s", %s);' % (n, n))
    else:
        prog.append('\tprintf("%%s %%lld\\n", "%s", (long long)(%s));' % (n, n))
prog += ["\treturn 0;", "}"]

with tempfile.TemporaryDirectory() as tmp:
    src, exe = os.path.join(tmp, "constants.c"), os.path.join(tmp, "constants")
    open(src, "w").write("\n".join(prog) + "\n")
    subprocess.run([cc, "-std=c17", "-I", inc, "-o", exe, src], check=True)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
now = sorted(set(out.splitlines()))

if update:
    with open(golden, "w") as f:
        f.write("# Every public constant and its value (tests/check_constants.py --update).\n")
        f.write("# A value never changes; a constant is only ever added (docs/abi.md).\n")
        f.write("\n".join(now) + "\n")
    print(f"{golden}: {len(now)} constants")
    sys.exit(0)

want = [l for l in open(golden).read().splitlines() if l and not l.startswith("#")]
by_name = lambda lines: {l.split(" ", 1)[0]: l for l in lines}
old, new = by_name(want), by_name(now)
bad = 0
for n in sorted(old):
    if n not in new:
        print(f"removed: {old[n]}")
        bad = 1
    elif new[n] != old[n]:
        print(f"changed: {old[n]}  ->  {new[n]}")
        bad = 1
for n in sorted(set(new) - set(old)):
    print(f"not in abi/constants.txt: {new[n]} (add it: tests/check_constants.py CC . --update)")
    bad = 1
print(f"{len(now)} constants checked" if not bad else "constants differ from abi/constants.txt")
sys.exit(bad)
