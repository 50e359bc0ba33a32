// RawHelloProbe over the in-memory transport: the exact preamble per protocol (and none for
// implicit TLS), the raw ClientHello written right after the go-ahead and nothing else, the
// answer read byte by byte as it trickles in, and each way of ending: ServerHello, alert,
// malformed, 421, no STARTTLS, a close after the hello. Server bytes are written out by hand
// from RFC 5246 s.7.4.1.3 / s.7.2, not built by the code under test.

#include "audit/RawHelloProbe.h"
#include "FakeLineTransport.h"

#include <QSignalSpy>
#include <QTest>

namespace {

/// A TLS 1.2 ServerHello record choosing `suite` (RFC 5246 s.7.4.1.3), no extensions.
QByteArray serverHello(quint16 suite)
{
    QByteArray body = QByteArray::fromHex("0303") + QByteArray(32, '\x11') + QByteArray::fromHex("00");
    body += char(suite >> 8);
    body += char(suite & 0xff);
    body += '\0'; // compression null
    QByteArray hs = QByteArray::fromHex("02") + QByteArray::fromHex("0000") + char(body.size()) + body;
    return QByteArray::fromHex("160303") + char(hs.size() >> 8) + char(hs.size() & 0xff) + hs;
}

const QByteArray hello = QByteArray::fromHex("16030100050100000103"); // stands for any hello

} // namespace

class TestRawHelloProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void smtpPreambleThenHelloThenServerHello();
    void implicitTlsSendsTheHelloFirst();
    void imapAndPop3Preambles_data();
    void imapAndPop3Preambles();
    void alertIsAnAnswer();
    void malformedAnswerSaysWhere();
    void banner421IsLimitedNotPermanent();
    void noStartTlsIsPermanent();
    void closeAfterHelloIsClosedInHandshake();
    void refusedConnectionIsLimited();

private:
    struct Harness
    {
        FakeLineTransport* transport = nullptr;
        std::unique_ptr<RawHelloProbe> probe;
        std::unique_ptr<QSignalSpy> done;
    };
    static Harness make(Protocol protocol, TlsMode mode = TlsMode::StartTls);
    static void smtpUpToGoAhead(Harness& h);
};

TestRawHelloProbe::Harness TestRawHelloProbe::make(Protocol protocol, TlsMode mode)
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = 2525;
    o.protocol = protocol;
    o.tls = mode;
    o.stepTimeoutMs = 5000;
    auto transport = std::make_unique<FakeLineTransport>();
    Harness h;
    h.transport = transport.get();
    h.probe = std::make_unique<RawHelloProbe>(o, hello, ServerHelloParser::Depth::ServerHello,
                                              std::move(transport));
    h.done = std::make_unique<QSignalSpy>(h.probe.get(), &RawHelloProbe::finished);
    h.probe->start();
    h.transport->acceptConnection();
    return h;
}

void TestRawHelloProbe::smtpUpToGoAhead(Harness& h)
{
    h.transport->serverSends("220 mx.test ESMTP\r\n");
    QCOMPARE(h.transport->lastWrite(), QByteArray("EHLO mailscope.invalid\r\n"));
    h.transport->serverSends("250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    QCOMPARE(h.transport->lastWrite(), QByteArray("STARTTLS\r\n"));
    // Plaintext after the go-ahead is not the answer to the hello: it is dropped.
    h.transport->serverSends("220 2.0.0 Ready to start TLS\r\n250 junk\r\n");
}

void TestRawHelloProbe::smtpPreambleThenHelloThenServerHello()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    QCOMPARE(h.transport->writeCount(), 3);
    QCOMPARE(h.transport->lastWrite(), hello);
    QVERIFY(!h.transport->tlsRequested()); // the library's handshake is never started
    // The answer trickles in one byte at a time; nothing is decided before it is complete.
    const QByteArray answer = serverHello(0xc02f);
    for (qsizetype i = 0; i + 1 < answer.size(); ++i)
        h.transport->serverSends(answer.mid(i, 1));
    QVERIFY(!h.probe->isFinished());
    h.transport->serverSends(answer.right(1));
    QVERIFY(h.probe->isFinished());
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::ServerHello);
    QCOMPARE(r.answer.hello.version, quint16(0x0303));
    QCOMPARE(r.answer.hello.cipher, quint16(0xc02f));
    // Closed at once, no QUIT.
    QCOMPARE(h.transport->events().constLast().kind, FakeLineTransport::Event::Abort);
    QCOMPARE(h.transport->writeCount(), 3);
}

void TestRawHelloProbe::implicitTlsSendsTheHelloFirst()
{
    Harness h = make(Protocol::Smtp, TlsMode::Implicit);
    QCOMPARE(h.transport->writeCount(), 1);
    QCOMPARE(h.transport->lastWrite(), hello);
    h.transport->serverSends(serverHello(0x009c));
    QTRY_COMPARE(h.done->size(), 1);
    QCOMPARE(h.probe->result().answer.hello.cipher, quint16(0x009c));
}

