// The raw ClientHello builder and ServerHello parser, byte for byte against what OpenSSL itself
// sends and answers: the captures in tests/data/tls-hello/*.msg are `openssl s_client -msg`
// output against `openssl s_server` (made by tests/data/tls-hello/capture.sh). The expected
// values come from the capture commands (which suite, group and DH size the server was told to
// use) and from the RFCs, never from the code under test.
#include "tls/CipherSuiteTable.h"
#include "tls/ClientHello.h"
#include "tls/ServerHelloParser.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

/// One message of an `s_client -msg` dump: direction, its header line and its bytes.
struct MsgBlock
{
    bool fromServer = false;
    QString header;
    QByteArray bytes;
};

QList<MsgBlock> readCapture(const QString& name)
{
    QFile f(qEnvironmentVariable("MAILSCOPE_TEST_DATA") + QStringLiteral("/tls-hello/") + name
            + QStringLiteral(".msg"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<MsgBlock> blocks;
    static const QRegularExpression hexLine(QStringLiteral("^    ([0-9a-f]{2}( [0-9a-f]{2})*)\\s*$"));
    for (const QByteArray& raw : f.readAll().split('\n')) {
        const QString line = QString::fromLatin1(raw);
        if (line.startsWith(QLatin1String(">>> ")) || line.startsWith(QLatin1String("<<< "))) {
            blocks.append({line.startsWith(QLatin1String("<<<")), line, {}});
            continue;
        }
        const QRegularExpressionMatch m = hexLine.match(line);
        if (m.hasMatch() && !blocks.isEmpty())
            blocks.last().bytes += QByteArray::fromHex(m.captured(1).toLatin1());
    }
    return blocks;
}

QByteArray firstMessage(const QList<MsgBlock>& blocks, bool fromServer, const QString& kind)
{
    for (const MsgBlock& b : blocks) {
        if (b.fromServer == fromServer && b.header.endsWith(kind))
            return b.bytes;
    }
    return {};
}

/// The server's clear-text records as they were on the wire: each record header followed by its
/// content, up to the first ChangeCipherSpec or encrypted record.
QByteArray serverStream(const QList<MsgBlock>& blocks)
{
    QByteArray stream;
    for (qsizetype i = 0; i + 1 < blocks.size(); ++i) {
        const MsgBlock& b = blocks[i];
        if (!b.fromServer || !b.header.contains(QLatin1String("RecordHeader")))
            continue;
        if (b.bytes.isEmpty() || (b.bytes[0] != 0x16 && b.bytes[0] != 0x15))
            break;
        stream += b.bytes + blocks[i + 1].bytes;
    }
    return stream;
}

/// Fields of a captured ClientHello the builder cannot know (they are random).
struct HelloFields
{
    QByteArray random;
    QByteArray sessionId;
    QByteArray keyShare; ///< the x25519 key of a TLS 1.3 hello
};

HelloFields fieldsOf(const QByteArray& hello)
{
    HelloFields f;
    f.random = hello.mid(6, 32);
    const int sidLength = quint8(hello[38]);
    f.sessionId = hello.mid(39, sidLength);
    const qsizetype ks = hello.indexOf(QByteArray::fromHex("001d0020"), 39 + sidLength);
    if (ks > 0)
        f.keyShare = hello.mid(ks + 4, 32);
    return f;
}

// OpenSSL 3.0's default signature_algorithms (TLS 1.2 hello: with the SHA-1 and SHA-224 pairs).
const QList<quint16> kOpenSslSchemes12 = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
                                          0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                                          0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602};
const QList<quint16> kOpenSslSchemes13 = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809, 0x080a,
                                          0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601};
} // namespace

