#include "ServerHelloParser.h"

#include "TlsWire.h"

#include <QCoreApplication>
#include <QHash>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ServerHelloParser", text); }

using TlsWire::Reader;

// RFC 8446 s.4.1.3: the random of a HelloRetryRequest is SHA-256("HelloRetryRequest").
const QByteArray& helloRetryRandom()
{
    static const QByteArray r =
        QByteArray::fromHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
    return r;
}

ServerAnswer malformed(const QString& problem)
{
    ServerAnswer a;
    a.kind = ServerAnswer::Kind::Malformed;
    a.problem = problem;
    return a;
}

/// Parses a ServerHello body into `hello`; false with `problem` when it is broken.
bool parseServerHello(const QByteArray& body, ServerHelloInfo& hello, QString& problem)
{
    Reader r(body);
    hello.legacyVersion = quint16(r.u16());
    hello.version = hello.legacyVersion;
    const QByteArray random = r.take(32);
    hello.helloRetryRequest = random == helloRetryRandom();
    hello.sessionId = r.take(r.u8());
    hello.cipher = quint16(r.u16());
    hello.compression = quint8(r.u8());
    if (!r.ok()) {
        problem = tr("the ServerHello is truncated");
        return false;
    }
    if (r.left() == 0)
        return true; // no extensions (SSLv3, or a server that sends none)
    Reader ext(body.right(r.left()));
    const QByteArray all = ext.take(ext.u16());
    if (!ext.ok()) {
        problem = tr("the ServerHello's extensions are truncated");
        return false;
    }
    Reader e(all);
    while (e.ok() && e.left() > 0) {
        const quint16 type = quint16(e.u16());
        const QByteArray data = e.take(e.u16());
        if (!e.ok())
            break;
        hello.extensionTypes.append(type);
        Reader d(data);
        if (type == 0x002b) { // supported_versions: the selected version (RFC 8446 s.4.2.1)
            const quint16 v = quint16(d.u16());
            if (d.ok())
                hello.version = v;
        } else if (type == 0x0033) { // key_share: a KeyShareEntry, or the group in an HRR
            const quint16 g = quint16(d.u16());
            if (d.ok())
                hello.keyShareGroup = g;
        }
    }
    if (!e.ok()) {
        problem = tr("a ServerHello extension is truncated");
        return false;
    }
    return true;
}

ServerAnswer parseSslV2(const QByteArray& bytes)
{
    Reader r(bytes);
    const quint32 length = r.u16() & 0x7fff;
    const QByteArray record = r.take(length);
    if (!r.ok())
        return {};
    Reader m(record);
    const quint32 type = m.u8();
    ServerAnswer a;
    if (type == 0) { // ERROR: a two-byte code (no-cipher-error is 1)
        a.kind = ServerAnswer::Kind::Alert;
        a.alertLevel = 2;
        a.alertDescription = quint8(m.u16());
        a.problem = tr("SSL 2.0 error %1").arg(a.alertDescription);
        return a;
    }
    if (type != 4)
        return malformed(tr("an SSL 2.0 message of type %1 where a SERVER-HELLO belongs").arg(type));
    m.u8(); // session id hit
    m.u8(); // certificate type
    const quint16 version = quint16(m.u16());
    const quint32 certLength = m.u16();
    const quint32 specsLength = m.u16();
    m.u16(); // connection id length
    m.take(certLength);
    const QByteArray specs = m.take(specsLength);
    if (!m.ok() || specsLength % 3 != 0)
        return malformed(tr("the SSL 2.0 SERVER-HELLO is truncated"));
    a.kind = ServerAnswer::Kind::ServerHello;
    a.hello.legacyVersion = version;
    a.hello.version = 0x0002;
    a.hello.flightComplete = true;
    Reader s(specs);
    while (s.left() > 0)
        a.hello.sslV2CipherKinds.append(s.u24());
    return a;
}
} // namespace

