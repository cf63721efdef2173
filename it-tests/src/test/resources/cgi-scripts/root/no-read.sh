#!/bin/sh
# answers without reading its standard input (the request body) and exits
printf 'Content-Type: text/plain\r\n\r\n'
echo "answered without reading $CONTENT_LENGTH bytes"
