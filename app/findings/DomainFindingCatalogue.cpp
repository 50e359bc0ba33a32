// The catalogue's entries about a mail domain (the domain check): the domain and its MX records,
// each MX host's STARTTLS and certificate, DANE (TLSA), MTA-STS, TLS-RPT, and whether mail to the
// domain is protected in transit. Kept apart from FindingCatalogue.cpp, which is large.

#include "CatalogueEntry.h"
#include "FindingCatalogue.h"

#include <array>
#include <QCoreApplication>

namespace {

constexpr std::array entries {
    CatalogueEntry {
        FindingIds::DomainNotFound, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The mail domain does not exist"),
        QT_TRANSLATE_NOOP("Findings",
                          "DNS says there is no such domain (NXDOMAIN), or the name is not a domain name. "
                          "Mail to it cannot be delivered. Check the spelling and the domain's delegation."),
        "RFC 1035 s.4.1.1"},
    CatalogueEntry {
        FindingIds::DnsLookupFailed, Severity::Critical, QT_TRANSLATE_NOOP("Findings", "A DNS lookup failed"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The resolver got no usable answer (SERVFAIL, a timeout or no server). Senders cannot tell where "
            "mail goes or whether it must be protected; they retry later. Check the domain's name servers."),
        "RFC 1035"},
    CatalogueEntry {
        FindingIds::DnssecInvalid, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "DNSSEC validation failed (bogus)"),
        QT_TRANSLATE_NOOP("Findings",
                          "The answer should be signed but its signatures do not validate: a validating "
                          "sender treats it as an attack and does not use it, so mail is delayed or not "
                          "delivered. Re-sign the zone, check the DS record at the parent and the "
                          "signatures' validity dates. The detail gives the validator's reason."),
        "RFC 4035 s.5; RFC 8460 s.4.3 (dnssec-invalid)"},
    CatalogueEntry {
        FindingIds::NullMx, Severity::Info,
        QT_TRANSLATE_NOOP("Findings", "The domain accepts no mail (null MX)"),
        QT_TRANSLATE_NOOP("Findings",
                          "The domain publishes the null MX (MX 0 .): it says on purpose that it receives "
                          "no mail, and senders bounce at once. Nothing to check further."),
        "RFC 7505"},
    CatalogueEntry {
        FindingIds::MxMissing, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The domain has no MX record"),
        QT_TRANSLATE_NOOP("Findings",
                          "Without MX, senders deliver to the domain's own address (implicit MX). That "
                          "works, but is rarely intended; publish an MX record naming the mail server."),
        "RFC 5321 s.5.1"},
    CatalogueEntry {
        FindingIds::MxIsCname, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MX host is an alias (CNAME)"),
        QT_TRANSLATE_NOOP("Findings",
                          "An MX record must point at a host name with its own A/AAAA records, not at an "
                          "alias. Many senders follow the alias anyway, but some do not, and DANE looks "
                          "up TLSA at the alias' target. Point the MX at the real host name."),
        "RFC 5321 s.5.1; RFC 2181 s.10.3; RFC 7672 s.2.2.2"},
    CatalogueEntry {
        FindingIds::MxIsAddress, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MX record names an IP address"),
        QT_TRANSLATE_NOOP("Findings",
                          "An MX target must be a host name; an address written as a name is not valid "
                          "and many senders refuse it. Give the server a host name with A/AAAA records."),
        "RFC 5321 s.5.1"},
    CatalogueEntry {FindingIds::MxHostNotFound, Severity::Critical,
                    QT_TRANSLATE_NOOP("Findings", "The MX host has no address"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "The host named by the MX record has no A or AAAA record: senders "
                                      "cannot reach it. Add the address records, or fix the MX target."),
                    "RFC 5321 s.5.1"},
    CatalogueEntry {FindingIds::MxUnreachable, Severity::Critical,
                    QT_TRANSLATE_NOOP("Findings", "The MX host could not be checked"),
                    QT_TRANSLATE_NOOP(
                        "Findings",
                        "The SMTP conversation with this MX address failed before TLS (refused, timed out, "
                        "closed, or refused the client). Open its run for the steps and the server's words."),
                    "RFC 5321"},
    CatalogueEntry {
        FindingIds::StartTlsNotSupported, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The MX does not support STARTTLS"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "This MX host does not offer STARTTLS, or refuses it: mail to it travels in clear text, and "
            "DANE or MTA-STS senders do not deliver to it. Enable STARTTLS with a certificate."),
        "RFC 3207; RFC 8460 s.4.3.1 (starttls-not-supported)"},
    CatalogueEntry {FindingIds::CertificateHostMismatch, Severity::Warning,
                    QT_TRANSLATE_NOOP("Findings", "The MX certificate is not for the MX host name"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "The certificate the MX presents does not carry its MX host name. "
                                      "MTA-STS senders (and DANE-TA) require it; with MTA-STS in enforce "
                                      "mode they do not deliver. Get a certificate that names the MX host."),
                    "RFC 8461 s.4.2; RFC 8460 s.4.3.2 (certificate-host-mismatch)"},
    CatalogueEntry {FindingIds::CertificateExpired, Severity::Warning,
                    QT_TRANSLATE_NOOP("Findings", "The MX certificate is expired or not yet valid"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "MTA-STS senders require a valid certificate; with MTA-STS in "
                                      "enforce mode they do not deliver. Renew the certificate."),
                    "RFC 8461 s.4.2; RFC 8460 s.4.3.2 (certificate-expired)"},
    CatalogueEntry {
        FindingIds::CertificateNotTrusted, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MX certificate is not trusted"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The certificate does not chain to a trusted CA (self-signed, unknown CA or an incomplete "
            "chain). MTA-STS senders require a WebPKI-valid certificate; with MTA-STS in enforce mode "
            "they do not deliver. DANE-EE records would authenticate it without a CA."),
        "RFC 8461 s.4.2; RFC 8460 s.4.3.2 (certificate-not-trusted)"},
    CatalogueEntry {
        FindingIds::TlsaInvalid, Severity::Critical,
        QT_TRANSLATE_NOOP("Findings", "The TLSA records do not match the MX certificate"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The DNSSEC-signed TLSA records for this MX match none of the certificates it presents. DANE "
            "senders refuse to deliver to it: mail is delayed and bounces. Publish TLSA records for the "
            "current certificate or key (before a rollover, publish both)."),
        "RFC 7672 s.3; RFC 8460 s.4.3.2 (tlsa-invalid)"},
    CatalogueEntry {
        FindingIds::TlsaUnusable, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The TLSA records are unusable for SMTP"),
        QT_TRANSLATE_NOOP("Findings",
                          "Only PKIX-TA(0)/PKIX-EE(1) usages or unknown parameters are published. SMTP "
                          "senders ignore them (RFC 7672 s.3.1.3) and then, since usable records are "
                          "missing, do not deliver over DANE. Use DANE-EE(3) or DANE-TA(2)."),
        "RFC 7672 s.3.1.3"},
    CatalogueEntry {
        FindingIds::TlsaInsecure, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "TLSA records are ignored: the zone is not signed"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "TLSA records exist for this MX, but they (or the MX host's addresses) are not DNSSEC-validated, "
            "so senders ignore them and DANE gives no protection. Sign the zone and publish its DS record."),
        "RFC 7672 s.2.2"},
    CatalogueEntry {FindingIds::StsRecordInvalid, Severity::Warning,
                    QT_TRANSLATE_NOOP("Findings", "The MTA-STS record is invalid"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "The _mta-sts TXT record is malformed or published more than once; "
                                      "senders then treat the domain as having no MTA-STS policy. It must "
                                      "be exactly one record like \"v=STSv1; id=20240101T000000;\"."),
                    "RFC 8461 s.3.1"},
    CatalogueEntry {
        FindingIds::StsPolicyFetchError, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MTA-STS policy could not be fetched"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The _mta-sts record announces a policy, but https://mta-sts.<domain>/.well-known/mta-sts.txt "
            "did not deliver it (not found, redirected, too large, wrong type or unreachable). Senders "
            "without a cached policy deliver without MTA-STS protection. The detail says what happened."),
        "RFC 8461 s.3.3; RFC 8460 s.4.3.3 (sts-policy-fetch-error)"},
    CatalogueEntry {FindingIds::StsPolicyInvalid, Severity::Warning,
                    QT_TRANSLATE_NOOP("Findings", "The MTA-STS policy is invalid"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "The policy file does not follow RFC 8461 s.3.2 (version, mode, mx, "
                                      "max_age); senders ignore it. The detail names the line."),
                    "RFC 8461 s.3.2; RFC 8460 s.4.3.3 (sts-policy-invalid)"},
    CatalogueEntry {
        FindingIds::StsWebpkiInvalid, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MTA-STS policy host's certificate is not valid"),
        QT_TRANSLATE_NOOP("Findings",
                          "The HTTPS certificate of mta-sts.<domain> is not valid for that name or not "
                          "trusted, so senders refuse the policy and deliver without MTA-STS protection."),
        "RFC 8461 s.3.3; RFC 8460 s.4.3.3 (sts-webpki-invalid)"},
    CatalogueEntry {
        FindingIds::StsMxMismatch, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "The MX host is not allowed by the MTA-STS policy"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The policy's mx lines do not cover this MX host. In enforce mode senders do not deliver to "
            "it; in testing mode they report it. Add the host (or a *.domain pattern) to the policy."),
        "RFC 8461 s.4.1"},
    CatalogueEntry {FindingIds::TlsRptInvalid, Severity::Warning,
                    QT_TRANSLATE_NOOP("Findings", "The TLS-RPT record is invalid"),
                    QT_TRANSLATE_NOOP("Findings",
                                      "The _smtp._tls TXT record is malformed or published more than "
                                      "once, so senders send no reports of delivery failures. It must be "
                                      "one record like \"v=TLSRPTv1; rua=mailto:tlsrpt@example.org\"."),
                    "RFC 8460 s.3"},
    CatalogueEntry {
        FindingIds::TlsRptMissing, Severity::Info, QT_TRANSLATE_NOOP("Findings", "No TLS-RPT record"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "The domain does not ask senders for reports about TLS failures, so a broken certificate or DANE "
            "record goes unnoticed until mail bounces. Publish a _smtp._tls TXT record with a rua address."),
        "RFC 8460 s.3"},
    CatalogueEntry {
        FindingIds::MailUnprotected, Severity::Warning,
        QT_TRANSLATE_NOOP("Findings", "Mail to this domain is not protected in transit"),
        QT_TRANSLATE_NOOP(
            "Findings",
            "Neither DANE on every MX nor an MTA-STS policy in enforce mode is in place: STARTTLS stays "
            "opportunistic, so an attacker on the path can strip it or present any certificate, and senders "
            "deliver anyway. Publish TLSA records in a signed zone, or an MTA-STS policy in enforce mode."),
        "RFC 7672; RFC 8461; RFC 7435"},
};

} // namespace

std::span<const CatalogueEntry> domainCatalogue() { return entries; }
