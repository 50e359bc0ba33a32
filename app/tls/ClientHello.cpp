#include "ClientHello.h"

#include "TlsWire.h"

#include <QHostAddress>

namespace {

using TlsWire::put16;
using TlsWire::put24;
using TlsWire::put8;
using TlsWire::vector16;
using TlsWire::vector8;

QByteArray list16(const QList<quint16>& values)
{
    QByteArray body;
    for (quint16 v : values)
        put16(body, v);
    return body;
}

constexpr quint16 X25519 = 0x001d;
} // namespace

QByteArray ClientHello::handshake(const ClientHelloSpec& spec)
{
    QByteArray body;
    put16(body, spec.clientVersion);
    body += spec.random.leftJustified(32, '\0', true);
    body += vector8(spec.sessionId.left(32));
    body += vector16(list16(spec.suites));
    body += vector8(QByteArray(1, '\0')); // compression: null only (RFC 8446 s.4.1.2)
    if (spec.withExtensions) {
        QByteArray extensions;
        for (const HelloExtension& e : spec.extensions) {
            put16(extensions, e.type);
            extensions += vector16(e.data);
        }
        body += vector16(extensions);
    }
    QByteArray message;
    put8(message, 1); // client_hello
    put24(message, quint32(body.size()));
    return message + body;
}

QByteArray ClientHello::record(const ClientHelloSpec& spec)
{
    const QByteArray message = handshake(spec);
    QByteArray out;
    put8(out, 22); // handshake
    put16(out, spec.recordVersion);
    put16(out, quint32(message.size()));
    return out + message;
}

QByteArray ClientHello::sslV2(const QList<quint32>& cipherKinds, const QByteArray& challenge)
{
    // SSL 2.0 CLIENT-HELLO: msg type 1, version 0x0002, cipher-specs length, session-id length,
    // challenge length, then the specs (3 bytes each) and the challenge.
    QByteArray body;
    put8(body, 1);
    put16(body, WireVersion::SslV2);
    put16(body, quint32(cipherKinds.size() * 3));
    put16(body, 0);
    put16(body, quint32(challenge.size()));
    for (quint32 kind : cipherKinds)
        put24(body, kind);
    body += challenge;
    QByteArray out;
    put16(out, 0x8000 | quint32(body.size())); // two-byte header, no padding
    return out + body;
}

HelloExtension ClientHello::serverName(const QByteArray& hostName)
{
    // RFC 6066 s.3: ServerNameList { NameType host_name(0); HostName<1..2^16-1> }.
    QByteArray entry;
    put8(entry, 0);
    entry += vector16(hostName);
    return {0x0000, vector16(entry)};
}

HelloExtension ClientHello::supportedGroups(const QList<quint16>& groups)
{
    return {0x000a, vector16(list16(groups))};
}

HelloExtension ClientHello::ecPointFormats(const QByteArray& formats) { return {0x000b, vector8(formats)}; }

HelloExtension ClientHello::signatureAlgorithms(const QList<quint16>& schemes)
{
    return {0x000d, vector16(list16(schemes))};
}

HelloExtension ClientHello::supportedVersions(const QList<quint16>& versions)
{
    return {0x002b, vector8(list16(versions))};
}

HelloExtension ClientHello::keyShare(const QList<std::pair<quint16, QByteArray>>& shares)
{
    QByteArray entries;
    for (const auto& [group, key] : shares) {
        put16(entries, group);
        entries += vector16(key);
    }
    return {0x0033, vector16(entries)};
}

HelloExtension ClientHello::pskKeyExchangeModes(const QByteArray& modes) { return {0x002d, vector8(modes)}; }

HelloExtension ClientHello::empty(quint16 type) { return {type, {}}; }

HelloExtension ClientHello::renegotiationInfo() { return {0xff01, QByteArray(1, '\0')}; }

QList<quint16> ClientHello::probeGroups()
{
    // x25519, secp256r1, x448, secp521r1, secp384r1, brainpool, the older binary and prime
    // curves (RFC 8422 s.5.1.1 and RFC 4492), then the FFDHE groups (RFC 7919).
    return {0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x001a, 0x001b, 0x001c, 0x0001, 0x0002, 0x0003, 0x0004,
            0x0005, 0x0006, 0x0007, 0x0008, 0x0009, 0x000a, 0x000b, 0x000c, 0x000d, 0x000e, 0x000f, 0x0010,
            0x0011, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104};
}

QList<quint16> ClientHello::probeSignatureSchemes()
{
    // RFC 8446 s.4.2.3 schemes, then the TLS 1.2 (hash, signature) pairs down to MD5 and SHA-1
    // (RFC 5246 s.7.4.1.4.1), so that no server refuses the hello for lack of one.
    return {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a, 0x080b, 0x0804,
            0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402,
            0x0502, 0x0602, 0x0203, 0x0201, 0x0202, 0x0101, 0x0102, 0x0103};
}

QByteArray ClientHello::placeholderKeyShare(quint16 group)
{
    if (group != X25519)
        return {};
    QByteArray basePoint(32, '\0');
    basePoint[0] = 9;
    return basePoint;
}

ClientHelloSpec ClientHello::probe(quint16 wireVersion, const QList<quint16>& suites,
                                   const QByteArray& hostName, const QByteArray& random)
{
    return probe(wireVersion, suites, hostName, random, probeGroups());
}

ClientHelloSpec ClientHello::probe(quint16 wireVersion, const QList<quint16>& suites,
                                   const QByteArray& hostName, const QByteArray& random,
                                   const QList<quint16>& groups)
{
    ClientHelloSpec spec;
    spec.random = random;
    spec.suites = suites;
    spec.recordVersion = wireVersion == WireVersion::SslV3 ? WireVersion::SslV3 : WireVersion::Tls10;
    spec.clientVersion = qMin(wireVersion, WireVersion::Tls12);
    if (wireVersion == WireVersion::SslV3) {
        spec.withExtensions = false;
        return spec;
    }
    // SNI only for a name: RFC 6066 s.3 forbids address literals.
    if (!hostName.isEmpty() && QHostAddress(QString::fromLatin1(hostName)).isNull())
        spec.extensions.append(serverName(hostName));
    spec.extensions.append(supportedGroups(groups));
    spec.extensions.append(ecPointFormats(QByteArray(1, '\0')));
    spec.extensions.append(signatureAlgorithms(probeSignatureSchemes()));
    spec.extensions.append(empty(23)); // extended_master_secret
    spec.extensions.append(renegotiationInfo());
    if (wireVersion >= WireVersion::Tls13) {
        // RFC 8446 s.4.1.2 / Appendix D.4: a 32-byte legacy session id keeps middleboxes calm.
        spec.sessionId = QByteArray(32, '\x5a');
        spec.extensions.append(supportedVersions({WireVersion::Tls13}));
        spec.extensions.append(pskKeyExchangeModes(QByteArray(1, '\1')));
        QList<std::pair<quint16, QByteArray>> shares;
        if (!groups.isEmpty() && !placeholderKeyShare(groups.first()).isEmpty())
            shares.append({groups.first(), placeholderKeyShare(groups.first())});
        spec.extensions.append(keyShare(shares));
    }
    return spec;
}