class TestTlsHello final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void clientHelloTls12IsByteExact()
    {
        const QList<MsgBlock> capture = readCapture(QStringLiteral("tls12-ecdhe"));
        const QByteArray captured = firstMessage(capture, false, QStringLiteral("ClientHello"));
        QVERIFY(!captured.isEmpty());
        const HelloFields f = fieldsOf(captured);
        ClientHelloSpec spec;
        spec.clientVersion = WireVersion::Tls12;
        spec.random = f.random;
        // -cipher ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA, plus OpenSSL's renegotiation SCSV.
        spec.suites = {0xc02f, 0x002f, 0x00ff};
        spec.extensions = {ClientHello::ecPointFormats(QByteArray::fromHex("000102")),
                           ClientHello::supportedGroups({0x001d, 0x0017, 0x001e, 0x0019, 0x0018}),
                           ClientHello::empty(35),
                           ClientHello::empty(22),
                           ClientHello::empty(23),
                           ClientHello::signatureAlgorithms(kOpenSslSchemes12)};
        QCOMPARE(ClientHello::handshake(spec).toHex(' '), captured.toHex(' '));
        // The record header s_client sent before it: handshake, TLS 1.0 record version, length.
        const QByteArray header = capture.first().bytes;
        QCOMPARE(ClientHello::record(spec).left(5).toHex(), header.toHex());
    }

    void clientHelloTls13IsByteExact()
    {
        const QByteArray captured =
            firstMessage(readCapture(QStringLiteral("tls13")), false, QStringLiteral("ClientHello"));
        QVERIFY(!captured.isEmpty());
        const HelloFields f = fieldsOf(captured);
        QCOMPARE(f.sessionId.size(), 32); // RFC 8446 Appendix D.4 compatibility mode
        QCOMPARE(f.keyShare.size(), 32);
        ClientHelloSpec spec;
        spec.clientVersion = WireVersion::Tls12; // legacy_version (RFC 8446 s.4.1.2)
        spec.random = f.random;
        spec.sessionId = f.sessionId;
        spec.suites = {0x1302, 0x1301, 0x00ff};
        spec.extensions = {ClientHello::ecPointFormats(QByteArray::fromHex("000102")),
                           ClientHello::supportedGroups({0x001d}),
                           ClientHello::empty(35),
                           ClientHello::empty(22),
                           ClientHello::empty(23),
                           ClientHello::signatureAlgorithms(kOpenSslSchemes13),
                           ClientHello::supportedVersions({WireVersion::Tls13}),
                           ClientHello::pskKeyExchangeModes(QByteArray(1, '\1')),
                           ClientHello::keyShare({{0x001d, f.keyShare}})};
        QCOMPARE(ClientHello::handshake(spec).toHex(' '), captured.toHex(' '));
    }

    void serverNameMatchesRfc6066()
    {
        // RFC 6066 s.3: list length 0x000e, host_name(0), name length 0x000b, "example.org".
        const HelloExtension e = ClientHello::serverName("example.org");
        QCOMPARE(e.type, quint16(0));
        QCOMPARE(e.data.toHex(), QByteArray("000e00000b") + QByteArray("example.org").toHex());
    }

    void sslV2HelloFollowsRfc6101AppendixE()
    {
        const QByteArray challenge(16, '\x11');
        const QByteArray hello = ClientHello::sslV2({0x010080, 0x0700c0}, challenge);
        // Header: high bit + length 9 + 6 + 16 = 31; type 1, version 0x0002, specs 6, sid 0, chal 16.
        QCOMPARE(hello.left(11).toHex(), QByteArray("801f010002000600000010"));
        QCOMPARE(hello.mid(11, 6).toHex(), QByteArray("0100800700c0"));
        QCOMPARE(hello.mid(17), challenge);
    }

    void probeHelloOffersWhatItShould()
    {
        const QByteArray random(32, '\x42');
        const QList<quint16> suites = CipherSuiteTable::offerable(WireVersion::Tls12);
        const QByteArray record =
            ClientHello::record(ClientHello::probe(WireVersion::Tls12, suites, "mail.example.org", random));
        // Record: handshake, TLS 1.0 record version, then a length that matches what follows.
        QCOMPARE(record.left(3).toHex(), QByteArray("160301"));
        QCOMPARE((quint8(record[3]) << 8 | quint8(record[4])), int(record.size() - 5));
        // client_version TLS 1.2 right after the 4-byte handshake header.
        QCOMPARE(record.mid(9, 2).toHex(), QByteArray("0303"));
        // The suite list carries every offerable suite.
        QCOMPARE((quint8(record[44]) << 8 | quint8(record[45])), int(suites.size() * 2));
        // An address literal gets no SNI (RFC 6066 s.3); a name does.
        const auto hasSni = [&](const QByteArray& host) {
            const ClientHelloSpec s = ClientHello::probe(WireVersion::Tls12, {0xc02f}, host, random);
            return std::any_of(s.extensions.cbegin(), s.extensions.cend(),
                               [](const HelloExtension& e) { return e.type == 0; });
        };
        QVERIFY(hasSni("mail.example.org"));
        QVERIFY(!hasSni("127.0.0.1"));
        QVERIFY(!hasSni("::1"));
        // SSLv3 predates extensions: the hello ends after the compression methods.
        const ClientHelloSpec v3 =
            ClientHello::probe(WireVersion::SslV3, {0x000a}, "mail.example.org", random);
        QCOMPARE(ClientHello::handshake(v3).size(), 4 + 2 + 32 + 1 + 2 + 2 + 2);
        QCOMPARE(ClientHello::record(v3).left(3).toHex(), QByteArray("160300"));
    }

    void offerableSuitesPerVersion()
    {
        // The registry as testssl.sh knows it: 357 TLS suites and 13 SSLv2 cipher kinds.
        QCOMPARE(qsizetype(CipherSuiteTable::all().size()), qsizetype(370));
        const QList<quint16> tls13 = CipherSuiteTable::offerable(WireVersion::Tls13);
        QCOMPARE(tls13.size(), 5); // RFC 8446 B.4
        const QList<quint16> tls12 = CipherSuiteTable::offerable(WireVersion::Tls12);
        const QList<quint16> tls10 = CipherSuiteTable::offerable(WireVersion::Tls10);
        QCOMPARE(tls12.size() + tls13.size(), 357);
        // AES-GCM (RFC 5288) needs TLS 1.2; RC4-MD5 and the export suites are older than TLS 1.0.
        QVERIFY(tls12.contains(0x009c));
        QVERIFY(!tls10.contains(0x009c));
        QVERIFY(tls10.contains(0x0004));
        QVERIFY(tls10.contains(0x0003));
        QVERIFY(tls12.contains(0x0004));
    }

    void classification_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("expectedClass");
        QTest::addColumn<QString>("openSslName");
        QTest::newRow("RC4 (RFC 7465)") << 0x0005 << "insecure"
                                        << "RC4-SHA";
        QTest::newRow("export RC4") << 0x0003 << "insecure"
                                    << "EXP-RC4-MD5";
        QTest::newRow("NULL") << 0x0002 << "insecure"
                              << "NULL-SHA";
        QTest::newRow("anonymous DH") << 0x0034 << "insecure"
                                      << "ADH-AES128-SHA";
        QTest::newRow("single DES") << 0x0009 << "insecure"
                                    << "DES-CBC-SHA";
        QTest::newRow("3DES (Sweet32)") << 0x000a << "weak"
                                        << "DES-CBC3-SHA";
        QTest::newRow("static RSA AES-GCM") << 0x009c << "weak"
                                            << "AES128-GCM-SHA256";
        QTest::newRow("ECDHE CBC") << 0xc013 << "acceptable"
                                   << "ECDHE-RSA-AES128-SHA";
        QTest::newRow("ECDHE GCM") << 0xc02f << "recommended"
                                   << "ECDHE-RSA-AES128-GCM-SHA256";
        QTest::newRow("TLS 1.3") << 0x1301 << "recommended"
                                 << "TLS_AES_128_GCM_SHA256";
    }

    void classification()
    {
        QFETCH(int, code);
        QFETCH(QString, expectedClass);
        QFETCH(QString, openSslName);
        const CipherSuiteInfo* s = CipherSuiteTable::find(quint16(code));
        QVERIFY(s);
        QCOMPARE(CipherSuiteTable::displayName(*s), openSslName);
        QCOMPARE(CipherSuiteTable::className(CipherSuiteTable::classify(*s)), expectedClass);
    }

    void cbcOnOldVersionsIsAReason()
    {
        const CipherSuiteInfo* s = CipherSuiteTable::find(0xc013);
        QVERIFY(s);
        QCOMPARE(CipherSuiteTable::reasons(*s, WireVersion::Tls12), QStringList());
        QCOMPARE(CipherSuiteTable::reasons(*s, WireVersion::Tls10),
                 QStringList {QStringLiteral("CBC on TLS 1.0/1.1 (BEAST, Lucky13; RFC 8996)")});
        QCOMPARE(CipherSuiteTable::codeText(*s), QStringLiteral("0xC0,0x13"));
    }

    void serverHello_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<int>("version");
        QTest::addColumn<int>("cipher");
        QTest::addColumn<bool>("retry");
        QTest::addColumn<int>("group"); // key share group, or the ECDHE group of the ServerKeyExchange
        QTest::addColumn<int>("dhBits");
        // What each capture's s_server was told (capture.sh): the suite, group, DH parameters.
        QTest::newRow("TLS 1.2 ECDHE") << "tls12-ecdhe" << 0x0303 << 0xc02f << false << 0x001d << 0;
        QTest::newRow("TLS 1.2 DHE 1024") << "tls12-dhe1024" << 0x0303 << 0x0033 << false << -1 << 1024;
        QTest::newRow("TLS 1.0 ECDHE") << "tls10-ecdhe" << 0x0301 << 0xc014 << false << 0x001d << 0;
        QTest::newRow("TLS 1.3") << "tls13" << 0x0304 << 0x1302 << false << 0x001d << 0;
        QTest::newRow("TLS 1.3 HelloRetryRequest") << "tls13-hrr" << 0x0304 << 0x1302 << true << 0x0017 << 0;
    }

    void serverHello()
    {
        QFETCH(QString, capture);
        QFETCH(int, version);
        QFETCH(int, cipher);
        QFETCH(bool, retry);
        QFETCH(int, group);
        QFETCH(int, dhBits);
        const QByteArray stream = serverStream(readCapture(capture));
        QVERIFY(stream.size() > 50);
        const ServerAnswer a = ServerHelloParser::parse(stream, ServerHelloParser::Depth::KeyExchange);
        QCOMPARE(a.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(int(a.hello.version), version);
        QCOMPARE(int(a.hello.cipher), cipher);
        QCOMPARE(a.hello.helloRetryRequest, retry);
        QVERIFY(a.hello.flightComplete);
        if (version == 0x0304) {
            QCOMPARE(int(a.hello.keyShareGroup.value_or(-1)), group);
            QCOMPARE(int(a.hello.legacyVersion), 0x0303);
        } else if (dhBits > 0) {
            QCOMPARE(ServerHelloParser::dhPrimeBits(a.hello.serverKeyExchange).value_or(-1), dhBits);
            QVERIFY(!ServerHelloParser::ecdheGroup(a.hello.serverKeyExchange));
        } else {
            QCOMPARE(int(ServerHelloParser::ecdheGroup(a.hello.serverKeyExchange).value_or(0)), group);
        }
        // Byte by byte: undecided until the ServerHello is whole, never malformed on the way.
        const qsizetype helloEnd =
            5 + 4 + (quint8(stream[6]) << 16 | quint8(stream[7]) << 8 | quint8(stream[8]));
        for (qsizetype n = 1; n < helloEnd; ++n)
            QCOMPARE(ServerHelloParser::parse(stream.left(n)).kind, ServerAnswer::Kind::NeedMore);
        QCOMPARE(ServerHelloParser::parse(stream.left(helloEnd)).kind, ServerAnswer::Kind::ServerHello);
    }

    void messagesSpanningRecords()
    {
        // The same flight re-framed: all handshake messages cut into 7-byte records.
        const QByteArray stream = serverStream(readCapture(QStringLiteral("tls12-dhe1024")));
        QByteArray handshake;
        for (qsizetype at = 0; at + 5 <= stream.size();) {
            const int length = quint8(stream[at + 3]) << 8 | quint8(stream[at + 4]);
            handshake += stream.mid(at + 5, length);
            at += 5 + length;
        }
        QByteArray reframed;
        for (qsizetype at = 0; at < handshake.size(); at += 7) {
            const QByteArray part = handshake.mid(at, 7);
            reframed += QByteArray::fromHex("160303") + char(0) + char(part.size()) + part;
        }
        const ServerAnswer a = ServerHelloParser::parse(reframed, ServerHelloParser::Depth::KeyExchange);
        QCOMPARE(a.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(int(a.hello.cipher), 0x0033);
        QVERIFY(a.hello.flightComplete);
        QCOMPARE(ServerHelloParser::dhPrimeBits(a.hello.serverKeyExchange).value_or(-1), 1024);
    }

    void alerts_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<QString>("alert");
        QTest::newRow("no common suite") << "alert-handshake-failure"
                                         << "handshake_failure";
        QTest::newRow("TLS 1.3-only server") << "alert-protocol-version"
                                             << "protocol_version";
    }

    void alerts()
    {
        QFETCH(QString, capture);
        QFETCH(QString, alert);
        const QList<MsgBlock> blocks = readCapture(capture);
        const ServerAnswer a = ServerHelloParser::parse(serverStream(blocks));
        QCOMPARE(a.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(a.alertLevel, quint8(2));
        QCOMPARE(ServerHelloParser::alertName(a.alertDescription), alert);
        // s_client's own words for it, in the capture's header line.
        QVERIFY(std::any_of(blocks.cbegin(), blocks.cend(), [&](const MsgBlock& b) {
            return b.fromServer && b.header.endsWith(QLatin1String("fatal ") + alert);
        }));
    }

    void notTls_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("kind");
        QTest::newRow("SMTP reply") << QByteArray("454 4.7.0 TLS not available\r\n")
                                    << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("HTTP") << QByteArray("HTTP/1.1 400 Bad Request\r\n")
                              << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("bad record version")
            << QByteArray::fromHex("1604040005") << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("record too long")
            << QByteArray::fromHex("160303ffff") << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("certificate first")
            << QByteArray::fromHex("16030300040b000000") << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("truncated hello") << QByteArray::fromHex("160303000602000002"
                                                                "0303")
                                         << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("truncated alert")
            << QByteArray::fromHex("15030300010a") << int(ServerAnswer::Kind::Malformed);
        QTest::newRow("half a header") << QByteArray::fromHex("1603") << int(ServerAnswer::Kind::NeedMore);
        QTest::newRow("empty") << QByteArray() << int(ServerAnswer::Kind::NeedMore);
    }

    void notTls()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, kind);
        const ServerAnswer a = ServerHelloParser::parse(bytes);
        QCOMPARE(int(a.kind), kind);
        QCOMPARE(a.problem.isEmpty(), kind != int(ServerAnswer::Kind::Malformed));
    }

    void sslV2ServerHello()
    {
        // SERVER-HELLO (RFC 6101 Appendix E layout): hit 0, cert type 1, version 0x0002,
        // cert length 2, specs length 6, connection id length 16.
        QByteArray body = QByteArray::fromHex("04"
                                              "00"
                                              "01"
                                              "0002"
                                              "0002"
                                              "0006"
                                              "0010")
                          + QByteArray(2, 'c') + QByteArray::fromHex("0100800700c0") + QByteArray(16, 'i');
        QByteArray record = QByteArray::fromHex("80") + char(body.size()) + body;
        const ServerAnswer a = ServerHelloParser::parse(record);
        QCOMPARE(a.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(int(a.hello.version), 0x0002);
        QCOMPARE(a.hello.sslV2CipherKinds, (QList<quint32> {0x010080, 0x0700c0}));
        QCOMPARE(ServerHelloParser::parse(record.left(10)).kind, ServerAnswer::Kind::NeedMore);
    }
};

QTEST_GUILESS_MAIN(TestTlsHello)
#include "TestTlsHello.moc"
