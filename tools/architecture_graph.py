#!/usr/bin/env python3
"""Reduces CMake's target graph (cmake --graphviz) to the architecture picture.

Keeps our libraries and programs (not tests, not benchmarks) and the big third-party
dependencies, each folded into one node; expands the teramind_core aggregate into its members;
draws only the direct edges between our targets that no longer path implies (a transitive
reduction), but every edge to a third-party node, so the owner of each dependency shows.

Usage: architecture_graph.py <cmake-graphviz.dot>  (writes the reduced DOT to stdout)
"""

import re
import sys
from collections import defaultdict

# Third-party nodes: a CMake target or library file, by name, folded into one box each.
THIRD_PARTY = [
    ("LibTorch", re.compile(r"^(torch|torch_library|c10|caffe2::.*)$|/libc10\.so$|/libtorch")),
    ("HDF5", re.compile(r"hdf5")),
    ("VTK", re.compile(r"^VTK::")),
    ("Qt 6", re.compile(r"^Qt6::(?!moc$)")),
    ("ITK", re.compile(r"^(ITK|itk)")),
    ("OpenVDB", re.compile(r"^OpenVDB::")),
]
TIERS = [  # (cluster label, members); anything else of ours is core
    ("app", {"teramind", "teramind-studio"}),
    ("ui", {"teramind_ui"}),
    ("render", {"teramind_render"}),
]
AGGREGATE = "teramind_core"  # an INTERFACE library naming the whole engine tier

NODE = re.compile(r'^\s*"(node\d+)" \[ label = "((?:[^"\\]|\\.)*)", shape = (\w+) \];')
EDGE = re.compile(r'^\s*"(node\d+)" -> "(node\d+)"(?: \[ style = (\w+) \])?')


def is_ours(name):
    return (name in ("teramind", "teramind-studio") or name.startswith("teramind_")) and not (
        name.endswith("_tests") or name.endswith("_fixture")
    )


def third_party_group(name):
    for group, pattern in THIRD_PARTY:
        if pattern.search(name):
            return group
    return None


def read_graph(path):
    labels, edges = {}, []
    with open(path, encoding="utf-8") as dot:
        for line in dot:
            if m := NODE.match(line):
                labels[m.group(1)] = m.group(2)
            elif m := EDGE.match(line):
                edges.append((m.group(1), m.group(2), m.group(3)))
    # CMake draws PUBLIC solid, PRIVATE dotted, INTERFACE dashed; a plain library file has no
    # style at all, and every one we link (HDF5, blosc, libc10 ...) is linked PRIVATE.
    named = []
    for source, target, style in edges:
        if source in labels and target in labels:
            target_name = labels[target]
            public = style is None and not target_name.startswith("/")
            named.append((labels[source], target_name, public))
    return named


def reduce(edges):
    ours = defaultdict(dict)  # source -> {target: public}
    third = defaultdict(dict)  # source -> {group: public}
    members = [t for s, t, _ in edges if s == AGGREGATE]
    expanded = []
    for source, target, public in edges:
        if not is_ours(source) or source == AGGREGATE:
            continue
        if target == AGGREGATE:
            expanded += [(source, member, public) for member in members]
        else:
            expanded.append((source, target, public))
    for source, target, public in expanded:
        if is_ours(target):
            ours[source][target] = ours[source].get(target, False) or public
        elif group := third_party_group(target):
            third[source][group] = third[source].get(group, False) or public

    def reachable(start, skip_edge):
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            for nxt in ours.get(node, {}):
                if (node, nxt) == skip_edge or nxt in seen:
                    continue
                seen.add(nxt)
                stack.append(nxt)
        return seen

    kept = {}
    for source, targets in ours.items():
        for target, public in targets.items():
            if target not in reachable(source, (source, target)):
                kept[(source, target)] = public
    return kept, third


def tier(name):
    for label, members in TIERS:
        if name in members:
            return label
    return "core"


def write(kept, third, out):
    nodes = {n for edge in kept for n in edge} | set(third)
    groups = sorted({g for targets in third.values() for g in targets})
    out.write('digraph "Tera-MIND Studio" {\n')
    out.write('  rankdir = TB;\n  fontname = "Helvetica";\n')
    out.write('  node [ fontname = "Helvetica", fontsize = 11 ];\n')
    out.write('  edge [ arrowsize = 0.6 ];\n')
    for label, _ in TIERS[::-1] + [("core", None)]:
        members = sorted(n for n in nodes if tier(n) == label)
        if not members:
            continue
        out.write(f'  subgraph "cluster_{label}" {{\n    label = "{label}";\n')
        for n in members:
            shape = "ellipse" if label == "app" else "box"
            out.write(f'    "{n}" [ shape = {shape} ];\n')
        out.write("  }\n")
    out.write('  subgraph "cluster_third_party" {\n    label = "third party";\n')
    out.write('    node [ shape = box, style = filled, fillcolor = "#eeeeee" ];\n')
    for g in groups:
        out.write(f'    "{g}";\n')
    out.write("  }\n")
    for (source, target), public in sorted(kept.items()):
        style = "" if public else " [ style = dashed ]"
        out.write(f'  "{source}" -> "{target}"{style};\n')
    for source in sorted(third):
        for group, public in sorted(third[source].items()):
            style = "" if public else " [ style = dashed ]"
            out.write(f'  "{source}" -> "{group}"{style};\n')
    out.write("}\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    kept, third = reduce(read_graph(sys.argv[1]))
    write(kept, third, sys.stdout)


if __name__ == "__main__":
    main()
