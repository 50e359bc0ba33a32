#pragma once

#include "dns/DnsTypes.h"
#include "MtaStsPolicy.h"
#include "run/Run.h"

#include <optional>
#include <QDateTime>
#include <QList>
#include <QString>

/// One SMTP run against one address of an MX host.
struct MxAddressRun
{
    QString address;
    Run run;
    /// The usage (2 DANE-TA, 3 DANE-EE) of the TLSA record that authenticated this server's
    /// certificate, -1 when DANE did not. A DANE sender then ignores PKIX trust (RFC 7672 s.3.1).
    int daneUsage = -1;
    /// What the domain check concluded for this address (DomainCheck::evaluateMx): the worst of
    /// the MX host's findings about this address (STARTTLS, handshake, certificate as the domain's
    /// DANE and MTA-STS judge it, a DANE mismatch here) and of those about the whole host (DNS,
    /// MTA-STS match, TLSA status). The MX host's verdict is the worst of its addresses'. Unlike
    /// `run.verdict()`, the plain STARTTLS check's, it leaves out what a certificate authenticated
    /// by DANE supersedes (RFC 7672 s.3.1) and what the domain check does not judge.
    Verdict verdict = Verdict::Unknown;

    /// How the certificate was authenticated: "dane", "pkix", "not-verified", or "none".
    QString certificateKey() const;
    /// The same in words with the certificate's name, for the text report and the domain page:
    /// "mx.example.org, authenticated by DANE (usage 3)".
    QString certificateText() const;
};

/// One MX host: its DNS facts, DANE and MTA-STS status, its runs and what they mean together.
struct MxResult
{
    quint16 preference = 0;
    QString host;
    /// The MX target is an alias (RFC 5321 s.5.1 says it must not be); the alias' target.
    QString cnameTarget;
    /// The MX target is written as an IP address.
    bool addressLiteral = false;
    QStringList addresses;
    DnsSecurity addressSecurity = DnsSecurity::Indeterminate;
    /// `_25._tcp.<host>` TLSA (RFC 7672 s.2.2).
    QList<TlsaRecord> tlsa;
    /// Where `tlsa` was looked up: `_25._tcp.<cnameTarget>` when the alias' target has TLSA
    /// records, else `_25._tcp.<host>` (RFC 7672 s.2.2.2).
    QString tlsaName;
    DnsSecurity tlsaSecurity = DnsSecurity::Indeterminate;
    /// "none", "valid", "invalid", "unusable", "ignored" (insecure zone), "bogus", "no-tls".
    QString dane = QStringLiteral("none");
    QString daneDetail;
    /// "match", "no-match", or "" when no MTA-STS policy applies.
    QString stsMatch;
    QList<MxAddressRun> runs;
    QList<Finding> findings;

    Verdict verdict() const;
};

/// The `_mta-sts` record and the policy behind it.
struct MtaStsInfo
{
    QStringList txt;
    DnsSecurity txtSecurity = DnsSecurity::Indeterminate;
    std::optional<MtaStsRecord> record;
    QString recordError;
    /// "" (not fetched), "ok", or the fetch problem in one word (http-status, redirect, ...).
    QString fetch;
    QString fetchDetail;
    QString policyText;
    std::optional<MtaStsPolicy> policy;
    QString policyError;
    /// A valid policy with mode enforce or testing.
    bool active() const { return policy && policy->mode != MtaStsPolicy::Mode::None; }
};

struct TlsRptInfo
{
    QStringList txt;
    DnsSecurity txtSecurity = DnsSecurity::Indeterminate;
    std::optional<TlsRptRecord> record;
    QString error;
};

/**
 * The result of a domain check: is mail to the domain protected in transit, and where does it
 * fail. Domain-level findings (MX walk, MTA-STS, TLS-RPT, protection) sit in `findings`; each
 * MX host's findings in its MxResult, its SMTP runs embedded in full.
 */
struct DomainReport
{
    QString domain;
    QDateTime startedAt;
    qint64 durationMs = 0;
    /// "mx", "null-mx" (RFC 7505), "implicit" (no MX: the domain's own address, RFC 5321 s.5.1),
    /// or "none" (the walk stopped: no such domain, DNS failure, bogus answer).
    QString mxMode = QStringLiteral("none");
    DnsSecurity mxSecurity = DnsSecurity::Indeterminate;
    QString mxWhyBogus;
    QList<MxResult> mx;
    MtaStsInfo mtaSts;
    TlsRptInfo tlsRpt;
    QList<Finding> findings;
    bool aborted = false;

    Verdict verdict() const;
    /// Every finding id of the domain and its MX hosts, sorted, each once.
    QStringList findingIds() const;
};
