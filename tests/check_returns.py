#!/usr/bin/env python3
"""Every documented error list matches the code (issue 13, item 9).

For each function of src/leadcore.map this finds its Doxygen `@return` in
include/leadcore and its definition in src/, collects the LC_E... codes the
body produces, and fails naming each function whose body produces a code
that its @return does not list.

What counts as producing a code:
  - in the body: `return LC_EX`, `x = LC_EX`, `cond ? LC_EX : ...`,
    `lc__error(LC_EX, ...)`, `lc__verror(LC_EX`, `lc__error_prefix(LC_EX`,
    and LC__ARG(...), LC__ARG_IN(...), lc__arg_null(...), which mean
    LC_EINVAL;
  - one level of helpers whose result the body returns or assigns
    (`return helper(`, `= helper(`): a static function of the same file, or
    an lc__ function of the same module (src/store/db.c's lc__db_writable
    for src/store/db_lead.c) or of src/core; their own codes count, and
    those of the src/core helpers they call (lc__check_text: LC_EINVAL and
    LC_ERANGE; lc__struct_copy: LC_EVERSION; lc__time_check: LC_ERANGE).

A @return may list codes by reference: "As lc_model_load_string(), plus
LC_EIO" lists that function's codes too (a reference to a function no header
declares fails). One list is shared: the paragraph
"@par Errors every store call may return" of db.h's file comment names the
store's errors, which count as listed for every function taking an lc_db;
such a function's own list names LC_EIO, LC_EBUSY or LC_ENOMEM only with a
meaning of its own in parentheses, else the check fails too.
NEVER below names the few codes a body mentions but cannot return.

What it does not see, so that a @return may rightly list more than it finds
(those lists were checked by reading the code):
  - codes propagated from other modules: the engine's, the model's, a
    backend's vtable slot, another public function (lc_db_query's
    LC_ENOTFOUND for a report's filter), a workflow rule run by lc_db_apply;
  - codes of helpers below the first level, other than src/core's;
  - codes a caller passes through a variable it did not assign from a
    helper (an import's first bad row).

usage: check_returns.py SOURCE_ROOT [--verbose] [--strict]
  --verbose  print, for each function, what it produces and what its list adds
  --strict   ignore the shared list (to audit what each list says itself)
"""
import os
import re
import sys

root = sys.argv[1]
verbose = "--verbose" in sys.argv[2:]
strict = "--strict" in sys.argv[2:]


def error_codes():
    """The names of error.h's LC_ERROR_LIST, as a pattern."""
    text = open(os.path.join(root, "include", "leadcore", "error.h"), encoding="utf-8").read()
    names = re.findall(r"X\((E[A-Z]+),", text)
    return r"\bLC_(?:" + "|".join(names) + r")\b"


CODE = error_codes()


def strip_c(text):
    """Comments, strings and character literals blanked (lengths kept)."""
    def blank(m):
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s)
        return s[0] + " " * (len(s) - 2) + s[-1]
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def exported():
    text = open(os.path.join(root, "src", "leadcore.map"), encoding="utf-8").read()
    return re.findall(r"^\s*(lc_\w+);", strip_c(text), re.M)


SHARED_TITLE = "@par Errors every store call may return"

# Codes the checker sees in a body that the function never returns, and why.
NEVER = {
    ("lc_model_check_string", "LC_EFORMAT"): "a malformed model is the result, as a table",
    ("lc_model_preset", "LC_EFORMAT"): "the built-in presets load (test_presets)",
}


def shared_store_codes():
    """The codes of db.h's shared paragraph (empty when it has none)."""
    text = open(os.path.join(root, "include", "leadcore", "db.h"), encoding="utf-8").read()
    m = re.search(re.escape(SHARED_TITLE) + r"(.*?)(?=^\s*\*\s*$|^\s*\*\s*@|\*/)", text, re.S | re.M)
    return set(re.findall(CODE, m.group(1))) if m else set()


def header_docs():
    """name -> (@return text, header, takes an lc_db) for every LC_API function."""
    docs = {}
    inc = os.path.join(root, "include", "leadcore")
    for d, _, files in os.walk(inc):
        for f in sorted(files):
            if not f.endswith(".h"):
                continue
            path = os.path.join(d, f)
            text = open(path, encoding="utf-8").read()
            rel = os.path.relpath(path, inc)
            for m in re.finditer(r"/\*\*(.*?)\*/\s*LC_API\s+[^;(]*?\b(lc_\w+)\s*\(([^;]*)\)\s*;",
                                 text, re.S):
                comment, name, params = m.groups()
                if "/**" in comment:   # a declaration without its own comment
                    comment = comment[comment.rindex("/**") + 3:]
                # The @return paragraph ends at the next block command (not at an
                # inline one such as @p or @c that starts a line).
                ret = re.search(r"@return\b(.*?)(?=^\s*\*\s*@(?!(?:p|c|a|b|e|ref)\b)|\Z)",
                                comment, re.S | re.M)
                takes_db = re.search(r"\blc_db\s*\*(?!\s*\*)", params) is not None
                docs[name] = (ret.group(1) if ret else "", rel, takes_db)
    return docs


