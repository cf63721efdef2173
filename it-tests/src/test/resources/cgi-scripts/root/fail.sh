#!/bin/sh
# Exits with an error before writing anything.
exit 1
