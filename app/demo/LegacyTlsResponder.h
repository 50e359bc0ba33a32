#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

/// What the scripted legacy TLS server accepts (LegacyTlsResponder).
struct LegacyTlsConfig
{
    /// Per wire version (0x0300 SSLv3 ... 0x0304 TLS 1.3): the suites accepted, in the server's
    /// order of preference. A version without suites is not spoken.
    QMap<quint16, QList<quint16>> suites;
    /// SSL 2.0 cipher kinds (3-byte codes) spoken to an SSL 2.0 CLIENT-HELLO; empty: no SSLv2.
    QList<quint32> sslV2CipherKinds;
    /// True: the first suite of the server's list that the client offered; false: the client's
    /// first suite that the server accepts.
    bool serverOrder = true;
    /// The size of the DH prime of a DHE ServerKeyExchange: 1024 (RFC 5114 s.2.1) or 2048
    /// (ffdhe2048, RFC 7919 Appendix A.1).
    int dhBits = 2048;
    /// Named groups for ECDHE and TLS 1.3 key shares, in the server's order: x25519 (0x001d) and
    /// secp256r1 (0x0017) are served.
    QList<quint16> groups = {0x001d, 0x0017};
    /// The certificate sent (DER); empty: no Certificate message.
    QByteArray certificateDer;
};

/// What the server answers to the bytes a client sent so far.
struct LegacyTlsAnswer
{
    enum class Kind
    {
        NeedMore, ///< the ClientHello is not complete yet
        ServerHello, ///< a ServerHello (and the rest of the server's first flight)
        HelloRetryRequest, ///< TLS 1.3: the client offered no key share for an acceptable group
        Alert, ///< a fatal TLS alert: close after sending
        SslV2ServerHello,
        SslV2Error, ///< SSL 2.0 ERROR no-cipher
    };
    Kind kind = Kind::NeedMore;
    QByteArray bytes; ///< what to send
    quint16 version = 0; ///< the version chosen (ServerHello) or 0x0002 for SSL 2.0
    quint16 cipher = 0; ///< the suite chosen (ServerHello, HelloRetryRequest)
    quint8 alert = 0; ///< the alert description (Alert)
    QString why; ///< one line for logs and test messages
};

/**
 * A scripted TLS server's first flight: reads a client's raw ClientHello (TLS records, or an SSL
 * 2.0 CLIENT-HELLO) and answers as a server configured with LegacyTlsConfig would, down to RC4,
 * export, NULL and anonymous suites that no current TLS library serves. It picks a version
 * (the highest it speaks that the client offers, RFC 5246 Appendix E.1; supported_versions only
 * when it speaks TLS 1.3, RFC 8446 s.4.2.1) and a suite, then sends ServerHello, Certificate, a
 * ServerKeyExchange with real DH or EC parameters for ephemeral suites (signatures are filler:
 * nobody can finish this handshake) and ServerHelloDone; alert handshake_failure (40) when no
 * suite fits, protocol_version (70) when no version does, decode_error (50) for a malformed
 * hello. A probe that reads the first flight sees exactly what such a server would say.
 * Pure function over the client's bytes; everything read is bounds-checked.
 */
class LegacyTlsResponder final
{
public:
    /// A ClientHello longer than this is refused (decode_error).
    static constexpr qsizetype MaxHelloBytes = 64 * 1024;

    static LegacyTlsAnswer respond(const QByteArray& clientBytes, const LegacyTlsConfig& config);

    /// True when `clientBytes` hold a complete ClientHello whose supported_versions offers TLS 1.3
    /// (RFC 8446 s.4.2.1): the demo hands such a hello to a real TLS 1.3 handshake.
    static bool offersTls13(const QByteArray& clientBytes);

    /// A server of 2005: SSLv2, SSLv3 and TLS 1.0-1.2 with RC4, 3DES, export, NULL, anonymous
    /// and DHE suites (1024-bit DH) besides current ones, in server order; no TLS 1.3.
    static LegacyTlsConfig legacyServer();
};
