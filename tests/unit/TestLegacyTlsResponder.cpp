// The scripted legacy TLS server (issue 11): what it answers to the audit's own raw ClientHellos,
// read back with the audit's ServerHello parser. The expected choices come from the server's
// configuration written here (its preference list, its DH size, its groups) and from the RFCs
// (version negotiation, HelloRetryRequest, SSL 2.0), never from the responder itself.
#include "demo/DemoServer.h"
#include "demo/LegacyTlsResponder.h"
#include "demo/LegacyTlsServer.h"
#include "RunHelpers.h"
#include "tls/CipherSuiteTable.h"
#include "tls/ClientHello.h"
#include "tls/ServerHelloParser.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

namespace {

constexpr quint16 DheRsaAes256 = 0x0039;
constexpr quint16 RsaAes128 = 0x002f;
constexpr quint16 RsaRc4Md5 = 0x0004;
constexpr quint16 RsaRc4Sha = 0x0005;
constexpr quint16 Rsa3Des = 0x000a;
constexpr quint16 ExportRc4 = 0x0003;
constexpr quint16 AnonAes128 = 0x0034;
constexpr quint16 NullSha = 0x0002;
constexpr quint16 RsaIdea = 0x0007;
constexpr quint16 EcdheRsaAes128Gcm = 0xc02f;
constexpr quint16 X25519 = 0x001d;
constexpr quint16 Secp256r1 = 0x0017;
constexpr quint16 Secp384r1 = 0x0018;

QByteArray random32() { return QByteArray(32, '\x11'); }

QByteArray hello(quint16 version, const QList<quint16>& suites,
                 const QList<quint16>& groups = ClientHello::probeGroups())
{
    return ClientHello::record(ClientHello::probe(version, suites, "legacy.test", random32(), groups));
}

ServerAnswer parsed(const LegacyTlsAnswer& a)
{
    return ServerHelloParser::parse(a.bytes, ServerHelloParser::Depth::KeyExchange);
}

/// The handshake message types in a TLS answer, in order (records joined).
QList<int> messageTypes(const QByteArray& bytes)
{
    QByteArray handshake;
    for (qsizetype at = 0; at + 5 <= bytes.size();) {
        const int length = quint8(bytes[at + 3]) << 8 | quint8(bytes[at + 4]);
        if (bytes[at] == 22)
            handshake += bytes.mid(at + 5, length);
        at += 5 + length;
    }
    QList<int> types;
    for (qsizetype at = 0; at + 4 <= handshake.size();) {
        types.append(quint8(handshake[at]));
        at +=
            4
            + (quint8(handshake[at + 1]) << 16 | quint8(handshake[at + 2]) << 8 | quint8(handshake[at + 3]));
    }
    return types;
}

LegacyTlsConfig tls10Only(const QList<quint16>& suites)
{
    LegacyTlsConfig c;
    c.suites[0x0301] = suites;
    c.certificateDer = QByteArray(300, '\x30');
    return c;
}

/// Reads from `socket` until `done(bytes)` or the socket closes; QTRY bounds the wait.
QByteArray readUntil(QTcpSocket& socket, const std::function<bool(const QByteArray&)>& complete)
{
    QByteArray bytes;
    // The caller compares what arrived; a timeout shows there as missing bytes.
    [[maybe_unused]] const bool done = QTest::qWaitFor(
        [&] {
            bytes += socket.readAll();
            return complete(bytes) || socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    bytes += socket.readAll();
    return bytes;
}

bool hasLine(const QByteArray& bytes, const QByteArray& finalLinePrefix)
{
    return bytes.contains("\r\n") && bytes.contains(finalLinePrefix);
}
} // namespace

class TestLegacyTlsResponder final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serverOrderPicksItsFirstOffered()
    {
        LegacyTlsConfig c = tls10Only({DheRsaAes256, RsaAes128, RsaRc4Md5});
        // The client lists RC4 first; the server's own order decides.
        const LegacyTlsAnswer a = LegacyTlsResponder::respond(hello(0x0301, {RsaRc4Md5, RsaAes128}), c);
        QCOMPARE(a.kind, LegacyTlsAnswer::Kind::ServerHello);
        const ServerAnswer s = parsed(a);
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.version, quint16(0x0301));
        QCOMPARE(s.hello.cipher, RsaAes128);
        QVERIFY(s.hello.flightComplete);
        QCOMPARE(messageTypes(a.bytes), (QList<int> {2, 11, 14})); // RSA: no ServerKeyExchange
    }

