#!/bin/bash
# icemig rig: the exec agent inside one emulated host (busybox init respawns
# it). It serves "rig.sh exec" through the writable 9p share mounted at /rig
# (RUNDIR/<host>/share on the build machine), directory /rig/exec:
#
#   ID.out, ID.err   created empty by rig.sh before the command is submitted
#   ID.cmd           the command (bash source); rig.sh writes it under a
#                    temporary name and renames it, so it appears whole
#   ID.run           the agent claims ID.cmd by renaming it to ID.run
#   ID.pgid          process group of the running command
#   ID.rc            exit status, written (renamed into place) when it ends
#   ID.cancel        written by rig.sh to stop a command (timeout, ^C): the
#                    agent sends SIGTERM, then SIGKILL, to its process group
#
# Each command runs as root in its own session (setsid), stdin /dev/null,
# cwd /root, with the environment of /run/rig/env. Commands run concurrently;
# the agent never waits for one. rig.sh removes the files when done.
set -uo pipefail

Q=/rig/exec
mkdir -p "$Q" /root
set -a
# shellcheck disable=SC1091
. /run/rig/env 2>/dev/null || export PATH=/usr/sbin:/usr/bin:/sbin:/bin
set +a
cd /root || exit 1

# A fork-free sleep: read with a timeout on a private FIFO nobody writes.
fifo=$(mktemp -u /run/rig/agent-sleep.XXXXXX)
mkfifo "$fifo"
exec {sleepfd}<>"$fifo"
rm -f "$fifo"
nap() { read -r -t "$1" -u "$sleepfd" _ || true; }

run_job() { # run_job ID: runs in a background subshell
	local id=$1
	# shellcheck disable=SC2016 # $$ and $1 belong to the inner bash
	setsid -w bash -c 'echo $$ >"$1.pgid"; exec bash "$1.run"' _ "$Q/$id" \
		</dev/null >>"$Q/$id.out" 2>>"$Q/$id.err"
	echo $? >"$Q/$id.rc.tmp"
	mv -f "$Q/$id.rc.tmp" "$Q/$id.rc"
}

cancel_job() { # cancel_job ID
	local id=$1 pg
	rm -f "$Q/$id.cancel"
	pg=$(cat "$Q/$id.pgid" 2>/dev/null) || return 0
	[ -n "$pg" ] || return 0
	kill -TERM -- "-$pg" 2>/dev/null || return 0
	(sleep 3; kill -KILL -- "-$pg" 2>/dev/null) &
}

echo "rig-agent: serving $Q"
shopt -s nullglob
while :; do
	for f in "$Q"/*.cmd; do
		id=${f##*/}
		id=${id%.cmd}
		mv "$f" "$Q/$id.run" 2>/dev/null || continue
		run_job "$id" &
	done
	for f in "$Q"/*.cancel; do
		id=${f##*/}
		cancel_job "${id%.cancel}"
	done
	nap 0.1
done
