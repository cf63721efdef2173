#!/bin/sh
# Leaves a background child that does not hold stdout, records its pid, and exits at once:
# the response is complete while the child still runs in the script's process group.
sleep 300 >/dev/null 2>&1 &
f="$RUN_DIR/$QUERY_STRING.pid"
echo "$!" > "$f.tmp" && mv "$f.tmp" "$f"
printf 'Content-Type: text/plain\r\n\r\n'
echo "left $!"
