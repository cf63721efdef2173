#!/bin/sh
# Prints the CGI environment, sorted, one NAME=value per line.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
env | LC_ALL=C sort
