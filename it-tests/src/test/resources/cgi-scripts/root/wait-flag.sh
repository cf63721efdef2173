#!/bin/sh
# Writes its head and a first line, then waits (at most 10 s) until the file
# $RUN_DIR/$QUERY_STRING.flag exists, then writes the rest.
printf 'Content-Type: text/plain\r\n\r\n'
echo first
flag="$RUN_DIR/$QUERY_STRING.flag"
i=0
while [ ! -f "$flag" ] && [ "$i" -lt 200 ]; do
    sleep 0.05
    i=$((i + 1))
done
if [ -f "$flag" ]; then echo "flag seen"; else echo "flag missing"; fi
echo last
