#!/usr/bin/perl
# make-test-mmdb.pl OUTDIR — write the tiny .mmdb databases the geo tests
# use, with Debian's libmaxmind-db-writer-perl (MaxMind::DB::Writer).
#
#   country.mmdb  GeoLite2-Country schema (country.iso_code; one range has
#                 only registered_country), IPv6 tree, no ::ffff:0:0/96
#                 alias: an IPv4-mapped address is found only when it is
#                 looked up as IPv4.
#   asn.mmdb      GeoLite2-ASN schema (autonomous_system_number/_organization)
#   flat.mmdb     IPinfo Lite schema (flat country_code, asn "AS…", as_name,
#                 and a `country` that is a name, not a map), IPv4-only tree
#   other.mmdb    neither country nor AS (a connection-type database): not
#                 a geo source
#   many.mmdb     200 networks 10.0.N.0/24, each its own record: more than
#                 are sampled when it is opened, so a test can damage the
#                 last record and see the damage found during lookups
#
# Addresses are documentation ranges (RFC 5737, RFC 3849), so reserved
# networks are allowed. The build date is fixed (2024-06-01) so outputs
# that print it do not change. Exits 77 (meson's "skipped") when the
# module is missing.
use strict;
use warnings;

my $out = shift @ARGV or die "usage: make-test-mmdb.pl OUTDIR\n";
if (!eval { require MaxMind::DB::Writer::Tree; 1 }) {
    print STDERR "MaxMind::DB::Writer missing (apt-get install "
      . "libmaxmind-db-writer-perl): skipped\n";
    exit 77;
}

my %types = (
    country                        => 'map',
    registered_country             => 'map',
    iso_code                       => 'utf8_string',
    names                          => 'map',
    en                             => 'utf8_string',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
    country_code                   => 'utf8_string',
    asn                            => 'utf8_string',
    as_name                        => 'utf8_string',
);

sub write_db {
    my ($file, $type, $ipv, $nets, $over) = @_;
    my %t = (%types, %{ $over // {} });
    my $tree = MaxMind::DB::Writer::Tree->new(
        ip_version               => $ipv,
        record_size              => 24,
        database_type            => $type,
        languages                => ['en'],
        description              => { en => "mailsleuth test database ($type)" },
        map_key_type_callback    => sub { $t{ $_[0] } // 'utf8_string' },
        remove_reserved_networks => 0,
        alias_ipv6_to_ipv4       => 0,
    );
    $tree->_set_build_epoch(1717200000) if $tree->can('_set_build_epoch');
    for my $n (@$nets) {
        $tree->insert_network($n->[0], $n->[1]);
    }
    open my $fh, '>:raw', "$out/$file.tmp" or die "$out/$file.tmp: $!\n";
    $tree->write_tree($fh);
    close $fh or die "$out/$file.tmp: $!\n";
    rename "$out/$file.tmp", "$out/$file" or die "$out/$file: $!\n";
}

write_db('country.mmdb', 'mailsleuth-Test-Country', 6, [
    ['192.0.2.0/24',     { country => { iso_code => 'CN', names => { en => 'China' } } }],
    ['198.51.100.0/25',  { country => { iso_code => 'FR' } }],
    ['198.51.100.128/25', { registered_country => { iso_code => 'DE' } }],
    ['2001:db8:1::/48',  { country => { iso_code => 'US' } }],
]);

write_db('asn.mmdb', 'mailsleuth-Test-ASN', 6, [
    ['192.0.2.0/25',    { autonomous_system_number => 4134,
                          autonomous_system_organization => 'CHINANET-BACKBONE' }],
    ['198.51.100.0/24', { autonomous_system_number => 16276,
                          autonomous_system_organization => 'OVH SAS' }],
    ['2001:db8:1::/48', { autonomous_system_number => 26496,
                          autonomous_system_organization => 'GO-DADDY-COM-LLC' }],
]);

write_db('flat.mmdb', 'ipinfo_lite test', 4, [
    ['203.0.113.0/24', { country_code => 'BR', country => 'Brazil',
                         asn => 'AS28573', as_name => 'Claro NXT' }],
], { country => 'utf8_string' });

write_db('other.mmdb', 'mailsleuth-Test-Connection-Type', 6, [
    ['192.0.2.0/24', { connection_type => 'Cable/DSL' }],
]);

write_db('many.mmdb', 'mailsleuth-Test-Many', 6, [
    map { ["10.0.$_.0/24", { autonomous_system_number => 65000 + $_,
                             autonomous_system_organization => "Net $_" }] } 0 .. 199
]);