DEF = re.compile(r"^(static\s+)?(?:inline\s+)?[A-Za-z_][\w \t\*]*?\b(\w+)\s*\([^;{}]*?\)\s*\{", re.M)


def definitions():
    """Every function defined in src/: name -> [(file, static, body)]."""
    defs = {}
    for d, _, files in os.walk(os.path.join(root, "src")):
        for f in sorted(files):
            if not f.endswith(".c"):
                continue
            path = os.path.join(d, f)
            text = strip_c(open(path, encoding="utf-8").read())
            for m in DEF.finditer(text):
                depth, i = 0, m.end() - 1
                while i < len(text):
                    depth += {"{": 1, "}": -1}.get(text[i], 0)
                    if depth == 0:
                        break
                    i += 1
                rel = os.path.relpath(path, root)
                defs.setdefault(m.group(2), []).append((rel, bool(m.group(1)), text[m.end():i]))
    return defs


def direct(body):
    """The codes a body produces itself."""
    codes = set(re.findall(r"\breturn\s+\(?(" + CODE + ")", body))
    codes |= set(re.findall(r"(?<![=!<>])=\s*(" + CODE + ")", body))
    codes |= set(re.findall(r"[?:]\s*(" + CODE + ")", body))
    codes |= set(re.findall(r"\blc__v?error(?:_prefix)?\s*\(\s*(" + CODE + ")", body))
    if re.search(r"\bLC__ARG(?:_IN)?\s*\(|\blc__arg_null\s*\(", body):
        codes.add("LC_EINVAL")
    return codes


def helpers_called(body):
    """Names whose result the body returns or assigns."""
    return set(re.findall(r"(?:\breturn\s+|(?<![=!<>])=\s*)(\w+)\s*\(", body))


def helper_codes(rel, body, defs, core_only=False, seen=frozenset()):
    """Codes of the helpers whose result a body returns or assigns: static
    functions of its file and lc__ functions of its module or of src/core,
    and below those the src/core helpers they call (lc__check_text, ...)."""
    codes = set()
    for h in helpers_called(body) - seen:
        for hrel, static, hbody in defs.get(h, []):
            core = h.startswith("lc__") and hrel.startswith(os.path.join("src", "core", ""))
            local = (static and hrel == rel) or (
                h.startswith("lc__") and os.path.dirname(hrel) == os.path.dirname(rel))
            if core or (local and not core_only):
                codes |= direct(hbody) | helper_codes(hrel, hbody, defs, True, seen | {h})
    return codes


def produced(name, defs):
    """(codes, file) for an exported function; None when it is not defined."""
    own = [d for d in defs.get(name, []) if not d[1]]
    if not own:
        return None
    rel, _, body = own[0]
    return direct(body) | helper_codes(rel, body, defs), rel


def flat(comment_text):
    """A comment's text on one line, without the leading `*` of each line."""
    return " ".join(re.sub(r"^\s*\*", "", line) for line in comment_text.split("\n"))


def listed_codes(name, docs, seen=()):
    """The codes a @return lists, with those of the function it refers to
    ("As lc_model_load_string(), plus LC_EIO")."""
    ret = docs[name][0]
    codes = set(re.findall(CODE, ret))
    for ref in re.findall(r"\b[Aa]s (lc_\w+)\(\)", ret):
        if ref in docs and ref not in seen:
            codes |= listed_codes(ref, docs, seen + (name,))
    return codes


def main():
    docs, defs = header_docs(), definitions()
    shared = set() if strict else shared_store_codes()
    problems, checked = [], 0
    for name in exported():
        if name not in docs:
            problems.append(f"{name}: no documented declaration in include/leadcore")
            continue
        _, header, takes_db = docs[name]
        found = produced(name, defs)
        if found is None:
            problems.append(f"{name}: no definition in src/")
            continue
        codes, rel = found
        listed = listed_codes(name, docs) | (shared if takes_db else set())
        missing = sorted(c for c in codes - listed if (name, c) not in NEVER)
        for ref in re.findall(r"\b[Aa]s (lc_\w+)\(\)", docs[name][0]):
            if ref not in docs:
                problems.append(f"{name}: its @return refers to {ref}(), which no header declares")
        if takes_db and not strict:
            said = re.findall(r"\b(LC_E(?:IO|BUSY|NOMEM))\b(?!\s*\()", flat(docs[name][0]))
            if said:
                problems.append(f"{name}: its @return in {header} repeats {', '.join(said)}, which "
                                "db.h says once for every store call; drop it, or say in "
                                "parentheses what it means here")
        stale = [c for n, c in NEVER if n == name and c not in codes]
        if stale:
            problems.append(f"{name}: NEVER names {', '.join(stale)}, which it no longer produces")
        checked += 1
        if missing:
            problems.append(f"{name} ({rel}) produces {', '.join(missing)}, which its @return "
                            f"in {header} does not list")
        if verbose:
            extra = sorted(listed - codes)
            print(f"{name}: produces {sorted(codes)}; listed beyond that {extra}")
    for p in problems:
        print(p)
    print(f"check_returns: {checked} functions checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
