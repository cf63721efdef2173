#!/usr/bin/perl
# Echoes exactly CONTENT_LENGTH bytes of the request body (RFC 3875 §4.2), in binary.
use strict;
use warnings;
binmode STDIN;
binmode STDOUT;
my $want = $ENV{CONTENT_LENGTH} // 0;
print "Content-Type: application/octet-stream\r\n";
print "X-Content-Length: $want\r\n\r\n";
my $buf;
while ($want > 0) {
    my $n = read(STDIN, $buf, $want < 65536 ? $want : 65536);
    last unless $n;
    print $buf;
    $want -= $n;
}
