#pragma once

#include <QList>
#include <QSsl>
#include <QString>
#include <QStringList>

/// The TLS versions the audit probes, oldest first.
enum class TlsVersion
{
    V1_0,
    V1_1,
    V1_2,
    V1_3
};

/**
 * What the local TLS library can offer, per TLS version (how suites are rated is
 * SuiteRating's, over CipherSuiteTable).
 * Names are OpenSSL's ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"), the names
 * QSslCipher::name() reports for a negotiated session.
 *
 * Debian's OpenSSL 3 refuses TLS 1.0/1.1 at its default security level (no SHA-1 signature
 * algorithms): a probe lowers the level for itself only, with the backend cipher string
 * `...:@SECLEVEL=0` (QT-NOTES.md). Whether a version can then really be offered is decided by
 * an in-memory handshake against a maximally permissive local peer (localSupport()), so that a
 * version the local library cannot speak is reported as "not testable from this machine" and
 * never as "rejected by the server".
 */
class CipherSuites final
{
public:
    static QList<TlsVersion> allVersions();
    /// "TLSv1.0" ... "TLSv1.3": the keys of Run::tlsVersions and Run::ciphers.
    static QString versionName(TlsVersion version);
    static QSsl::SslProtocol qtProtocol(TlsVersion version);

    /// The backend cipher string a version probe uses: everything the library has, at security
    /// level 0, so that the probe fails only when the server refuses.
    static QString probeCipherString();
    /// `ciphers` joined as an OpenSSL cipher string at security level 0.
    static QString cipherString(const QStringList& ciphers);

    /// Every cipher suite the local library can offer for `version`, strongest first: for TLS 1.3
    /// the five RFC 8446 suites, for older versions everything at security level 0 except PSK and
    /// SRP suites (they need credentials no probe has).
    static QStringList candidates(TlsVersion version);

    /// True when this machine can complete a handshake with `version` (checked once per process
    /// with an in-memory handshake); otherwise `why` says what the library refused.
    static bool localSupport(TlsVersion version, QString* why = nullptr);
};
