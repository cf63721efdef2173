#!/bin/sh
# Writes its head and a line, records its pid and a child's, then waits.
printf 'Content-Type: text/plain\r\n\r\n'
echo "partial"
sleep 60 &
f="$RUN_DIR/$QUERY_STRING.pids"
echo "$$ $!" > "$f.tmp" && mv "$f.tmp" "$f"
wait
