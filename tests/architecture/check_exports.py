#!/usr/bin/env python3
"""Fails when libneuralake.so exports a symbol that include/neuralake/ does not declare.

Usage: check_exports.py <libneuralake.so> <include/neuralake>

Every dynamic symbol the library defines (`nm -DC --defined-only`) must be in
the neuralake namespace, every scope it is nested in must be a namespace,
class, struct or enum that the public headers declare, and its own name must be
declared there too. Anything else (an internal function, a standard library or
third-party template instantiation) is listed and the check fails.
"""
import pathlib
import re
import subprocess
import sys

PREFIXES = ("typeinfo name for ", "typeinfo for ", "vtable for ", "VTT for ",
            "non-virtual thunk to ", "virtual thunk to ", "guard variable for ")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def public_names(include_dir):
    """Identifiers the public headers declare: scopes, and every other name."""
    scopes, names = set(), set()
    for header in pathlib.Path(include_dir).rglob("*.h"):
        code = strip_comments(header.read_text())
        code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
        for m in re.finditer(r"\b(?:namespace|class|struct|enum(?:\s+class)?|union)\s+(\w+)", code):
            scopes.add(m.group(1))
        names.update(re.findall(r"\b[A-Za-z_]\w*\b", code))
        names.update("operator" + op for op in re.findall(r"\boperator\s*([^\w\s(]+)\s*\(", code))
    return scopes, names | scopes


def drop_templates(text):
    out, depth = [], 0
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def qualified_name(symbol):
    symbol = re.sub(r"\[abi:\w+\]", "", symbol)
    for p in PREFIXES:
        if symbol.startswith(p):
            symbol = symbol[len(p):]
            break
    # Operators hold characters that look like templates or calls: keep them whole.
    m = re.match(r"^(.*?::operator\s*(?:<<|>>|<=|>=|==|!=|&&|\|\||[-+*/<>!=&|]|\(\)|\[\]))", symbol)
    if m:
        return drop_templates(m.group(1).rsplit("::operator", 1)[0]) + "::operator" + \
            re.sub(r"\s", "", m.group(1).rsplit("::operator", 1)[1])
    depth, end = 0, len(symbol)
    for i, ch in enumerate(symbol):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            end = i
            break
    name = drop_templates(symbol[:end]).strip()
    # A return type before a template function's name ("void neuralake::f<int>(...)").
    return name.split(" ")[-1]


def offending(symbols, scopes, names):
    bad = []
    for sym in symbols:
        qn = qualified_name(sym)
        parts = qn.split("::")
        if len(parts) < 2 or parts[0] != "neuralake":
            bad.append(sym)
            continue
        *enclosing, own = parts[1:]
        own = own.lstrip("~")
        if any(s not in scopes for s in enclosing) or own not in names:
            bad.append(sym)
    return bad


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lib, include_dir = sys.argv[1], sys.argv[2]
    out = subprocess.run(["nm", "-DC", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in out.splitlines():
        fields = line.split(" ", 2)
        if len(fields) == 3 and fields[1] not in ("A",):
            symbols.append(fields[2])
    scopes, names = public_names(include_dir)
    bad = offending(symbols, scopes, names)
    print(f"{len(symbols)} symbols exported, {len(bad)} not declared under {include_dir}")
    for sym in bad[:200]:
        print("  not public:", sym)
    if len(bad) > 200:
        print(f"  ... and {len(bad) - 200} more")
    if not symbols:
        print("no symbols at all: the library exports nothing, which cannot be right")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
