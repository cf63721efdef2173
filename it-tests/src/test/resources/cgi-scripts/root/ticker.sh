#!/bin/sh
# Records its pid in $RUN_DIR/$QUERY_STRING.pid, then writes a line every 50 ms,
# for at most about 60 s. SIGPIPE is ignored so that a closed stdout does not end
# it: only a kill does, as a script busy elsewhere would not notice the client leave.
trap '' PIPE
f="$RUN_DIR/$QUERY_STRING.pid"
echo "$$" > "$f.tmp" && mv "$f.tmp" "$f"
printf 'Content-Type: text/plain\r\n\r\n'
i=0
while [ "$i" -lt 1200 ]; do
    echo "tick $i"
    sleep 0.05
    i=$((i + 1))
done
