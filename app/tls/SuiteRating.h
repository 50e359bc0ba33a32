#pragma once

#include "CipherSuiteTable.h"
#include "run/Run.h"

#include <optional>
#include <QString>
#include <QStringList>

/// One accepted suite as reports and views show it: the registry's facts and Mailscope's rating of
/// the suite as the server accepted it (with that version, that DH size, that group).
struct RatedSuite
{
    AcceptedSuite suite;
    const CipherSuiteInfo* info = nullptr; ///< nullptr: a code the registry does not know
    QString code; ///< "0xC0,0x2F"
    QString name; ///< OpenSSL's name when it has one, else IANA's; the code when unknown
    std::optional<SuiteClass> rating; ///< empty for a code the registry does not know
    QStringList reasons; ///< why it is rated below acceptable, in words with references
};

/**
 * Rates accepted cipher suites for reports, views and findings. The suite's own rating comes from
 * CipherSuiteTable::classify() and reasons(); what the server chose on top of that lowers it:
 * SSL 2.0/3.0 make any suite insecure, CBC with TLS 1.0/1.1 is weak, a DH prime under 2048 bits is
 * weak (under 1024 insecure), a deprecated named group is weak. One place for ratings: TlsSuiteFindings,
 * ReportJson, ReportText and the TLS panel all ask here.
 */
class SuiteRating final
{
public:
    /// Below this many bits a DH prime is weak (RFC 7919's smallest group is 2048 bits).
    static constexpr int MinimumDhBits = 2048;
    /// Below this a DH prime is insecure (broken with academic resources; Logjam).
    static constexpr int InsecureDhBits = 1024;

    /// "SSLv2" 0x0002, "SSLv3" 0x0300, "TLSv1.0" 0x0301 ... "TLSv1.3" 0x0304; 0 for anything else.
    static quint16 wireVersion(const QString& versionName);
    /// The registry row of `suite` as accepted with `versionName` (SSLv2 has its own code space).
    static const CipherSuiteInfo* info(const AcceptedSuite& suite, const QString& versionName);
    /// "0xC0,0x2F", or three bytes "0x07,0x00,0xC0" for an SSLv2 cipher kind.
    static QString codeText(quint32 code, bool sslV2);
    /// The inverse of codeText(): exactly two (three when `sslV2`) "0xNN" bytes; nullopt otherwise.
    static std::optional<quint32> parseCode(const QString& text, bool sslV2);
    static RatedSuite rate(const AcceptedSuite& suite, const QString& versionName);
    /// Why a named group ("secp192r1", or "0x0009" for one without a name) is weak, in words; empty
    /// when it is not (RFC 8422 s.5.1.1 deprecates every curve but secp256r1/384r1/521r1, X25519
    /// and X448; groups it does not list, such as brainpool or ffdhe, are not judged here).
    static QString groupWeakness(const QString& group);
};