    void clientOrderPicksTheClientsFirst()
    {
        LegacyTlsConfig c = tls10Only({DheRsaAes256, RsaAes128, RsaRc4Md5});
        c.serverOrder = false;
        const ServerAnswer s =
            parsed(LegacyTlsResponder::respond(hello(0x0301, {RsaIdea, RsaRc4Md5, RsaAes128}), c));
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.cipher, RsaRc4Md5);
    }

    void eachLegacySuiteAloneIsAccepted_data()
    {
        QTest::addColumn<quint16>("suite");
        QTest::addColumn<QList<int>>("messages");
        QTest::newRow("RC4-MD5") << RsaRc4Md5 << QList<int> {2, 11, 14};
        QTest::newRow("RC4-SHA") << RsaRc4Sha << QList<int> {2, 11, 14};
        QTest::newRow("DES-CBC3-SHA") << Rsa3Des << QList<int> {2, 11, 14};
        QTest::newRow("EXP-RC4-MD5") << ExportRc4 << QList<int> {2, 11, 14};
        QTest::newRow("NULL-SHA") << NullSha << QList<int> {2, 11, 14};
        // Anonymous: no Certificate, an unsigned ServerKeyExchange.
        QTest::newRow("ADH-AES128-SHA") << AnonAes128 << QList<int> {2, 12, 14};
        QTest::newRow("DHE-RSA-AES256-SHA") << DheRsaAes256 << QList<int> {2, 11, 12, 14};
    }
    void eachLegacySuiteAloneIsAccepted()
    {
        QFETCH(quint16, suite);
        QFETCH(QList<int>, messages);
        const LegacyTlsConfig c = LegacyTlsResponder::legacyServer();
        const LegacyTlsConfig withCert = [&] {
            LegacyTlsConfig x = c;
            x.certificateDer = QByteArray(200, '\x30');
            return x;
        }();
        for (quint16 version : {quint16(0x0300), quint16(0x0301), quint16(0x0302), quint16(0x0303)}) {
            const LegacyTlsAnswer a = LegacyTlsResponder::respond(hello(version, {suite}), withCert);
            const ServerAnswer s = parsed(a);
            QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
            QCOMPARE(s.hello.version, version);
            QCOMPARE(s.hello.cipher, suite);
            QCOMPARE(messageTypes(a.bytes), messages);
        }
    }

    void unacceptedSuiteIsHandshakeFailure()
    {
        const LegacyTlsAnswer a =
            LegacyTlsResponder::respond(hello(0x0303, {RsaIdea}), LegacyTlsResponder::legacyServer());
        const ServerAnswer s = parsed(a);
        QCOMPARE(s.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(s.alertLevel, quint8(2));
        QCOMPARE(s.alertDescription, quint8(40)); // handshake_failure (RFC 5246 s.7.2.2)
    }

    void dhPrimeSize_data()
    {
        QTest::addColumn<int>("bits");
        QTest::newRow("1024") << 1024;
        QTest::newRow("2048") << 2048;
    }
    void dhPrimeSize()
    {
        QFETCH(int, bits);
        LegacyTlsConfig c = tls10Only({DheRsaAes256});
        c.dhBits = bits;
        const ServerAnswer s = parsed(LegacyTlsResponder::respond(hello(0x0301, {DheRsaAes256}), c));
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(ServerHelloParser::dhPrimeBits(s.hello.serverKeyExchange), std::optional<int>(bits));
    }

    void ffdhe2048IsTheRfc7919Prime()
    {
        // RFC 7919 Appendix A.1: p begins FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A and ends
        // 61285C97 FFFFFFFF FFFFFFFF; g = 2.
        LegacyTlsConfig c = tls10Only({DheRsaAes256});
        const ServerAnswer s = parsed(LegacyTlsResponder::respond(hello(0x0301, {DheRsaAes256}), c));
        const QByteArray& ske = s.hello.serverKeyExchange;
        QCOMPARE(ske.left(2), QByteArray::fromHex("0100"));
        QCOMPARE(ske.mid(2, 16), QByteArray::fromHex("ffffffffffffffffadf85458a2bb4a9a"));
        QCOMPARE(ske.mid(2 + 256 - 12, 12), QByteArray::fromHex("61285c97ffffffffffffffff"));
        QCOMPARE(ske.mid(2 + 256, 3), QByteArray::fromHex("000102"));
    }

    void ecdheGroupFollowsTheServersOrder_data()
    {
        QTest::addColumn<QList<quint16>>("clientGroups");
        QTest::addColumn<quint16>("group");
        QTest::newRow("both: the server's first") << QList<quint16> {Secp256r1, X25519} << X25519;
        QTest::newRow("only secp256r1") << QList<quint16> {Secp384r1, Secp256r1} << Secp256r1;
    }
    void ecdheGroupFollowsTheServersOrder()
    {
        QFETCH(QList<quint16>, clientGroups);
        QFETCH(quint16, group);
        const ServerAnswer s = parsed(LegacyTlsResponder::respond(
            hello(0x0303, {EcdheRsaAes128Gcm}, clientGroups), LegacyTlsResponder::legacyServer()));
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.cipher, EcdheRsaAes128Gcm);
        QCOMPARE(ServerHelloParser::ecdheGroup(s.hello.serverKeyExchange), std::optional<quint16>(group));
    }

    void ecdheWithoutCommonGroupIsSkipped()
    {
        // secp384r1 only: no ECDHE, so the server falls back to the next suite it has in common.
        const ServerAnswer s = parsed(LegacyTlsResponder::respond(
            hello(0x0303, {EcdheRsaAes128Gcm, RsaAes128}, {Secp384r1}), LegacyTlsResponder::legacyServer()));
        QCOMPARE(s.hello.cipher, RsaAes128);
        const ServerAnswer none = parsed(LegacyTlsResponder::respond(
            hello(0x0303, {EcdheRsaAes128Gcm}, {Secp384r1}), LegacyTlsResponder::legacyServer()));
        QCOMPARE(none.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(none.alertDescription, quint8(40));
    }

    void versionNegotiation()
    {
        // RFC 5246 Appendix E.1: a TLS 1.2 hello to a TLS 1.0 server gets a TLS 1.0 ServerHello.
        const LegacyTlsConfig c = tls10Only({RsaAes128});
        const ServerAnswer down = parsed(LegacyTlsResponder::respond(hello(0x0303, {RsaAes128}), c));
        QCOMPARE(down.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(down.hello.version, quint16(0x0301));
        // SSLv3 to a server without it: protocol_version (RFC 5246 s.7.2.2).
        const ServerAnswer old = parsed(LegacyTlsResponder::respond(hello(0x0300, {RsaAes128}), c));
        QCOMPARE(old.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(old.alertDescription, quint8(70));
        // A TLS 1.3-only hello (supported_versions 1.3) to a server that never heard of TLS 1.3:
        // it goes by legacy_version 0x0303, so TLS 1.0, where no TLS 1.3 suite exists.
        const ServerAnswer tls13 = parsed(LegacyTlsResponder::respond(hello(0x0304, {0x1301}), c));
        QCOMPARE(tls13.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(tls13.alertDescription, quint8(40));
    }

    void sslV3HelloHasNoExtensions()
    {
        const LegacyTlsAnswer a =
            LegacyTlsResponder::respond(hello(0x0300, {RsaRc4Md5}), LegacyTlsResponder::legacyServer());
        QCOMPARE(a.bytes.left(3), QByteArray::fromHex("160300"));
        const ServerAnswer s = parsed(a);
        QCOMPARE(s.hello.version, quint16(0x0300));
        QCOMPARE(s.hello.extensionTypes, QList<quint16>());
    }

    void tls13ServerHelloAndRetry()
    {
        LegacyTlsConfig c;
        c.suites[0x0304] = {0x1302, 0x1301};
        c.suites[0x0303] = {EcdheRsaAes128Gcm};
        // x25519 first: the probe sends a key share for it (RFC 8446 s.4.2.8).
        const ServerAnswer s =
            parsed(LegacyTlsResponder::respond(hello(0x0304, {0x1301, 0x1302, 0x1303}), c));
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.version, quint16(0x0304));
        QCOMPARE(s.hello.cipher, quint16(0x1302));
        QVERIFY(!s.hello.helloRetryRequest);
        QCOMPARE(s.hello.keyShareGroup, std::optional<quint16>(X25519));
        // secp256r1 only: no key share in the hello, so the server asks for one (HRR).
        const ServerAnswer hrr = parsed(LegacyTlsResponder::respond(hello(0x0304, {0x1301}, {Secp256r1}), c));
        QCOMPARE(hrr.kind, ServerAnswer::Kind::ServerHello);
        QVERIFY(hrr.hello.helloRetryRequest);
        QCOMPARE(hrr.hello.cipher, quint16(0x1301));
        QCOMPARE(hrr.hello.keyShareGroup, std::optional<quint16>(Secp256r1));
        // RFC 8446 s.4.1.3: a TLS 1.3 server negotiating TLS 1.2 says so in its random.
        const LegacyTlsAnswer down = LegacyTlsResponder::respond(hello(0x0303, {EcdheRsaAes128Gcm}), c);
        QCOMPARE(parsed(down).hello.version, quint16(0x0303));
        QCOMPARE(down.bytes.mid(5 + 4 + 2 + 24, 8), QByteArray("DOWNGRD\x01", 8));
    }

    void sslV2()
    {
        const QByteArray challenge(16, '\x42');
        const LegacyTlsConfig c = LegacyTlsResponder::legacyServer();
        // The server lists every kind both sides have (SSL 2.0 draft s.2.6), its order first.
        const ServerAnswer s = parsed(
            LegacyTlsResponder::respond(ClientHello::sslV2({0x080080, 0x020080, 0x010080}, challenge), c));
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.version, quint16(0x0002));
        QCOMPARE(s.hello.sslV2CipherKinds, (QList<quint32> {0x010080, 0x020080}));
        // Nothing in common: ERROR no-cipher.
        const ServerAnswer none =
            parsed(LegacyTlsResponder::respond(ClientHello::sslV2({0x080080}, challenge), c));
        QCOMPARE(none.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(none.alertDescription, quint8(1));
        // A server without SSL 2.0 answers with a TLS alert.
        const ServerAnswer tlsOnly = parsed(
            LegacyTlsResponder::respond(ClientHello::sslV2({0x010080}, challenge), tls10Only({RsaAes128})));
        QCOMPARE(tlsOnly.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(tlsOnly.alertDescription, quint8(70));
    }

    void helloSplitAcrossRecordsAndPartial()
    {
        const ClientHelloSpec spec =
            ClientHello::probe(0x0301, CipherSuiteTable::offerable(0x0301), "legacy.test", random32());
        const QByteArray message = ClientHello::handshake(spec);
        const auto record = [](const QByteArray& fragment) {
            QByteArray r = QByteArray::fromHex("160301");
            r.append(char(fragment.size() >> 8)).append(char(fragment.size() & 0xff));
            return r + fragment;
        };
        const QByteArray split = record(message.left(100)) + record(message.mid(100));
        const LegacyTlsConfig c = LegacyTlsResponder::legacyServer();
        QCOMPARE(LegacyTlsResponder::respond(split, c).kind, LegacyTlsAnswer::Kind::ServerHello);
        QCOMPARE(parsed(LegacyTlsResponder::respond(split, c)).hello.cipher, DheRsaAes256);
        for (qsizetype cut : {qsizetype(1), qsizetype(5), qsizetype(104), split.size() - 1})
            QCOMPARE(LegacyTlsResponder::respond(split.left(cut), c).kind, LegacyTlsAnswer::Kind::NeedMore);
    }

    void malformedHellos_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("alert");
        const QByteArray good = hello(0x0301, {RsaAes128});
        QByteArray oddSuites = good;
        oddSuites[5 + 4 + 2 + 32 + 1 + 1] = 3; // cipher_suites length 3
        QTest::newRow("odd suite list") << oddSuites << 50;
        QByteArray longSession = good;
        longSession[5 + 4 + 2 + 32] = 33; // session id longer than 32 (RFC 5246 s.7.4.1.2)
        QTest::newRow("session id 33") << longSession << 50;
        QTest::newRow("record too long") << QByteArray::fromHex("1603014001") + QByteArray(16385, '\0') << 50;
        QTest::newRow("hello of 70000 bytes") << QByteArray::fromHex("160301000401011170") << 50;
        QTest::newRow("not a handshake") << QByteArray("EHLO me\r\n") << 10;
        QTest::newRow("server hello") << QByteArray::fromHex("16030100040200000000") << 10;
        QTest::newRow("record version 2.0") << QByteArray::fromHex("1602010004010000") << 50;
        QTest::newRow("ssl2 challenge 4")
            << QByteArray::fromHex("801001000200030000000401008011111111") << 50;
    }
    void malformedHellos()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, alert);
        const LegacyTlsAnswer a = LegacyTlsResponder::respond(bytes, LegacyTlsResponder::legacyServer());
        QCOMPARE(a.kind, LegacyTlsAnswer::Kind::Alert);
        const ServerAnswer s = parsed(a);
        QCOMPARE(s.kind, ServerAnswer::Kind::Alert);
        QCOMPARE(int(s.alertDescription), alert);
    }

    void helloLengthBound()
    {
        // A ClientHello of exactly MaxHelloBytes is waited for; one byte more is refused.
        QCOMPARE(LegacyTlsResponder::MaxHelloBytes, qsizetype(0x10000));
        const LegacyTlsConfig c = LegacyTlsResponder::legacyServer();
        QCOMPARE(LegacyTlsResponder::respond(QByteArray::fromHex("160301000401010000"), c).kind,
                 LegacyTlsAnswer::Kind::NeedMore);
        const LegacyTlsAnswer over =
            LegacyTlsResponder::respond(QByteArray::fromHex("160301000401010001"), c);
        QCOMPARE(over.kind, LegacyTlsAnswer::Kind::Alert);
        QCOMPARE(over.alert, quint8(50));
    }

    // ---- the server on a socket ----

    void smtpStartTlsPreamble()
    {
        LegacyTlsServer server(LegacyTlsServer::Settings {});
        QVERIFY(server.listen());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QCOMPARE(readUntil(socket, [](const QByteArray& b) { return b.endsWith("\r\n"); }),
                 QByteArray("220 legacy.demo.test ESMTP Mailscope legacy TLS server\r\n"));
        socket.write("EHLO client.test\r\n");
        QCOMPARE(readUntil(socket, [](const QByteArray& b) { return hasLine(b, "250 STARTTLS\r\n"); }),
                 QByteArray("250-legacy.demo.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n"));
        socket.write("STARTTLS\r\n");
        QCOMPARE(readUntil(socket, [](const QByteArray& b) { return b.endsWith("\r\n"); }),
                 QByteArray("220 2.0.0 Ready to start TLS\r\n"));
        socket.write(hello(0x0301, {RsaRc4Md5, Rsa3Des}));
        const QByteArray answer = readUntil(socket, [](const QByteArray& b) {
            return ServerHelloParser::parse(b, ServerHelloParser::Depth::KeyExchange).hello.flightComplete;
        });
        const ServerAnswer s = ServerHelloParser::parse(answer, ServerHelloParser::Depth::KeyExchange);
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.cipher, Rsa3Des); // the server's order: 3DES before RC4
        QCOMPARE(server.answers(), 1);
    }

    void implicitTlsAlertCloses()
    {
        LegacyTlsServer::Settings settings;
        settings.implicitTls = true;
        LegacyTlsServer server(settings);
        QVERIFY(server.listen());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(hello(0x0301, {RsaIdea}));
        const QByteArray answer = readUntil(socket, [](const QByteArray&) { return false; });
        QCOMPARE(answer, QByteArray::fromHex("15030100020228")); // fatal handshake_failure, then closed
        QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    }

    void connectionLimitAnswers421()
    {
        LegacyTlsServer::Settings settings;
        settings.maxConnectionsPerClient = 1;
        LegacyTlsServer server(settings);
        QVERIFY(server.listen());
        QTcpSocket first;
        first.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(readUntil(first, [](const QByteArray& b) { return b.endsWith("\r\n"); }).startsWith("220 "));
        QTcpSocket second;
        second.connectToHost(QHostAddress::LocalHost, server.port());
        QCOMPARE(readUntil(second, [](const QByteArray&) { return false; }),
                 QByteArray("421 4.7.0 legacy.demo.test Too many connections\r\n"));
        QCOMPARE(server.refused(), 1);
        // Once the first one is gone, a new connection is served again.
        first.disconnectFromHost();
        QTRY_COMPARE(server.open(), 0);
        QTcpSocket third;
        third.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(readUntil(third, [](const QByteArray& b) { return b.endsWith("\r\n"); }).startsWith("220 "));
        QCOMPARE(server.accepted(), 2);
    }

    // ---- the demo's legacy-tls scenario ----

    void demoMainConnectionGetsARealHandshake_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("starttls") << int(TlsMode::StartTls);
        QTest::newRow("implicit") << int(TlsMode::Implicit);
    }
    void demoMainConnectionGetsARealHandshake()
    {
        // A normal client offers TLS 1.3: the hello, only peeked at, goes to the real handshake.
        QFETCH(int, mode);
        DemoServer demo;
        demo.setScenario(QStringLiteral("legacy-tls"));
        QVERIFY2(demo.start(), qPrintable(demo.errorString()));
        ProbeOptions o;
        o.host = DemoServer::hostName();
        o.port = demo.port(Protocol::Smtp, TlsMode(mode));
        o.tls = TlsMode(mode);
        o.extraCaCertificates = demo.caCertificates();
        o.stepTimeoutMs = 10000;
        const Run run = runToEnd(o);
        QVERIFY(run.tls.has_value());
        QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
        QVERIFY(run.tls->verified);
        QCOMPARE(run.verdict(), Verdict::Ok);
    }

    void demoOlderHellosGetTheScript_data()
    {
        QTest::addColumn<QByteArray>("hello");
        QTest::addColumn<quint16>("version");
        QTest::addColumn<quint16>("cipher");
        QTest::newRow("TLS 1.2 RC4") << hello(0x0303, {RsaRc4Md5}) << quint16(0x0303) << RsaRc4Md5;
        QTest::newRow("TLS 1.0 export") << hello(0x0301, {ExportRc4}) << quint16(0x0301) << ExportRc4;
        QTest::newRow("SSLv3 NULL") << hello(0x0300, {NullSha}) << quint16(0x0300) << NullSha;
        QTest::newRow("SSLv2") << ClientHello::sslV2({0x010080}, QByteArray(16, '\x42')) << quint16(0x0002)
                               << quint16(0);
    }
    void demoOlderHellosGetTheScript()
    {
        QFETCH(QByteArray, hello);
        QFETCH(quint16, version);
        QFETCH(quint16, cipher);
        DemoServer demo;
        demo.setScenario(QStringLiteral("legacy-tls"));
        QVERIFY2(demo.start(), qPrintable(demo.errorString()));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, demo.port(Protocol::Smtp, TlsMode::StartTls));
        QVERIFY(readUntil(socket, [](const QByteArray& b) { return b.endsWith("\r\n"); }).startsWith("220 "));
        socket.write("EHLO client.test\r\n");
        QVERIFY(
            readUntil(socket, [](const QByteArray& b) { return b.contains("250 "); }).contains("STARTTLS"));
        socket.write("STARTTLS\r\n");
        QVERIFY(readUntil(socket, [](const QByteArray& b) { return b.endsWith("\r\n"); }).startsWith("220 "));
        socket.write(hello);
        const QByteArray answer = readUntil(socket, [](const QByteArray& b) {
            return ServerHelloParser::parse(b, ServerHelloParser::Depth::KeyExchange).hello.flightComplete;
        });
        const ServerAnswer s = ServerHelloParser::parse(answer, ServerHelloParser::Depth::KeyExchange);
        QCOMPARE(s.kind, ServerAnswer::Kind::ServerHello);
        QCOMPARE(s.hello.version, version);
        if (version == 0x0002)
            QCOMPARE(s.hello.sslV2CipherKinds, QList<quint32> {0x010080});
        else
            QCOMPARE(s.hello.cipher, cipher);
    }
};

QTEST_GUILESS_MAIN(TestLegacyTlsResponder)
#include "TestLegacyTlsResponder.moc"
