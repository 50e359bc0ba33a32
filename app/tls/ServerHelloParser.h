#pragma once

#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>

/// What a server's first flight says about the hello it got.
struct ServerHelloInfo
{
    quint16 legacyVersion = 0; ///< ServerHello.legacy_version (or 0x0002 for SSL 2.0)
    quint16 version = 0; ///< negotiated: supported_versions when present (RFC 8446 s.4.2.1), else legacy
    quint16 cipher = 0;
    quint8 compression = 0;
    QByteArray sessionId;
    /// A HelloRetryRequest (RFC 8446 s.4.1.3): still a choice of version and suite.
    bool helloRetryRequest = false;
    /// The group of the server's key share, or the one a HelloRetryRequest asks for.
    std::optional<quint16> keyShareGroup;
    QList<quint16> extensionTypes;
    /// The ServerKeyExchange body, when asked for and present (TLS 1.2 and older).
    QByteArray serverKeyExchange;
    /// True when the flight ended (ServerHelloDone, or TLS 1.3 where nothing else is clear text).
    bool flightComplete = false;
    /// SSL 2.0 SERVER-HELLO: the cipher kinds it supports (3-byte codes).
    QList<quint32> sslV2CipherKinds;
};

/// The answer to one raw ClientHello, parsed from the bytes received so far.
struct ServerAnswer
{
    enum class Kind
    {
        NeedMore, ///< nothing decided yet: read on
        ServerHello, ///< the server chose (see hello; hello.flightComplete says whether more may come)
        Alert, ///< the server refused with a TLS alert
        Malformed, ///< not TLS, or broken TLS (problem says where)
    };
    Kind kind = Kind::NeedMore;
    ServerHelloInfo hello;
    quint8 alertLevel = 0;
    quint8 alertDescription = 0;
    QString problem;
};

/**
 * Reads a server's answer to a raw ClientHello: the ServerHello (TLS records of type 22,
 * messages possibly split across records, RFC 5246 s.6.2.1), an alert (type 21), or an SSL 2.0
 * SERVER-HELLO. Pure function over the bytes received so far; call it again when more arrive.
 * Everything is bounds-checked: the input is untrusted.
 */
class ServerHelloParser final
{
public:
    enum class Depth
    {
        ServerHello, ///< stop at the ServerHello
        KeyExchange, ///< read on to the ServerKeyExchange or ServerHelloDone (DH sizes, groups)
    };

    /// More than this without an answer is malformed (a certificate chain fits well within it).
    static constexpr qsizetype MaxBytes = 128 * 1024;

    static ServerAnswer parse(const QByteArray& bytes, Depth depth = Depth::ServerHello);

    /// The size in bits of the DH prime in a DHE ServerKeyExchange (RFC 5246 s.7.4.3).
    static std::optional<int> dhPrimeBits(const QByteArray& serverKeyExchange);
    /// The named group of an ECDHE ServerKeyExchange (RFC 8422 s.5.4, curve_type named_curve).
    static std::optional<quint16> ecdheGroup(const QByteArray& serverKeyExchange);

    /// "handshake_failure" for 40 (RFC 8446 s.6); "alert 123" for unknown ones.
    static QString alertName(quint8 description);
    /// "x25519", "secp256r1", "ffdhe2048"...; "0x1234" for unknown ones.
    static QString groupName(quint16 group);
    /// "TLSv1.2", "SSLv3", "SSLv2"...
    static QString versionName(quint16 wireVersion);
};
