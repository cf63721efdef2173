#!/usr/bin/perl
# Prints the whole environment as the process received it, sorted, one NAME=value per line:
# unlike sh, perl keeps names that are not valid shell identifiers (HTTP_X.FORWARDED.FOR).
print "Content-Type: text/plain\r\n\r\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
