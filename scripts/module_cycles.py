#!/usr/bin/env python3
"""Lists the module dependency cycles of src/: every `crate::a::b` (and `super::x`) path in a
file is an arrow from the file's module to the module it names, taken at two levels: between
the crate's top-level modules, and between the submodules of one directory module. Test modules
(`#[cfg(test)]` to the end of a file) are left out. Exits 1 when there is a cycle.

    python3 scripts/module_cycles.py
"""
import os
import re
import sys
from collections import defaultdict

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, SRC)[:-3].split(os.sep)
    if rel[-1] == "mod":
        rel = rel[:-1]
    return [] if rel in (["lib"], ["main"]) else rel


def strip(text):
    i = text.find("#[cfg(test)]")
    text = text if i < 0 else text[:i]
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)


def is_module(parts):
    base = os.path.join(SRC, *parts)
    return os.path.isfile(base + ".rs") or os.path.isdir(base)


edges = defaultdict(set)
for root, _, files in os.walk(SRC):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(root, f)
        me = module_of(path)
        if not me:
            continue
        text = strip(open(path, encoding="utf-8").read())
        targets = set()
        for m in re.finditer(r"\bcrate::([a-z_]+)(?:::([a-z_]+))?", text):
            targets.add(tuple(x for x in m.groups() if x))
        # `use crate::{a, b::c}` groups
        for m in re.finditer(r"\bcrate::\{([^}]*)\}", text):
            for part in m.group(1).split(","):
                names = [x for x in re.findall(r"[a-z_]+", part.split("::{")[0])]
                if names:
                    targets.add(tuple(names[:2]))
        parent = me[:-1]
        for m in re.finditer(r"\bsuper::([a-z_]+)", text):
            targets.add(tuple(parent + [m.group(1)]))
        for t in targets:
            t = [x for x in t]
            # Keep a second level only where it is a module (a file or directory).
            if len(t) >= 2 and not is_module(t[:2]):
                t = t[:1]
            # Top level: between the crate's modules.
            if t[0] != me[0]:
                edges[me[0]].add(t[0])
            # Inside a directory module: between its submodules.
            elif len(me) >= 2 and len(t) >= 2 and t[1] != me[1]:
                edges["/".join(me[:2])].add("/".join(t[:2]))

nodes = set(edges) | {n for v in edges.values() for n in v}
index, low, stack, on, sccs = {}, {}, [], set(), []


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


sys.setrecursionlimit(10000)
for n in sorted(nodes):
    if n not in index:
        visit(n)

for a in sorted(edges):
    print(f"{a} -> {', '.join(sorted(edges[a]))}")
if sccs:
    print("\ncycles:")
    for c in sccs:
        print("  " + " <-> ".join(c))
    sys.exit(1)
print("\nno module cycles")
