// The TLS audit against a server that still accepts what no current TLS library serves (issue 11):
// the scripted LegacyTlsServer with LegacyTlsResponder::legacyServer() (SSLv2, SSLv3, RC4, 3DES,
// export, NULL, anonymous suites, DHE with a 1024-bit group), through the SMTP STARTTLS preamble
// and with implicit TLS; the same server limited to N connections per client with `421` beyond;
// and the demo's legacy-tls scenario, a whole check with the audit. The expected sets are
// written out here from the server's configuration (its preference lists below), never taken
// from the audit or from CipherSuiteTable.

#include "audit/TlsAudit.h"
#include "check/CheckRunner.h"
#include "demo/DemoServer.h"
#include "demo/LegacyTlsServer.h"
#include "findings/FindingCatalogue.h"
#include "findings/TlsSuiteCatalogue.h"
#include "RunHelpers.h"
#include "TestPki.h"

#include <QSet>
#include <QTest>

namespace {

constexpr int AuditTimeoutMs = 120000;

// LegacyTlsResponder::legacyServer(), as documented there: SSLv3 to TLS 1.1 accept `Old` in this
// order; TLS 1.2 accepts four ECDHE suites and DHE-RSA-AES128-GCM-SHA256 first, then `Old`.
const QList<quint32> Old = {
    0x0039, // DHE-RSA-AES256-SHA
    0x0035, // AES256-SHA
    0x0033, // DHE-RSA-AES128-SHA
    0x002f, // AES128-SHA
    0x0016, // EDH-RSA-DES-CBC3-SHA (3DES)
    0x000a, // DES-CBC3-SHA (3DES)
    0x0005, // RC4-SHA
    0x0004, // RC4-MD5
    0x0009, // DES-CBC-SHA
    0x0014, // EXP-EDH-RSA-DES-CBC-SHA (export)
    0x0008, // EXP-DES-CBC-SHA (export)
    0x0003, // EXP-RC4-MD5 (export)
    0x0034, // ADH-AES128-SHA (anonymous)
    0x0018, // ADH-RC4-MD5 (anonymous)
    0x0002, // NULL-SHA
    0x0001, // NULL-MD5
};
const QList<quint32> Tls12 = QList<quint32> {0xc02f, 0xc030, 0x009e, 0xc013, 0xc014} + Old;
const QList<quint32> SslV2 = {0x010080, 0x0700c0, 0x020080}; // RC4-MD5, DES-CBC3-MD5, EXP-RC4-MD5
/// Suites with a ServerKeyExchange: DHE (the server's 1024-bit group) and ECDHE (x25519, the
/// first of the server's groups that the audit offers).
const QSet<quint32> Dhe = {0x0039, 0x0033, 0x0016, 0x0014, 0x0034, 0x0018, 0x009e};
const QSet<quint32> Ecdhe = {0xc02f, 0xc030, 0xc013, 0xc014};

QList<AcceptedSuite> expectedSuites(const QList<quint32>& codes, bool keyExchange)
{
    QList<AcceptedSuite> out;
    for (quint32 code : codes) {
        AcceptedSuite s;
        s.code = code;
        if (keyExchange && Dhe.contains(code))
            s.dhBits = 1024;
        if (keyExchange && Ecdhe.contains(code))
            s.group = QStringLiteral("x25519");
        out.append(s);
    }
    return out;
}

QString describe(const QList<AcceptedSuite>& suites)
{
    QStringList parts;
    for (const AcceptedSuite& s : suites) {
        QString p = QStringLiteral("0x%1").arg(s.code, 4, 16, QLatin1Char('0'));
        if (s.dhBits)
            p += QStringLiteral("/DH%1").arg(s.dhBits);
        if (!s.group.isEmpty())
            p += QLatin1Char('/') + s.group;
        parts.append(p);
    }
    return parts.join(QLatin1Char(' '));
}

QString statuses(const TlsAuditResult& r)
{
    QStringList parts;
    for (auto it = r.versions.cbegin(); it != r.versions.cend(); ++it)
        parts.append(it.key() + QLatin1Char('=') + it.value().status);
    return parts.join(QLatin1Char(' '));
}

LegacyTlsServer::Settings legacySettings(bool implicitTls, int limit = 0)
{
    LegacyTlsServer::Settings s;
    s.tls.certificateDer = TestPki::instance().identity(TestPki::Kind::Good).chain.constFirst().toDer();
    s.implicitTls = implicitTls;
    s.maxConnectionsPerClient = limit;
    return s;
}

/// Runs `audit` to its end; QVERIFYs that it ends within AuditTimeoutMs.
void runAudit(TlsAudit& audit)
{
    audit.start();
    QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), AuditTimeoutMs);
}

