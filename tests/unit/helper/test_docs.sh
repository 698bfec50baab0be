#!/bin/sh
# The command-line documentation agrees with the program: for every command
# that `icemig --help` lists, the options of its own `--help` usage line
# (which the program prints from its option table) are exactly the options
# shown for it in
#   - the command list of `icemig --help` and of its group (`icemig vf --help`),
#   - the SYNOPSIS of the man page helper/icemig.8 (and the man page has a
#     COMMANDS subsection for it),
#   - the "Command line" list of helper/README.md (without --json and
#     --pretty, which that list describes once for every command).
# --help itself is left out everywhere.
#
# Usage: ICEMIG=path/to/icemig sh test_docs.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd -P)
ICEMIG=${ICEMIG:?set ICEMIG to the icemig binary}
exec python3 - "$ICEMIG" "$HERE/../../../helper/icemig.8" "$HERE/../../../helper/README.md" <<'EOT'
import re
import subprocess
import sys

icemig, man_path, readme_path = sys.argv[1:]
OPT = re.compile(r"--[a-z][a-z0-9-]*")
problems = []


def run_help(words):
    p = subprocess.run([icemig] + words + ["--help"], capture_output=True, text=True)
    if p.returncode != 0:
        problems.append("icemig %s --help: exit %d" % (" ".join(words), p.returncode))
    return p.stdout


def opts(text):
    return set(OPT.findall(text)) - {"--help"}


def listing(help_text):
    """{synopsis first words: options} of the 'Commands:' list of a help text."""
    out = {}
    lines = help_text.splitlines()
    heads = [i for i, l in enumerate(lines) if re.fullmatch(r"([A-Za-z][A-Za-z -]* )?[Cc]ommands:", l)]
    if not heads:
        return out
    for line in lines[heads[0] + 1:]:
        if not line.strip():
            break
        m = re.match(r"  ([a-z].*)", line)
        if not m or line.startswith("   "):
            continue  # a description line, indented further
        syn = re.split(r"\s{2,}", m.group(1))[0]
        words = []
        for w in syn.split():
            if not re.fullmatch(r"[a-z][a-z0-9-]*", w):
                break
            words.append(w)
        out[" ".join(words)] = opts(syn)
    return out


def show(s):
    return " ".join(sorted(s)) or "(none)"


def compare(where, path, want, got):
    if got is None:
        problems.append("%s: no entry for '%s'" % (where, path))
    elif got != want:
        miss, extra = want - got, got - want
        msg = "%s: '%s'" % (where, path)
        if miss:
            msg += " lacks " + show(miss)
        if extra:
            msg += " has unknown " + show(extra)
        problems.append(msg)


root = listing(run_help([]))
if not root:
    problems.append("icemig --help lists no commands")

# the man page: SYNOPSIS blocks (".B icemig PATH" ... ".br") and .SS titles
man = open(man_path).read()
syn = man.split(".SH SYNOPSIS", 1)[1].split("\n.SH ", 1)[0]
man_syn = {}
for block in syn.split("\n.br"):
    m = re.search(r"^\.B icemig ([a-z][a-z -]*)$", block.replace("\\-", "-"), re.M)
    if m:
        man_syn[m.group(1).strip()] = opts(block.replace("\\-", "-"))
man_ss = [t.replace("\\-", "-") for t in re.findall(r'^\.SS "?([^"\n]*)"?$', man, re.M)]

# helper/README.md: the `...` spans of the "Command line" list
readme = open(readme_path).read()
sect = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
readme_cmd = {}
for span in re.findall(r"`([a-z][^`]*)`", sect):
    words = []
    for w in span.split():
        if not re.fullmatch(r"[a-z][a-z0-9-]*", w):
            break
        words.append(w)
    path = " ".join(words)
    if path in root:
        readme_cmd.setdefault(path, set()).update(opts(span))

groups = {}
for path in sorted(root):
    usage = run_help(path.split()).splitlines()
    line = usage[0] if usage else ""
    if not line.startswith("Usage: icemig " + path):
        problems.append("icemig %s --help: first line is not its usage: %r" % (path, line))
        continue
    want = opts(line)
    compare("icemig --help", path, want, root[path])
    words = path.split()
    if len(words) > 1:
        g = words[0]
        if g not in groups:
            groups[g] = listing(run_help([g]))
        compare("icemig %s --help" % g, path, want, groups[g].get(" ".join(words[1:])))
    compare("icemig.8 SYNOPSIS", path, want, man_syn.get(path))
    if not any(t == path or t.startswith(path + " ") for t in man_ss):
        problems.append("icemig.8: no COMMANDS subsection (.SS) for '%s'" % path)
    compare("helper/README.md Command line", path, want - {"--json", "--pretty"},
            readme_cmd.get(path))

for p in problems:
    print("FAIL: " + p)
if problems:
    sys.exit(1)
print("test_docs.sh: %d commands agree with icemig.8 and helper/README.md" % len(root))
EOT
