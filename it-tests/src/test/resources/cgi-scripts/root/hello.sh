#!/bin/sh
printf 'Content-Type: text/plain\r\nX-Hello: yes\r\n\r\n'
echo "Hello"
