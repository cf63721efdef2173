#!/bin/sh
# Prints the whole environment, sorted, one NAME=value per line.
printf 'Content-Type: text/plain\r\n\r\n'
env | LC_ALL=C sort
