// The STARTTLS command-injection probe over real sockets and real TLS: FakeMailServer scripts for
// what a server may send inside TLS (a second greeting, a flood of lines) and the DemoServer's
// vulnerable and safe IMAP and POP3 services. Only a reply provably to the injected command makes
// a server "vulnerable"; a flood ends the probe as "inconclusive", with the connection cut.
// (The SMTP vulnerable/safe scripts and demo rows live in TestTlsAudit.)

#include "audit/CommandInjectionProbe.h"
#include "demo/DemoServer.h"
#include "FakeMailServer.h"
#include "TestPki.h"

#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)

namespace {
constexpr int ProbeTimeoutMs = 10000;

/// Each protocol's conversation up to the handshake; the injected command arrives in plaintext
/// with STARTTLS, which FakeMailServer reports at `T` (its one expected complaint).
QString preamble(Protocol protocol)
{
    switch (protocol) {
    case Protocol::Smtp:
        return QStringLiteral("S: 220 fake ESMTP\nC: EHLO mailscope.invalid\nS: 250-fake\nS: 250 STARTTLS\n"
                              "C: STARTTLS\nS: 220 2.0.0 Ready to start TLS\nT\n");
    case Protocol::Imap:
        return QStringLiteral("S: * OK fake IMAP\nC: A1 CAPABILITY\nS: * CAPABILITY IMAP4rev1 STARTTLS\n"
                              "S: A1 OK done\nC: A2 STARTTLS\nS: A2 OK Begin TLS\nT\n");
    case Protocol::Pop3:
        return QStringLiteral(
            "S: +OK fake POP3\nC: CAPA\nS: +OK\nS: STLS\nS: .\nC: STLS\nS: +OK Begin TLS\nT\n");
    }
    return {};
}
} // namespace

class TestInjectionProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void insideTls_data();
    void insideTls();
    void demoServer_data();
    void demoServer();
};

void TestInjectionProbe::initTestCase() { QVERIFY(TestPki::instance().isValid()); }

void TestInjectionProbe::insideTls_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("afterTls"); ///< the script after `T`
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("because"); ///< the probe's detail says this
    QTest::addColumn<bool>("flood");

    // A second greeting inside TLS cannot be NOOP's reply (RFC 5321 s.4.3.2: NOOP -> 250).
    QTest::newRow("smtp second greeting")
        << Protocol::Smtp << "S: 220 fake ESMTP again\nC: QUIT\nS: 221 2.0.0 Bye\nX\n"
        << "not-vulnerable"
        << "220 fake ESMTP again" << false;
    QTest::newRow("smtp flood") << Protocol::Smtp << "Y: 250 2.0.0 Ok\n"
                                << "inconclusive"
                                << "more replies" << true;
    QTest::newRow("smtp flood of continuation lines") << Protocol::Smtp << "Y: 250-flood\n"
                                                      << "inconclusive"
                                                      << "flooding" << true;
    // IMAP: untagged lines answer nothing; only the injected tag would.
    QTest::newRow("imap second greeting")
        << Protocol::Imap << "S: * OK fake IMAP again\nC~ ^A3 LOGOUT$\nS: * BYE\nS: A3 OK bye\nX\n"
        << "not-vulnerable"
        << "A3 OK bye" << false;
    QTest::newRow("imap flood") << Protocol::Imap << "Y: * OK flood\n"
                                << "inconclusive"
                                << "flooding" << true;
    // POP3: two positive replies may be a greeting and QUIT's: never "vulnerable".
    QTest::newRow("pop3 second greeting")
        << Protocol::Pop3 << "S: +OK fake POP3 again\nC: QUIT\nS: +OK Bye\nX\n"
        << "inconclusive"
        << "second greeting" << false;
    QTest::newRow("pop3 flood") << Protocol::Pop3 << "Y: +OK\n"
                                << "inconclusive"
                                << "more replies" << true;
}

void TestInjectionProbe::insideTls()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, afterTls);
    QFETCH(QString, verdict);
    QFETCH(QString, because);
    QFETCH(bool, flood);

    FakeMailServer server;
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server.setLocalCertificateChain(id.chain);
    server.setPrivateKey(id.key);
    QVERIFY2(server.loadScript(preamble(protocol) + afterTls) && server.listen(),
             qPrintable(server.errorSummary()));

    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.protocol = protocol;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = 20000; // beyond ProbeTimeoutMs: the verdict must not come from a timeout
    CommandInjectionProbe probe(o);
    QSignalSpy done(&probe, &CommandInjectionProbe::finished);
    probe.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, ProbeTimeoutMs);
    // The probe hung up; the server (flooding or not) sees it.
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), 5000);

    QCOMPARE(CommandInjectionProbe::toKey(probe.verdict()), verdict);
    QVERIFY2(probe.detail().contains(because), qPrintable(probe.detail()));
    // The injected command came in plaintext behind STARTTLS: FakeMailServer's only complaint.
    QCOMPARE(server.errors().size(), 1);
    QVERIFY2(server.errors().constFirst().contains(QLatin1String("NOOP")), qPrintable(server.errorSummary()));
    if (flood) {
        // Bounded: the probe kept at most MaxLines of the flood (plus the lines before TLS).
        QVERIFY(server.floodedBytes() > 0);
        QVERIFY2(probe.transcript().size() <= InjectionReplyJudge::MaxLines + 20,
                 qPrintable(QString::number(probe.transcript().size())));
    } else {
        QVERIFY(server.isComplete());
        QCOMPARE(server.linesReceivedAfterTls().size(), 1); // QUIT or LOGOUT, nothing else
    }
}

void TestInjectionProbe::demoServer_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("verdict");
    QTest::newRow("imap command-injection") << Protocol::Imap << "command-injection"
                                            << "vulnerable";
    QTest::newRow("imap good") << Protocol::Imap << "good"
                               << "not-vulnerable";
    QTest::newRow("pop3 command-injection") << Protocol::Pop3 << "command-injection"
                                            << "vulnerable";
    QTest::newRow("pop3 good") << Protocol::Pop3 << "good"
                               << "not-vulnerable";
}

void TestInjectionProbe::demoServer()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, scenario);
    QFETCH(QString, verdict);
    DemoServer demo;
    QVERIFY2(demo.start(0), qPrintable(demo.errorString()));
    demo.setScenario(scenario);
    ProbeOptions o;
    o.host = DemoServer::hostName();
    o.port = demo.port(protocol, TlsMode::StartTls);
    o.protocol = protocol;
    o.extraCaCertificates = demo.caCertificates();
    o.stepTimeoutMs = 20000;
    CommandInjectionProbe probe(o);
    QSignalSpy done(&probe, &CommandInjectionProbe::finished);
    probe.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, ProbeTimeoutMs);
    QCOMPARE(CommandInjectionProbe::toKey(probe.verdict()), verdict);
    if (verdict == QLatin1String("vulnerable") && protocol == Protocol::Imap) {
        // The proof is the probe's own tag on the reply.
        const QByteArray tag = probe.injectedCommand().left(probe.injectedCommand().indexOf(' '));
        QVERIFY2(probe.detail().contains(QString::fromLatin1(tag + " OK")), qPrintable(probe.detail()));
    }
}

QTEST_GUILESS_MAIN(TestInjectionProbe)
#include "TestInjectionProbe.moc"
