#!/bin/sh
# Echoes the request body, read to end of input.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec cat
