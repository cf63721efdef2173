#!/bin/sh
printf 'Content-Type: text/plain\r\nX-Served-By: other.sh\r\n\r\n'
echo "other.sh here"
echo "SCRIPT_NAME=$SCRIPT_NAME"
