#pragma once

#include <QByteArray>
#include <QList>
#include <utility>

/// TLS protocol versions as they appear on the wire (RFC 8446 s.4.1.2, RFC 6101 s.5.6.1).
namespace WireVersion {
constexpr quint16 SslV2 = 0x0002;
constexpr quint16 SslV3 = 0x0300;
constexpr quint16 Tls10 = 0x0301;
constexpr quint16 Tls11 = 0x0302;
constexpr quint16 Tls12 = 0x0303;
constexpr quint16 Tls13 = 0x0304;
} // namespace WireVersion

/// One ClientHello extension: its type and its encoded body (RFC 8446 s.4.2).
struct HelloExtension
{
    quint16 type = 0;
    QByteArray data;
};

/// Everything that goes into a ClientHello, field by field (RFC 5246 s.7.4.1.2, RFC 8446 s.4.1.2).
struct ClientHelloSpec
{
    quint16 recordVersion =
        WireVersion::Tls10; ///< record layer version (RFC 8446 s.5.1: 0x0301 for compatibility)
    quint16 clientVersion = WireVersion::Tls12; ///< legacy_version; 0x0303 for TLS 1.3
    QByteArray random; ///< 32 bytes
    QByteArray sessionId; ///< 0..32 bytes
    QList<quint16> suites;
    QList<HelloExtension> extensions;
    /// SSLv3 predates extensions (RFC 6101): its hello ends after the compression methods.
    bool withExtensions = true;
};

/**
 * Builds the ClientHello a raw probe sends: the audit's own, so that it can offer every
 * registered suite (RC4, export, NULL... that no current TLS library offers) and needs only the
 * server's first answer. Nothing here completes a handshake; the key share of a TLS 1.3 hello
 * is a valid point nobody holds the secret of, enough for a server to answer with its choice.
 */
class ClientHello final
{
public:
    /// The handshake message alone (type 1, 24-bit length, body), as `openssl s_client -msg` shows it.
    static QByteArray handshake(const ClientHelloSpec& spec);
    /// The handshake message in one TLS record (RFC 5246 s.6.2.1).
    static QByteArray record(const ClientHelloSpec& spec);
    /// An SSL 2.0 CLIENT-HELLO offering SSLv2 cipher kinds (3-byte codes); `challenge` 16 bytes.
    /// RFC 6101 Appendix E: the two-byte header with the high bit set, then msg type 1.
    static QByteArray sslV2(const QList<quint32>& cipherKinds, const QByteArray& challenge);

    // ---- extensions (RFC 6066, RFC 8422, RFC 8446) ----
    static HelloExtension serverName(const QByteArray& hostName);
    static HelloExtension supportedGroups(const QList<quint16>& groups);
    static HelloExtension ecPointFormats(const QByteArray& formats);
    static HelloExtension signatureAlgorithms(const QList<quint16>& schemes);
    static HelloExtension supportedVersions(const QList<quint16>& versions);
    static HelloExtension keyShare(const QList<std::pair<quint16, QByteArray>>& shares);
    static HelloExtension pskKeyExchangeModes(const QByteArray& modes);
    /// An extension with an empty body (session_ticket 35, extended_master_secret 23,
    /// encrypt_then_mac 22, renegotiation_info needs renegotiationInfo()).
    static HelloExtension empty(quint16 type);
    static HelloExtension renegotiationInfo();

    /// The groups a probe offers: every registered elliptic curve and FFDHE group, so that the
    /// server's choice reveals what it supports (RFC 8422 s.5.1.1, RFC 7919).
    static QList<quint16> probeGroups();
    /// Signature schemes a probe offers: current and legacy, so no server refuses for lack of one.
    static QList<quint16> probeSignatureSchemes();

    /// The hello a probe sends for `wireVersion` (SSLv3 ... TLS 1.3) offering `suites`.
    /// `hostName` goes into SNI when it is a name (not an address literal); `random` is 32 bytes.
    static ClientHelloSpec probe(quint16 wireVersion, const QList<quint16>& suites,
                                 const QByteArray& hostName, const QByteArray& random);
    /// As probe(), with `groups` in supported_groups (and, for TLS 1.3, a key share for the first).
    static ClientHelloSpec probe(quint16 wireVersion, const QList<quint16>& suites,
                                 const QByteArray& hostName, const QByteArray& random,
                                 const QList<quint16>& groups);

    /// A public key for `group` that is a valid point nobody needs the secret of: for x25519
    /// the base point (RFC 7748 s.4.1). Empty for other groups: a TLS 1.3 probe then sends an
    /// empty key share list and the server names its group in a HelloRetryRequest
    /// (RFC 8446 s.4.2.8 allows an empty client_shares).
    static QByteArray placeholderKeyShare(quint16 group);
};
