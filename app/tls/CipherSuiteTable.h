#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <span>

/// The oldest protocol a suite can be negotiated with.
enum class SuiteProtocol
{
    SslV2,
    SslV3,
    Tls10,
    Tls12,
    Tls13
};

/// How Mailscope rates an accepted suite (CipherSuiteTable::classify() says why).
enum class SuiteClass
{
    Insecure,
    Weak,
    Acceptable,
    Recommended
};

/// One row of the cipher-suite registry (IANA TLS Cipher Suites, plus the SSLv2 cipher kinds).
struct CipherSuiteInfo
{
    quint32 code; ///< two bytes on the wire; three for an SSLv2 cipher kind
    bool sslV2;
    const char* openSslName; ///< empty when OpenSSL never named it
    const char* ianaName;
    SuiteProtocol oldest;
    const char* keyExchange; ///< "RSA", "DH" (ephemeral), "ECDH" (ephemeral), "DH/RSA" (static), "PSK", "any"
                             ///< (TLS 1.3)...
    int keyExchangeLimitBits; ///< export suites: the RSA/DH size they are limited to; else 0
    const char* authentication; ///< "RSA", "ECDSA", "None" (anonymous), "any" (TLS 1.3)...
    const char* encryption; ///< "AESGCM", "AES" (CBC), "3DES", "RC4", "None"...
    int bits;
    const char* mac; ///< "AEAD", "SHA1", "MD5"...
    bool exportGrade;
};

/**
 * Every cipher suite a raw probe can offer (about 370, generated from the registry by
 * tools/gen-cipher-table.py), with the facts a report shows and Mailscope's rating. This is what
 * lets the audit see suites no local TLS library will offer any more (RC4, export, NULL...).
 */
class CipherSuiteTable final
{
public:
    static std::span<const CipherSuiteInfo> all();
    /// The TLS suite with this two-byte code; nullptr when it is not in the registry.
    static const CipherSuiteInfo* find(quint16 code);
    static const CipherSuiteInfo* findSslV2(quint32 code);
    /// The suite an OpenSSL or IANA name stands for ("ECDHE-RSA-AES128-GCM-SHA256",
    /// "TLS_RSA_WITH_RC4_128_SHA"); among the SSLv2 cipher kinds when `sslV2`. nullptr when the
    /// registry does not know the name.
    static const CipherSuiteInfo* findByName(const QString& name, bool sslV2 = false);
    /// The name reports use: OpenSSL's when it has one (what admins configure), else IANA's.
    static QString displayName(const CipherSuiteInfo& suite);
    /// "0xC0,0x2F" (testssl.sh and sslscan show codes this way).
    static QString codeText(const CipherSuiteInfo& suite);

    /// The suites a ClientHello of `wireVersion` (0x0300 ... 0x0304) may offer: TLS 1.3 suites
    /// only with 0x0304; suites defined for TLS 1.2 only (AEAD, SHA-256 MACs) only with 0x0303;
    /// no SSLv2 cipher kinds. In registry order.
    static QList<quint16> offerable(quint16 wireVersion);

    static bool forwardSecret(const CipherSuiteInfo& suite);
    static bool anonymous(const CipherSuiteInfo& suite);
    static bool cbc(const CipherSuiteInfo& suite);
    static SuiteClass classify(const CipherSuiteInfo& suite);
    /// "insecure", "weak", "acceptable", "recommended" (the JSON report's words).
    static QString className(SuiteClass c);
    /// Why a suite is rated below acceptable, or is a problem with `wireVersion` (CBC on TLS 1.0
    /// and 1.1), in words with their reference; empty when there is nothing to say.
    static QStringList reasons(const CipherSuiteInfo& suite, quint16 wireVersion);
};
