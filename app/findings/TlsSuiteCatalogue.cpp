// The catalogue's entries about what the TLS audit finds among accepted cipher suites: SSL 2.0
// and 3.0, one finding per class of broken or weak suite, DH sizes and named groups
// (TlsSuiteFindings decides which apply). Kept apart from FindingCatalogue.cpp, which is large.

#include "TlsSuiteCatalogue.h"

#include "CatalogueEntry.h"

#include <array>
#include <QCoreApplication>

namespace {

constexpr std::array entries {
    CatalogueEntry {
        FindingIds::TlsSslV2Accepted, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts SSL 2.0"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "SSL 2.0 is broken beyond repair and has been prohibited since 2011: an attacker can "
            "weaken or forge its handshake, and a server that still speaks it lets its RSA key be "
            "used to decrypt other TLS connections (DROWN). Switch it off (Postfix: smtpd_tls_protocols "
            "= >=TLSv1.2 and smtpd_tls_mandatory_protocols likewise; Dovecot: ssl_min_protocol = "
            "TLSv1.2). The detail lists the SSL 2.0 cipher kinds the server offered."),
        "RFC 6176; DROWN (CVE-2016-0800)"},
    CatalogueEntry {
        FindingIds::TlsSslV3Accepted, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts SSL 3.0"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "SSL 3.0 is deprecated: its CBC padding lets an attacker on the path decrypt secrets byte "
            "by byte (POODLE), and its only other choice is RC4. No current client needs it. Switch it "
            "off (Postfix: smtpd_tls_protocols = >=TLSv1.2; Dovecot: ssl_min_protocol = TLSv1.2). The "
            "detail lists the suites the server accepted with SSL 3.0."),
        "RFC 7568; POODLE (CVE-2014-3566)"},
    CatalogueEntry {
        FindingIds::TlsCipherNull, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts cipher suites without encryption (NULL)"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "A NULL cipher suite authenticates the connection but does not encrypt it: everything, "
            "passwords included, crosses the network readable. Remove these suites (OpenSSL cipher "
            "string: !eNULL; Postfix: smtpd_tls_exclude_ciphers = eNULL). The detail lists them per "
            "version."),
        "RFC 9325 s.4.1"},
    CatalogueEntry {
        FindingIds::TlsCipherAnonymous, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server accepts anonymous cipher suites"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "Anonymous suites (ADH, AECDH) encrypt without the server proving who it is: a client that "
            "picked one could not tell an attacker in the middle from the server. Only a client that "
            "offers them is exposed, and mail clients, DANE and MTA-STS senders do not; Postfix allows "
            "them on port 25 on purpose, because opportunistic TLS checks no certificate anyway "
            "(RFC 7435). That is why this is a warning, not critical. On submission, IMAP and POP3 "
            "ports remove them (OpenSSL cipher string: !aNULL; Postfix: smtpd_tls_exclude_ciphers = "
            "aNULL); on port 25 it is harmless to remove them too. The detail lists them per version."),
        "RFC 5246 s.F.1.1.1; RFC 9325 s.4.1"},
    CatalogueEntry {
        FindingIds::TlsCipherExport, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts export-grade cipher suites"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "Export suites were deliberately weakened for 1990s export rules: 40- or 56-bit encryption "
            "and a 512-bit key exchange that an attacker can break in hours and force a connection "
            "down to (FREAK, Logjam). Remove them (OpenSSL cipher string: !EXPORT; Postfix: "
            "smtpd_tls_exclude_ciphers = EXPORT). The detail lists them per version."),
        "RFC 9325 s.4.1; FREAK (CVE-2015-0204); Logjam (CVE-2015-4000)"},
    CatalogueEntry {
        FindingIds::TlsCipherRc4, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts RC4 cipher suites"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "RC4's keystream is biased enough that repeated secrets such as passwords can be recovered "
            "from enough encrypted connections; TLS prohibits it since 2015. Remove these suites "
            "(OpenSSL cipher string: !RC4; Postfix: smtpd_tls_exclude_ciphers = RC4). The detail lists "
            "them per version."),
        "RFC 7465"},
    CatalogueEntry {
        FindingIds::TlsCipherDes, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server accepts single-DES or RC2 cipher suites"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "Single DES (56-bit key) and RC2 can be broken by brute force with modest hardware: the "
            "encryption protects nothing against a determined attacker. Remove them (OpenSSL cipher "
            "string: !DES:!RC2; Postfix: smtpd_tls_exclude_ciphers = DES, RC2). The detail lists them "
            "per version."),
        "RFC 9325 s.4.1"},
    CatalogueEntry {
        FindingIds::TlsCipher64BitBlock, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server accepts 64-bit block ciphers (3DES, IDEA)"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "Triple DES and IDEA encrypt 64-bit blocks: after a few dozen gigabytes on one connection "
            "blocks repeat, and an attacker who can make a client send much data recovers secrets from "
            "the collisions (Sweet32). Remove them unless a very old client still needs 3DES (OpenSSL "
            "cipher string: !3DES:!IDEA; Postfix: smtpd_tls_exclude_ciphers = 3DES, IDEA). The detail "
            "lists them per version."),
        "RFC 9325 s.4.1; Sweet32 (CVE-2016-2183)"},
    CatalogueEntry {
        FindingIds::TlsCipherCbcLegacyVersion, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server accepts CBC cipher suites with TLS 1.0 or 1.1"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "With TLS 1.0 and 1.1 every block cipher runs in CBC mode with MAC-then-encrypt, which the "
            "BEAST and Lucky13 class of attacks exploit; TLS 1.2's AEAD suites do not have the "
            "problem. The fix is the one for outdated versions: allow only TLS 1.2 and 1.3 (Postfix: "
            "smtpd_tls_protocols = >=TLSv1.2; Dovecot: ssl_min_protocol = TLSv1.2). The detail lists the "
            "CBC suites of both versions."),
        "RFC 8996; BEAST (CVE-2011-3389); Lucky13 (CVE-2013-0169)"},
    CatalogueEntry {
        FindingIds::TlsCipherNoForwardSecrecy, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server accepts cipher suites without forward secrecy"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "With static RSA (or static DH) key exchange the session keys travel encrypted under the "
            "server's long-term key: whoever obtains that key later can decrypt every recorded "
            "connection, and RSA key transport is exposed to padding-oracle attacks (ROBOT). Prefer "
            "ECDHE suites and remove these where clients allow (OpenSSL cipher string: !kRSA; Postfix: "
            "smtpd_tls_exclude_ciphers = kRSA). On port 25 keep in mind that a sender unable to do "
            "anything else falls back to plaintext. The detail lists them per version."),
        "RFC 9325 s.4.1; ROBOT (CVE-2017-13099)"},
    CatalogueEntry {
        FindingIds::TlsDhInsecure, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The server uses a Diffie-Hellman group smaller than 1024 bits"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "A DH prime under 1024 bits can be broken with academic resources, after which every "
            "connection that used it can be decrypted (Logjam). Configure a group of at least 2048 bits, "
            "preferably one of RFC 7919's (Postfix: smtpd_tls_dh1024_param_file = auto or a 2048-bit "
            "file; Dovecot: ssl_dh with `openssl dhparam 2048` output), or drop DHE suites in favour of "
            "ECDHE. The detail names the suites and sizes."),
        "RFC 7919; Logjam (CVE-2015-4000)"},
    CatalogueEntry {
        FindingIds::TlsDhWeak, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server uses a Diffie-Hellman group smaller than 2048 bits"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "A 1024-bit DH prime is within reach of a well-funded attacker, and widely shared 1024-bit "
            "primes are the likeliest to have been broken already (Logjam). Configure a group of at "
            "least 2048 bits, preferably one of RFC 7919's (Postfix: smtpd_tls_dh1024_param_file = auto "
            "or a 2048-bit file; Dovecot: ssl_dh with `openssl dhparam 2048` output), or drop DHE "
            "suites in favour of ECDHE. The detail names the suites and sizes."),
        "RFC 7919; Logjam (CVE-2015-4000)"},
    CatalogueEntry {
        FindingIds::TlsGroupWeak, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The server accepts a weak or deprecated key-exchange group"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The server agreed to an elliptic curve that TLS has deprecated: small curves give less "
            "than 128-bit strength, and the binary and Koblitz curves are neither vetted nor widely "
            "implemented any more. Limit the groups to X25519, X448, secp256r1, secp384r1 and secp521r1 "
            "(Postfix: tls_eecdh_auto_curves; Dovecot: ssl_curve_list). The detail names the groups "
            "and where they were accepted."),
        "RFC 8422 s.5.1.1"},
};

} // namespace

std::span<const CatalogueEntry> tlsSuiteCatalogue() { return entries; }
