#!/bin/sh
# A hidden file: must never run. If it does, it leaves a mark.
: > "$RUN_DIR/secret-ran"
printf 'Content-Type: text/plain\r\n\r\n'
echo "SECRET"
