#!/bin/sh
# Lies next to the script root, not inside it: must never run. If it does, it leaves a mark.
: > "$RUN_DIR/outside-ran"
printf 'Content-Type: text/plain\r\n\r\n'
echo "OUTSIDE"
