#pragma once

#include "run/Run.h"

#include <QList>
#include <QMap>
#include <QStringList>

struct TlsAuditResult;

/**
 * The TLS audit's findings about what the server accepts beyond the version matrix: SSL 2.0 and
 * 3.0, one finding per class of broken or weak suite (NULL, anonymous, export, RC4, single DES or
 * RC2, 64-bit blocks, CBC with TLS 1.0/1.1, no forward secrecy), DH primes under 2048 bits (under
 * 1024: insecure), deprecated named groups, and tls-weak-cipher for a suite rated weak or insecure
 * for a reason none of those covers (an MD5 MAC, a GOST suite). Each finding's detail names the
 * suites per version. A suite can be evidence of several classes (ADH-RC4-MD5 is anonymous and
 * RC4): each class has its own fix. Ratings come from SuiteRating, names from CipherSuiteTable.
 */
class TlsSuiteFindings final
{
public:
    using SuitesByVersion = QMap<QString, QList<AcceptedSuite>>;

    /// How many suite names one line of evidence lists before "and N more" (the report's suite
    /// list has them all).
    static constexpr int EvidenceNames = 12;

    /// TlsAudit::merge()'s part for suites: fills run.ciphers and the audit's suites, groups and
    /// weakCiphers from `r` (the raw probes' codes; for a version known only by names, the same
    /// suites found in the registry by name, kept in the suite list only when every name was
    /// found) and returns the findings (evaluate()). Run::tlsVersions must be merged already.
    static QList<Finding> merge(const TlsAuditResult& r, Run& run, TlsAuditInfo& info);

    /// The findings for these accepted suites and groups; `versionStatus` is Run::tlsVersions
    /// (SSL 2.0/3.0 count as accepted when their row says so, even without a suite).
    static QList<Finding> evaluate(const SuitesByVersion& suites, const QMap<QString, QStringList>& groups,
                                   const QMap<QString, QString>& versionStatus);

    /// Suites by display name through the registry, for results that have only names (the local
    /// library's enumeration); names the registry does not know are left out and listed in `unknown`.
    static QList<AcceptedSuite> fromNames(const QStringList& names, const QString& versionName,
                                          QStringList* unknown = nullptr);

    /// "NAME (reason; reason)" for each suite rated weak or insecure (TlsAuditInfo::weakCiphers).
    static QStringList weakList(const QList<AcceptedSuite>& suites, const QString& versionName);
};
