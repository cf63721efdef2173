#!/bin/sh
# A non-parsed-header script: it writes the HTTP status line itself.
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-NPH: yes\r\n\r\n'
date -u
