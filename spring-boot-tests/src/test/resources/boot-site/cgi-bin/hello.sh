#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "hello from CGI"
echo "SCRIPT_NAME=$SCRIPT_NAME"
echo "QUERY_STRING=$QUERY_STRING"