ServerAnswer ServerHelloParser::parse(const QByteArray& bytes, Depth depth)
{
    if (bytes.isEmpty())
        return {};
    const quint8 first = quint8(bytes[0]);
    // SSL 2.0 records start with a length with the high bit set; TLS records with 20..23.
    // SSL 2.0 records start with a two-byte length with the high bit set (RFC 6101 Appendix E);
    // TLS records with a content type of 20..23.
    if (first & 0x80)
        return parseSslV2(bytes);
    if (first != 22 && first != 21)
        return malformed(
            tr("the server's answer is not TLS (first byte 0x%1)").arg(first, 2, 16, QLatin1Char('0')));

    // Records in order; handshake bytes are joined, since one message may span records.
    Reader r(bytes);
    QByteArray handshake;
    ServerAnswer answer;
    bool haveHello = false;
    while (r.left() >= 5) {
        const quint32 type = r.u8();
        const quint32 version = r.u16();
        const quint32 length = r.u16();
        if ((version >> 8) != 3)
            return malformed(tr("a record with version 0x%1").arg(version, 4, 16, QLatin1Char('0')));
        if (length > 16384 + 2048)
            return malformed(tr("a record of %1 bytes, more than TLS allows").arg(length));
        if (r.left() < qsizetype(length))
            break; // the rest of this record has not arrived
        const QByteArray fragment = r.take(length);
        if (type == 21) {
            if (haveHello)
                break; // an alert after the ServerHello: what we have is the answer
            if (fragment.size() < 2)
                return malformed(tr("a truncated alert"));
            ServerAnswer a;
            a.kind = ServerAnswer::Kind::Alert;
            a.alertLevel = quint8(fragment[0]);
            a.alertDescription = quint8(fragment[1]);
            return a;
        }
        if (type == 20 || type == 23) {
            // ChangeCipherSpec (TLS 1.3 middlebox compatibility) or encrypted data: the clear
            // part of the flight is over.
            if (!haveHello)
                return malformed(tr("a record of type %1 before the ServerHello").arg(type));
            answer.hello.flightComplete = true;
            break;
        }
        if (type != 22)
            return malformed(tr("a record of type %1").arg(type));
        handshake += fragment;
        // Walk the complete handshake messages received so far; keep a partial one.
        qsizetype at = 0;
        while (handshake.size() - at >= 4) {
            const quint32 msgType = quint8(handshake[at]);
            const qsizetype msgLength = qsizetype(quint8(handshake[at + 1])) << 16
                                        | qsizetype(quint8(handshake[at + 2])) << 8
                                        | quint8(handshake[at + 3]);
            if (handshake.size() - at - 4 < msgLength)
                break;
            const QByteArray body = handshake.mid(at + 4, msgLength);
            at += 4 + msgLength;
            if (!haveHello) {
                if (msgType != 2)
                    return malformed(
                        tr("a handshake message of type %1 where the ServerHello belongs").arg(msgType));
                QString problem;
                if (!parseServerHello(body, answer.hello, problem))
                    return malformed(problem);
                haveHello = true;
                answer.kind = ServerAnswer::Kind::ServerHello;
                // TLS 1.3 encrypts everything after the ServerHello; an HRR ends the flight too.
                const bool tls13 = answer.hello.version >= 0x0304 || answer.hello.helloRetryRequest;
                if (depth == Depth::ServerHello || tls13) {
                    answer.hello.flightComplete = tls13;
                    return answer;
                }
            } else if (msgType == 12) {
                answer.hello.serverKeyExchange = body;
            } else if (msgType == 14) {
                answer.hello.flightComplete = true;
                return answer;
            }
        }
        handshake.remove(0, at);
    }
    if (haveHello)
        return answer; // flightComplete false: the key exchange may still come
    if (bytes.size() > MaxBytes)
        return malformed(tr("no ServerHello in the first %1 bytes").arg(MaxBytes));
    return {};
}

std::optional<int> ServerHelloParser::dhPrimeBits(const QByteArray& ske)
{
    Reader r(ske);
    const QByteArray p = r.take(r.u16());
    if (!r.ok() || p.isEmpty())
        return std::nullopt;
    qsizetype i = 0;
    while (i < p.size() && p[i] == 0)
        ++i;
    if (i == p.size())
        return std::nullopt;
    int bits = int(p.size() - i) * 8;
    for (quint8 top = quint8(p[i]); !(top & 0x80); top = quint8(top << 1))
        --bits;
    return bits;
}

std::optional<quint16> ServerHelloParser::ecdheGroup(const QByteArray& ske)
{
    Reader r(ske);
    if (r.u8() != 3) // named_curve (RFC 8422 s.5.4)
        return std::nullopt;
    const quint16 group = quint16(r.u16());
    return r.ok() ? std::optional<quint16>(group) : std::nullopt;
}

QString ServerHelloParser::alertName(quint8 d)
{
    static const QHash<int, const char*> names = {
        {0, "close_notify"},
        {10, "unexpected_message"},
        {20, "bad_record_mac"},
        {21, "decryption_failed"},
        {22, "record_overflow"},
        {30, "decompression_failure"},
        {40, "handshake_failure"},
        {41, "no_certificate"},
        {42, "bad_certificate"},
        {43, "unsupported_certificate"},
        {44, "certificate_revoked"},
        {45, "certificate_expired"},
        {46, "certificate_unknown"},
        {47, "illegal_parameter"},
        {48, "unknown_ca"},
        {49, "access_denied"},
        {50, "decode_error"},
        {51, "decrypt_error"},
        {60, "export_restriction"},
        {70, "protocol_version"},
        {71, "insufficient_security"},
        {80, "internal_error"},
        {86, "inappropriate_fallback"},
        {90, "user_canceled"},
        {100, "no_renegotiation"},
        {109, "missing_extension"},
        {110, "unsupported_extension"},
        {112, "unrecognized_name"},
        {116, "certificate_required"},
        {120, "no_application_protocol"},
    };
    const char* name = names.value(d);
    return name ? QLatin1String(name) : QStringLiteral("alert %1").arg(d);
}

QString ServerHelloParser::groupName(quint16 g)
{
    static const QHash<int, const char*> names = {
        {0x0017, "secp256r1"},
        {0x0018, "secp384r1"},
        {0x0019, "secp521r1"},
        {0x001d, "x25519"},
        {0x001e, "x448"},
        {0x0015, "secp224r1"},
        {0x0016, "secp256k1"},
        {0x0013, "secp192r1"},
        {0x001a, "brainpoolP256r1"},
        {0x001b, "brainpoolP384r1"},
        {0x001c, "brainpoolP512r1"},
        {0x0100, "ffdhe2048"},
        {0x0101, "ffdhe3072"},
        {0x0102, "ffdhe4096"},
        {0x0103, "ffdhe6144"},
        {0x0104, "ffdhe8192"},
    };
    const char* name = names.value(g);
    return name ? QLatin1String(name) : QStringLiteral("0x%1").arg(g, 4, 16, QLatin1Char('0'));
}

QString ServerHelloParser::versionName(quint16 v)
{
    switch (v) {
    case 0x0002:
        return QStringLiteral("SSLv2");
    case 0x0300:
        return QStringLiteral("SSLv3");
    case 0x0301:
        return QStringLiteral("TLSv1.0");
    case 0x0302:
        return QStringLiteral("TLSv1.1");
    case 0x0303:
        return QStringLiteral("TLSv1.2");
    case 0x0304:
        return QStringLiteral("TLSv1.3");
    }
    return QStringLiteral("0x%1").arg(v, 4, 16, QLatin1Char('0'));
}
