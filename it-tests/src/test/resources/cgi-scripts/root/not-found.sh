#!/bin/sh
printf 'Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\n'
echo "no such thing here"
