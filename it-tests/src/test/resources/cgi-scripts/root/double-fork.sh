#!/bin/sh
# Writes its head, then double-forks a child that keeps stdout open, records its pid and exits:
# the child is re-parented to init, so only its process group still ties it to the script.
printf 'Content-Type: text/plain\r\n\r\n'
echo "forked"
f="$RUN_DIR/$QUERY_STRING.pid"
( sleep 300 & echo "$!" > "$f.tmp" && mv "$f.tmp" "$f" )
