#!/usr/bin/env python3
"""One way to refuse a NULL argument (issue 13, item 9): LC__ARG / LC__ARG_IN
(src/core/core.h), whose message is "<function>: <parameter> is NULL".

Fails when
- a string literal in src/ says "is NULL" anywhere but in lc__arg_null(), the
  one function behind the macros (a hand-written message has come back);
- LC__ARG(ptr, "name") in a public function, or LC__ARG_IN("lc_call", ptr,
  "name") anywhere, names something that is not one of the parameters the
  header declares (the message would name a parameter the caller cannot find
  in the documentation);
- LC__ARG is used outside a public function (its message would name an
  internal one).

usage: check_arg_checks.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1]
problems = []


def sources(sub, exts):
    for d, _, files in os.walk(os.path.join(root, sub)):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.join(d, f)


def params(arglist):
    """Parameter names of a C parameter list ("void" and "..." give none)."""
    out = []
    for a in arglist.split(","):
        a = a.strip()
        if a in ("", "void", "..."):
            continue
        m = re.search(r"(\w+)\s*(\[[^\]]*\])?$", a)
        out.append(m.group(1))
    return out


# Public prototypes: LC_API ... lc_name(params);
declared = {}
for h in sources("include", (".h",)):
    text = open(h, encoding="utf-8").read()
    for m in re.finditer(r"LC_API\s[^;{]*?\b(lc_\w+)\s*\(([^;{]*?)\)\s*;", text, re.S):
        declared[m.group(1)] = params(m.group(2))
if len(declared) < 100:
    sys.exit(f"found only {len(declared)} public prototypes in include/: is the root right?")

literal = re.compile(r'"(?:[^"\\\n]|\\.)*"')
definition = re.compile(r"^[a-z][^\n;=]*?\b(\w+)\(([^)]*)\)\s*\n\{", re.M)
arg_use = re.compile(r'\bLC__ARG\(\s*\w+\s*,\s*"([^"]*)"\s*\)')
# A helper's check on behalf of a public function named in the call itself.
arg_in_literal = re.compile(r'\bLC__ARG_IN\(\s*"(lc_\w+)"\s*,\s*\w+\s*,\s*"([^"]*)"\s*\)')
checked = 0
for path in sources("src", (".c", ".h")):
    rel = os.path.relpath(path, root)
    text = open(path, encoding="utf-8").read()
    defs = list(definition.finditer(text))
    # Comments blanked (lines kept), so that only code is read for LC__ARG.
    code_only = re.sub(r"/\*.*?\*/|//[^\n]*",
                       lambda c: re.sub(r"[^\n]", " ", c.group(0)), text, flags=re.S)
    for n, line in enumerate(text.split("\n"), 1):
        code = line.strip()
        if code.startswith(("/*", "*", "//")):
            continue
        for lit in literal.findall(line):
            if "is NULL" in lit and not (rel == os.path.join("src", "core", "error.c")
                                         and '"%s: %s is NULL"' == lit):
                problems.append(f"{rel}:{n}: hand-written NULL message {lit}; use LC__ARG")
    for m in arg_use.finditer(code_only):
        fn = None
        for d in defs:
            if d.start() < m.start():
                fn = d
        n = text.count("\n", 0, m.start()) + 1
        if not fn or fn.group(1) not in declared:
            problems.append(f"{rel}:{n}: LC__ARG in {fn.group(1) if fn else '?'}, not a public "
                            "function: its message would name it; use LC__ARG_IN with the "
                            "public name, or check in the public function")
            continue
        checked += 1
        if m.group(1) not in declared[fn.group(1)]:
            problems.append(f"{rel}:{n}: {fn.group(1)}: LC__ARG names \"{m.group(1)}\", "
                            f"not a parameter of its header ({', '.join(declared[fn.group(1)])})")

    for m in arg_in_literal.finditer(code_only):
        n = text.count("\n", 0, m.start()) + 1
        fn, name = m.groups()
        if fn not in declared:
            problems.append(f"{rel}:{n}: LC__ARG_IN names {fn}, not a public function")
        elif name not in declared[fn]:
            problems.append(f"{rel}:{n}: LC__ARG_IN for {fn} names \"{name}\", not a parameter "
                            f"of its header ({', '.join(declared[fn])})")

if checked < 100:
    problems.append(f"only {checked} LC__ARG uses found in public functions: is the pattern stale?")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"no hand-written NULL message; {checked} LC__ARG checks name their header's parameter")