/// The versions and suites of legacyServer() that the legacy server answers itself: every version
/// up to TLS 1.2 accepted with the exact lists in the server's order, DH sizes and curves included;
/// TLS 1.3 is `tls13` (the legacy server's own refusal, or the demo's real handshake).
void verifyLegacyVersions(const TlsAuditResult& r, const QString& tls13)
{
    QCOMPARE(r.untested, QStringList());
    QCOMPARE(statuses(r), QStringLiteral("SSLv2=accepted SSLv3=accepted TLSv1.0=accepted TLSv1.1=accepted "
                                         "TLSv1.2=accepted TLSv1.3=")
                              + tls13);
    QCOMPARE(describe(r.suites.value(QStringLiteral("SSLv2"))), describe(expectedSuites(SslV2, false)));
    for (const char* v : {"SSLv3", "TLSv1.0", "TLSv1.1"})
        QCOMPARE(describe(r.suites.value(QLatin1String(v))), describe(expectedSuites(Old, true)));
    QCOMPARE(describe(r.suites.value(QStringLiteral("TLSv1.2"))), describe(expectedSuites(Tls12, true)));
}

ProbeOptions auditOptions(quint16 port, bool implicitTls)
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = port;
    o.tls = implicitTls ? TlsMode::Implicit : TlsMode::StartTls;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = 10000;
    o.audit.versions = true;
    o.audit.ciphers = true;
    return o;
}
} // namespace

class TestLegacyTlsAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(TestPki::instance().isValid()); }

    void everyClassIsFound_data()
    {
        QTest::addColumn<bool>("implicitTls");
        QTest::newRow("SMTP STARTTLS") << false;
        QTest::newRow("implicit TLS") << true;
    }
    void everyClassIsFound()
    {
        QFETCH(bool, implicitTls);
        LegacyTlsServer server(legacySettings(implicitTls));
        QVERIFY(server.listen());
        TlsAudit audit(auditOptions(server.port(), implicitTls));
        runAudit(audit);
        if (QTest::currentTestFailed())
            return;
        const TlsAuditResult& r = audit.result();
        verifyLegacyVersions(r, QStringLiteral("rejected"));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(r.suites.value(QStringLiteral("TLSv1.3")), QList<AcceptedSuite>());
        for (const char* v : {"SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"})
            QCOMPARE(r.cipherOrder.value(QLatin1String(v)), QStringLiteral("server"));
        // The server's curves, x25519 and secp256r1, are what TLS 1.2 accepts.
        QCOMPARE(r.groups.value(QStringLiteral("TLSv1.2")),
                 (QStringList {QStringLiteral("x25519"), QStringLiteral("secp256r1")}));
        qInfo("%s: %d probes, %d connections, %d retries, %lld ms", implicitTls ? "implicit" : "starttls",
              r.probes, server.accepted(), r.retries, r.durationMs);
    }

    void everyClassIsFlagged()
    {
        LegacyTlsServer server(legacySettings(false));
        QVERIFY(server.listen());
        TlsAudit audit(auditOptions(server.port(), false));
        runAudit(audit);
        if (QTest::currentTestFailed())
            return;
        Run run;
        audit.mergeInto(run);
        // Each class the server's configuration holds, flagged once, and nothing else: no TLS 1.3,
        // TLS 1.0/1.1, SSL 2.0 and 3.0, and the suite classes with the suites that earn them.
        QCOMPARE(findingIds(run),
                 ids({FindingIds::Tls13NotSupported, FindingIds::TlsLegacyVersionAccepted,
                      FindingIds::TlsSslV2Accepted, FindingIds::TlsSslV3Accepted, FindingIds::TlsCipherNull,
                      FindingIds::TlsCipherAnonymous, FindingIds::TlsCipherExport, FindingIds::TlsCipherRc4,
                      FindingIds::TlsCipherDes, FindingIds::TlsCipher64BitBlock,
                      FindingIds::TlsCipherCbcLegacyVersion, FindingIds::TlsCipherNoForwardSecrecy,
                      FindingIds::TlsDhWeak}));
        const QString all = QStringLiteral("SSLv3, TLSv1.0, TLSv1.1, TLSv1.2: ");
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherNull), all + QStringLiteral("NULL-SHA, NULL-MD5"));
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherAnonymous),
                 all + QStringLiteral("ADH-AES128-SHA, ADH-RC4-MD5"));
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherExport),
                 all + QStringLiteral("EXP-EDH-RSA-DES-CBC-SHA, EXP-DES-CBC-SHA, EXP-RC4-MD5"));
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherRc4),
                 all + QStringLiteral("RC4-SHA, RC4-MD5, EXP-RC4-MD5, ADH-RC4-MD5"));
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherDes), all + QStringLiteral("DES-CBC-SHA"));
        QCOMPARE(findingDetail(run, FindingIds::TlsCipher64BitBlock),
                 all + QStringLiteral("EDH-RSA-DES-CBC3-SHA, DES-CBC3-SHA"));
        QCOMPARE(findingDetail(run, FindingIds::TlsSslV2Accepted),
                 QStringLiteral("SSLv2 accepted with: RC4-MD5, DES-CBC3-MD5, EXP-RC4-MD5"));
        // The 1024-bit group, named with every DHE suite that uses it (export ones are the
        // export finding's).
        QVERIFY2(findingDetail(run, FindingIds::TlsDhWeak)
                     .startsWith(
                         QStringLiteral("SSLv3, TLSv1.0, TLSv1.1: DHE-RSA-AES256-SHA (1024 bits), "
                                        "DHE-RSA-AES128-SHA (1024 bits), EDH-RSA-DES-CBC3-SHA (1024 bits), "
                                        "ADH-AES128-SHA (1024 bits), ADH-RC4-MD5 (1024 bits); TLSv1.2: ")),
                 qPrintable(findingDetail(run, FindingIds::TlsDhWeak)));
    }

    void connectionLimitChangesNothing()
    {
        LegacyTlsServer unlimited(legacySettings(false));
        QVERIFY(unlimited.listen());
        TlsAudit direct(auditOptions(unlimited.port(), false));
        direct.start();
        QTRY_VERIFY_WITH_TIMEOUT(direct.isFinished(), AuditTimeoutMs);
        QCOMPARE(direct.result().untested, QStringList());

        LegacyTlsServer limited(legacySettings(false, 2));
        QVERIFY(limited.listen());
        TlsAudit audit(auditOptions(limited.port(), false));
        audit.start();
        QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), AuditTimeoutMs);
        const TlsAuditResult& r = audit.result();
        // The limit was met (421 beyond two), the probes that met it were tried again, and the
        // server never had more than two of the audit's connections.
        QVERIFY(limited.refused() > 0);
        QVERIFY(r.retries > 0);
        QVERIFY(limited.mostOpen() <= 2);
        // Complete, and nothing differs from the unlimited audit.
        QCOMPARE(r.untested, QStringList());
        QCOMPARE(statuses(r), statuses(direct.result()));
        for (auto it = direct.result().suites.cbegin(); it != direct.result().suites.cend(); ++it)
            QCOMPARE(describe(r.suites.value(it.key())), describe(it.value()));
        QCOMPARE(r.suites.keys(), direct.result().suites.keys());
        QCOMPARE(r.groups, direct.result().groups);
        QCOMPARE(r.cipherOrder, direct.result().cipherOrder);
        qInfo("limit 2: %d probes, %d retries, %d connections answered 421, %d served (unlimited: %d probes, "
              "%d connections)",
              r.probes, r.retries, limited.refused(), limited.accepted(), direct.result().probes,
              unlimited.accepted());
    }

    void demoScenario_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("starttls") << int(TlsMode::StartTls);
        QTest::newRow("implicit") << int(TlsMode::Implicit);
    }
    void demoScenario()
    {
        // The check itself gets TLS 1.3 (a real handshake); the audit's older hellos get the
        // legacy server, with the same lists as above.
        QFETCH(int, mode);
        DemoServer demo;
        demo.setScenario(QStringLiteral("legacy-tls"));
        QVERIFY2(demo.start(), qPrintable(demo.errorString()));
        const quint16 port = demo.port(Protocol::Smtp, TlsMode(mode));
        ProbeOptions o = auditOptions(port, TlsMode(mode) == TlsMode::Implicit);
        o.host = DemoServer::hostName();
        o.extraCaCertificates = demo.caCertificates();
        TlsAudit audit(o);
        runAudit(audit);
        if (QTest::currentTestFailed())
            return;
        const TlsAuditResult& r = audit.result();
        verifyLegacyVersions(r, QStringLiteral("accepted"));
        if (QTest::currentTestFailed())
            return;
        // TLS 1.3 is the real handshake's: OpenSSL's three default suites.
        QSet<quint32> tls13;
        for (const AcceptedSuite& s : r.suites.value(QStringLiteral("TLSv1.3")))
            tls13.insert(s.code);
        QCOMPARE(tls13, (QSet<quint32> {0x1301, 0x1302, 0x1303}));

        // A whole check with the audit: the conversation itself runs over TLS 1.3.
        CheckOptions options;
        options.probe = o;
        CheckRunner runner(options);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), AuditTimeoutMs);
        const Run& run = runner.run();
        for (const StepRecord& step : run.steps)
            QVERIFY2(step.status != StepStatus::Failed, qPrintable(step.summary));
        QVERIFY(run.tls.has_value());
        QCOMPARE(run.tls->protocol, QStringLiteral("TLSv1.3"));
        QCOMPARE(run.tlsVersions.keys(), r.versions.keys());
        for (const QString& v : run.tlsVersions.keys())
            QCOMPARE(run.tlsVersions.value(v), QStringLiteral("accepted"));
    }
};

QTEST_GUILESS_MAIN(TestLegacyTlsAudit)
#include "TestLegacyTlsAudit.moc"
