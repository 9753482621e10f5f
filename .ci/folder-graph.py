#!/usr/bin/env python3
"""The folder graph of Flax.Onnx: for each folder, the other folders whose types (or, for a partial class spread over
folders such as Core, whose members) its code uses; "." is the project root. Comments and string literals are
ignored; it reads the source as text (a name that is both a type and a member, such as the ONNX proto's Tensor, can
show an edge that is not there), so read -v's reasons before trusting an edge. The intended layering:
Arrays < Ir < Tracing < Core < {Nn, Lift, Optim} < Jit < Training < Flax.MLNet, with Lowering, Autodiff and Runtime
below Jit.

Usage (from the repository root): python3 .ci/folder-graph.py [Flax.Onnx] [-v]   (-v: the names behind each edge)"""
import re, sys, os, collections
args = [a for a in sys.argv[1:] if a != '-v']
root = args[0] if args else 'Flax.Onnx'
files = {}
for d, _, fs in os.walk(root):
    if '/obj' in d or '/bin' in d: continue
    for f in fs:
        if f.endswith('.cs'):
            p = os.path.join(d, f)
            folder = os.path.relpath(p, root).split(os.sep)[0]
            if folder.endswith('.cs'): folder = '.'
            src = open(p, encoding='utf-8').read()
            src = re.sub(r'//.*', '', src)
            src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
            src = re.sub(r'@"(?:[^"]|"")*"|"(?:\\.|[^"\\\n])*"', '""', src)
            files[p] = (folder, src)
decl = re.compile(r'^(?:\w[\w ]*?)?\b(?:class|record|struct|interface|enum)\s+(?:struct\s+|class\s+)?(\w+)|\bdelegate\s+[\w<>\[\],.? ()]+?\s(\w+)\s*[<(]', re.M)
types = collections.defaultdict(set)
arity = collections.defaultdict(set)
partial_files = collections.defaultdict(list)
for p, (folder, src) in files.items():
    for m in decl.finditer(src):
        name = m.group(1) or m.group(2)
        types[name].add(folder)
        generic_after = src[m.end():m.end()+1] == '<' if m.group(1) else False
        arity[name].add(generic_after)
    for m in re.finditer(r'\bpartial\s+(?:class|record|struct)\s+(\w+)', src):
        partial_files[m.group(1)].append(p)
member_re = re.compile(r'^\s*(?:(?:public|internal|private|protected|static|readonly|const|override|sealed|unsafe|new|partial)\s+)+[\w<>\[\],.?() ]*?\b(\w+)\s*(?:<[^>(]*>)?\s*(?:\(|\{|=>|=|;)', re.M)
members = {}  # (type, member) -> folders
for t, ps in partial_files.items():
    if len(types[t]) < 2: continue
    for p in ps:
        for m in member_re.finditer(files[p][1]):
            members.setdefault((t, m.group(1)), set()).add(files[p][0])
multi = {t for t in types if len(types[t]) > 1}
edges = collections.defaultdict(set)
why = collections.defaultdict(set)
VERBOSE = '-v' in sys.argv
ident = re.compile(r'(?<![.\w])\s*\b([A-Z]\w*)(\s*<)?(?:\s*\.\s*(\w+))?')
nested = re.compile(r'^\s+[\w ]*\b(?:class|record|struct|interface|enum)\s+(\w+)', re.M)
for p, (folder, src) in files.items():
    mine = [t for t in multi if p in partial_files.get(t, [])]
    shadowed = set(nested.findall(src))
    for m in ident.finditer(src):
        name, lt, member = m.group(1), m.group(2), m.group(3)
        if name in shadowed: continue
        if arity.get(name) == {True} and not lt: continue
        if name in multi:
            targets = members.get((name, member), set()) if member else set()
        else:
            targets = types.get(name, set())
        for t in mine:
            own = members.get((t, name), set())
            if folder not in own: targets = targets | own
        for b in targets:
            if b != folder:
                edges[folder].add(b)
                if VERBOSE: why[(folder,b)].add(name + ('.'+member if member and name in multi else ''))
for a in sorted({f for f, _ in files.values()}):
    print(f'{a:14} -> {", ".join(sorted(edges[a])) or "(none)"}')
if VERBOSE:
    for (a, b), names in sorted(why.items()): print(f'  {a} -> {b}: {", ".join(sorted(names)[:12])}')
