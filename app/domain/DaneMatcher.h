#pragma once

#include "dns/DnsTypes.h"

#include <QDateTime>
#include <QList>
#include <QSslCertificate>
#include <QString>

/**
 * DANE for SMTP (RFC 7672) on one presented chain: which TLSA records are usable, and whether
 * one of them matches.
 *
 * - DANE-EE(3): the server's own certificate (selector 0) or its public key (selector 1) matches;
 *   names and expiry are not checked (RFC 7672 s.3.1.1).
 * - DANE-TA(2): a certificate the server presented above its own matches and the server's
 *   certificate chains up to it by signature; or, for a record carrying the full key or
 *   certificate (2 1 0, 2 0 0), the server may leave the anchor out and the chain is anchored
 *   where a presented certificate is signed by that key (RFC 7671 s.5.2.2). Either way the
 *   server's certificate carries the MX host name and the certificates below the anchor are
 *   within their validity (RFC 7672 s.3.1.2, s.3.2.2). A digest record (2 x 1, 2 x 2) can only
 *   match a presented CA.
 * - PKIX-TA(0) / PKIX-EE(1) are not for SMTP: unusable (RFC 7672 s.3.1.3).
 * - Matching types 0 (exact), 1 (SHA-256), 2 (SHA-512) (RFC 6698 s.2.1.3); unknown usages,
 *   selectors and matching types are unusable (RFC 6698 s.4.1).
 */
class DaneMatcher final
{
public:
    enum class Outcome
    {
        NoRecords, ///< nothing to match
        Unusable, ///< records exist, none is usable for SMTP
        Match, ///< a usable record matched
        NoMatch, ///< usable records, none matched: a DANE sender refuses to deliver
    };
    struct Result
    {
        Outcome outcome = Outcome::NoRecords;
        /// The record that matched, or why none did, in words.
        QString detail;
        int usableRecords = 0;
        /// The usage of the record that matched (2 or 3), -1 without a match.
        int usage = -1;
    };

    /// The certificate association data of `cert` for `selector` and `matchingType`; empty for
    /// unknown values.
    static QByteArray associationData(const QSslCertificate& cert, quint8 selector, quint8 matchingType);
    static bool isUsable(const TlsaRecord& record);
    /// `chain` as presented, the server's certificate first; `mxHost` for DANE-TA's name check.
    static Result match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                        const QString& mxHost);
    /// The same with every name the certificate may carry: for an MX host that is an alias, both
    /// the original and the CNAME-expanded name (RFC 7672 s.3.2.2), the first one in messages.
    static Result match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                        const QStringList& mxNames);
    /// The same at the time `now` (validity of the certificates DANE-TA checks).
    static Result match(const QList<TlsaRecord>& records, const QList<QSslCertificate>& chain,
                        const QStringList& mxNames, const QDateTime& now);
    /// True when `cert` carries `host` (SAN dNSName, wildcard in the left-most label only,
    /// RFC 6125 s.6.4.3; the CN only without DNS SANs).
    static bool certificateNames(const QSslCertificate& cert, const QString& host);
};