void TestRawHelloProbe::imapAndPop3Preambles_data()
{
    QTest::addColumn<int>("protocol");
    QTest::addColumn<QList<QByteArray>>("server");
    QTest::addColumn<QList<QByteArray>>("client");
    QTest::newRow("imap") << int(Protocol::Imap)
                          << QList<QByteArray> {"* OK ready\r\n",
                                                "* CAPABILITY IMAP4rev1 STARTTLS\r\nA1 OK done\r\n",
                                                "A2 OK Begin TLS\r\n"}
                          << QList<QByteArray> {"A1 CAPABILITY\r\n", "A2 STARTTLS\r\n"};
    QTest::newRow("pop3") << int(Protocol::Pop3)
                          << QList<QByteArray> {"+OK ready\r\n", "+OK\r\nSTLS\r\n.\r\n", "+OK Begin TLS\r\n"}
                          << QList<QByteArray> {"CAPA\r\n", "STLS\r\n"};
}

void TestRawHelloProbe::imapAndPop3Preambles()
{
    QFETCH(int, protocol);
    QFETCH(QList<QByteArray>, server);
    QFETCH(QList<QByteArray>, client);
    Harness h = make(Protocol(protocol));
    for (int i = 0; i < server.size(); ++i) {
        h.transport->serverSends(server.at(i));
        if (i < client.size())
            QCOMPARE(h.transport->lastWrite(), client.at(i));
    }
    QCOMPARE(h.transport->lastWrite(), hello);
    h.transport->serverSends(serverHello(0xc030));
    QTRY_COMPARE(h.done->size(), 1);
    QCOMPARE(h.probe->result().kind, RawProbeResult::Kind::ServerHello);
}

void TestRawHelloProbe::alertIsAnAnswer()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->serverSends(QByteArray::fromHex("15030300020228")); // fatal handshake_failure
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::Alert);
    QCOMPARE(r.answer.alertDescription, quint8(40));
    QCOMPARE(r.detail, QStringLiteral("alert handshake failure"));
}

void TestRawHelloProbe::malformedAnswerSaysWhere()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->serverSends("500 5.5.1 what?\r\n");
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::Failed);
    QVERIFY2(r.detail.contains(QLatin1String("first byte 0x35")), qPrintable(r.detail));
    QVERIFY(!r.preambleFailed);
}

void TestRawHelloProbe::banner421IsLimitedNotPermanent()
{
    Harness h = make(Protocol::Smtp);
    h.transport->serverSends("421 4.7.0 Error: too many connections from 127.0.0.1\r\n");
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::Failed);
    QVERIFY(r.limited);
    QVERIFY(!r.preambleFailed);
    QVERIFY2(r.detail.contains(QLatin1String("421 4.7.0")), qPrintable(r.detail));
    QCOMPARE(h.transport->writeCount(), 0);
}

void TestRawHelloProbe::noStartTlsIsPermanent()
{
    Harness h = make(Protocol::Smtp);
    h.transport->serverSends("220 mx.test ESMTP\r\n");
    h.transport->serverSends("250-mx.test\r\n250 PIPELINING\r\n");
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::Failed);
    QVERIFY(r.preambleFailed);
    QVERIFY(!r.limited);
    QCOMPARE(r.detail, QStringLiteral("the server does not offer STARTTLS"));
    QCOMPARE(h.transport->writeCount(), 1);
}

void TestRawHelloProbe::closeAfterHelloIsClosedInHandshake()
{
    Harness h = make(Protocol::Smtp);
    smtpUpToGoAhead(h);
    h.transport->serverCloses();
    QTRY_COMPARE(h.done->size(), 1);
    const RawProbeResult& r = h.probe->result();
    QCOMPARE(r.kind, RawProbeResult::Kind::Failed);
    QVERIFY(r.closedInHandshake);
    QVERIFY(!r.limited);
}

void TestRawHelloProbe::refusedConnectionIsLimited()
{
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = 2525;
    auto transport = std::make_unique<FakeLineTransport>();
    FakeLineTransport* t = transport.get();
    RawHelloProbe probe(o, hello, ServerHelloParser::Depth::ServerHello, std::move(transport));
    QSignalSpy done(&probe, &RawHelloProbe::finished);
    probe.start();
    t->refuseConnection();
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(probe.result().kind, RawProbeResult::Kind::Failed);
    QVERIFY(probe.result().limited);
    QCOMPARE(probe.result().detail, QStringLiteral("Connection refused"));
}

QTEST_GUILESS_MAIN(TestRawHelloProbe)
#include "TestRawHelloProbe.moc"
