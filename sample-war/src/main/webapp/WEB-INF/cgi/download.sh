#!/bin/sh
# Sends ?bytes=N zero bytes (at most 1 GiB) as a download: shows that large bodies stream
# through the servlet without being held in memory.
bytes=$(printf '%s' "$QUERY_STRING" | sed -n 's/^bytes=\([0-9][0-9]*\)$/\1/p')
if [ -z "$bytes" ] || [ "$bytes" -gt 1073741824 ]; then
  printf 'Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nuse ?bytes=N with N up to 1073741824\n'
  exit 0
fi
printf 'Content-Type: application/octet-stream\r\nContent-Length: %s\r\nContent-Disposition: attachment; filename="zeros.bin"\r\n\r\n' "$bytes"
head -c "$bytes" /dev/zero
