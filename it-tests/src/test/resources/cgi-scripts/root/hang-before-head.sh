#!/bin/sh
# Starts a child, records both pids in $RUN_DIR/$QUERY_STRING.pids, then waits
# without writing anything: only the gateway's timeout ends it.
sleep 60 &
f="$RUN_DIR/$QUERY_STRING.pids"
echo "$$ $!" > "$f.tmp" && mv "$f.tmp" "$f"
wait
