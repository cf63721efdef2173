#!/bin/sh
# Records its pid, then writes its head and 16 MiB: more than the socket buffers hold, so a
# client that does not read keeps the script (and the gateway) waiting to write.
f="$RUN_DIR/$QUERY_STRING.pid"
echo "$$" > "$f.tmp" && mv "$f.tmp" "$f"
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec head -c 16777216 /dev/zero
