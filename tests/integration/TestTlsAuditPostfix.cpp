// The TLS audit against the real Postfix of the real-servers fixture: listeners restricted with
// smtpd_tls_protocols to TLS 1.2 only and to TLS 1.3 only (STARTTLS, the real SMTP preamble in
// every probe), and the command-injection probe against a correct server.

#include "audit/TlsAudit.h"
#include "findings/TlsSuiteCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"
#include "tls/CipherSuites.h"
#include "tls/CipherSuiteTable.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)

namespace {
/// What `openssl s_client -starttls smtp` says against 127.0.0.1:`port` with `args`: the oracle
/// for DH sizes and groups, outside the code under test.
QString sClient(quint16 port, const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral("openssl"),
            QStringList {QStringLiteral("s_client"), QStringLiteral("-starttls"), QStringLiteral("smtp"),
                         QStringLiteral("-connect"), QStringLiteral("127.0.0.1:%1").arg(port)}
                + args);
    p.closeWriteChannel();
    if (!p.waitForFinished(20000))
        p.kill();
    return QString::fromLocal8Bit(p.readAllStandardOutput() + p.readAllStandardError());
}
} // namespace

class TestTlsAuditPostfix final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void matrix_data();
    void matrix();
    void dhSizesAndGroupsAsOpenSslSays();
    void serverOrderAsOpenSslSays();
    void postfixDiscardsInjectedCommands();
    void dovecotDiscardsInjectedCommands_data();
    void dovecotDiscardsInjectedCommands();

private:
    ProbeOptions options(const QString& portKey) const;
    /// options() with the cipher enumeration switched on.
    ProbeOptions cipherOptions(const QString& portKey) const;
    /// Runs `audit` to its end; fails the test unless everything could be tested.
    static void runComplete(TlsAudit& audit);
    RealServers m_servers;
};

void TestTlsAuditPostfix::initTestCase()
{
    QString error;
    QVERIFY2(m_servers.load(&error), qPrintable(error));
}

ProbeOptions TestTlsAuditPostfix::options(const QString& portKey) const
{
    ProbeOptions o;
    o.host = QStringLiteral("localhost");
    o.port = m_servers.port(portKey);
    o.tls = TlsMode::StartTls;
    o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
    o.stepTimeoutMs = 10000;
    return o;
}

ProbeOptions TestTlsAuditPostfix::cipherOptions(const QString& portKey) const
{
    ProbeOptions o = options(portKey);
    o.audit.ciphers = true;
    return o;
}

void TestTlsAuditPostfix::runComplete(TlsAudit& audit)
{
    audit.start();
    QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), 60000);
    QCOMPARE(audit.result().untested, QStringList());
}

void TestTlsAuditPostfix::matrix_data()
{
    QTest::addColumn<QString>("portKey");
    QTest::addColumn<bool>("tls13Only");
    QTest::newRow("tls12-only") << "SMTP_TLS12_PORT" << false;
    QTest::newRow("tls13-only") << "SMTP_TLS13_PORT" << true;
}

void TestTlsAuditPostfix::matrix()
{
    QFETCH(QString, portKey);
    QFETCH(bool, tls13Only);
    ProbeOptions o = options(portKey);
    QVERIFY(o.port != 0);
    o.audit.versions = true;
    o.audit.ciphers = true;
    TlsAudit audit(o);
    QSignalSpy finished(&audit, &TlsAudit::finished);
    audit.start();
    QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), 60000);
    const TlsAuditResult& r = audit.result();
    // Pinned for Debian 12 (OpenSSL 3.0), not taken from the engine's own CipherSuites::localSupport():
    // its OpenSSL still offers TLS 1.0/1.1 at security level 0 (`openssl s_client -tls1 -cipher
    // DEFAULT:@SECLEVEL=0` completes against a server that allows it, see the tls-servers fixture),
    // and these Postfix listeners refuse both (smtpd_tls_protocols, start-postfix.sh).
    QCOMPARE(r.versions.value(QStringLiteral("TLSv1.0")).status, QStringLiteral("rejected"));
    QCOMPARE(r.versions.value(QStringLiteral("TLSv1.1")).status, QStringLiteral("rejected"));
    QCOMPARE(r.versions.value(QStringLiteral("TLSv1.2")).status,
             tls13Only ? QStringLiteral("rejected") : QStringLiteral("accepted"));
    QCOMPARE(r.versions.value(QStringLiteral("TLSv1.3")).status,
             tls13Only ? QStringLiteral("accepted") : QStringLiteral("rejected"));
    if (tls13Only) {
        QVERIFY(!r.ciphers.contains(QStringLiteral("TLSv1.2")));
        QVERIFY(
            r.ciphers.value(QStringLiteral("TLSv1.3")).contains(QStringLiteral("TLS_AES_256_GCM_SHA384")));
    } else {
        QVERIFY(!r.ciphers.contains(QStringLiteral("TLSv1.3")));
        QVERIFY(r.ciphers.value(QStringLiteral("TLSv1.2"))
                    .contains(QStringLiteral("ECDHE-RSA-AES256-GCM-SHA384")));
    }
    qInfo("%s: %d probes in %lld ms; ciphers %s", qPrintable(portKey), r.probes, r.durationMs,
          qPrintable(r.ciphers.value(tls13Only ? QStringLiteral("TLSv1.3") : QStringLiteral("TLSv1.2"))
                         .join(QLatin1Char(' '))));
    Run run;
    audit.mergeInto(run);
    // The TLS 1.2-only listener keeps Postfix's default cipher list, which accepts anonymous
    // (aNULL) suites on opportunistic STARTTLS and RSA key transport (kRSA): the audit must say so.
    // Its anonymous DH suites with 128-bit ciphers get a 1024-bit group (no certificate key for
    // OpenSSL's automatic DH size to follow; smtpd_tls_dh1024_param_file is unset), as the raw
    // probes' ServerKeyExchange shows: tls-dh-weak, naming only those suites.
    QCOMPARE(findingIds(run), tls13Only
                                  ? ids({})
                                  : ids({FindingIds::Tls13NotSupported, FindingIds::TlsCipherAnonymous,
                                         FindingIds::TlsCipherNoForwardSecrecy, FindingIds::TlsDhWeak}));
    if (!tls13Only) {
        const QString dh = findingDetail(run, FindingIds::TlsDhWeak);
        const QStringList entries = dh.mid(QStringLiteral("TLSv1.2: ").size()).split(QStringLiteral(", "));
        QVERIFY2(dh.startsWith(QLatin1String("TLSv1.2: ")) && !entries.isEmpty(), qPrintable(dh));
        for (const QString& e : entries) {
            QVERIFY2(e.startsWith(QLatin1String("ADH-")) && e.endsWith(QLatin1String(" (1024 bits)")),
                     qPrintable(dh));
        }
    }
    if (!tls13Only) {
        // The anonymous ones by OpenSSL's names (ADH-, AECDH-), in the order the server accepted them.
        QStringList anonymous = r.ciphers.value(QStringLiteral("TLSv1.2"));
        anonymous.removeIf([](const QString& c) {
            return !c.startsWith(QLatin1String("ADH-")) && !c.startsWith(QLatin1String("AECDH-"));
        });
        QVERIFY(!anonymous.isEmpty());
        QVERIFY(anonymous.size() <= 12); // else the evidence ends in "and N more"
        QCOMPARE(findingDetail(run, FindingIds::TlsCipherAnonymous),
                 QStringLiteral("TLSv1.2: ") + anonymous.join(QStringLiteral(", ")));
        QCOMPARE(run.finding(FindingIds::TlsCipherAnonymous)->severity, Severity::Warning);
    }
}

void TestTlsAuditPostfix::dhSizesAndGroupsAsOpenSslSays()
{
    const ProbeOptions o = cipherOptions(QStringLiteral("SMTP_TLS12_PORT"));
    TlsAudit audit(o);
    runComplete(audit);
    if (QTest::currentTestFailed())
        return;
    const TlsAuditResult& r = audit.result();

    // DH sizes: each accepted DH suite (DHE and anonymous) carries what s_client shows as the
    // server's temp key for that suite alone; the others carry none.
    int dhSuites = 0;
    for (const AcceptedSuite& s : r.suites.value(QStringLiteral("TLSv1.2"))) {
        const CipherSuiteInfo* info = CipherSuiteTable::find(quint16(s.code));
        QVERIFY(info);
        if (qstrcmp(info->keyExchange, "DH") != 0) {
            QCOMPARE(s.dhBits, 0);
            continue;
        }
        ++dhSuites;
        const QString out =
            sClient(o.port, {QStringLiteral("-tls1_2"), QStringLiteral("-cipher"),
                             QLatin1String(info->openSslName) + QStringLiteral(":@SECLEVEL=0")});
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("Server Temp Key: DH, (\\d+) bits")).match(out);
        QVERIFY2(m.hasMatch(), qPrintable(QLatin1String(info->openSslName) + QLatin1Char('\n') + out));
        QCOMPARE(s.dhBits, m.captured(1).toInt());
    }
    QVERIFY(dhSuites > 0);

    // Groups: those s_client completes a handshake with, one at a time, in the audit's order.
    const QList<std::pair<QString, QString>> groups = {
        {QStringLiteral("X25519"), QStringLiteral("x25519")},
        {QStringLiteral("P-256"), QStringLiteral("secp256r1")},
        {QStringLiteral("X448"), QStringLiteral("x448")},
        {QStringLiteral("P-521"), QStringLiteral("secp521r1")},
        {QStringLiteral("P-384"), QStringLiteral("secp384r1")},
        {QStringLiteral("brainpoolP256r1"), QStringLiteral("brainpoolP256r1")},
        {QStringLiteral("secp256k1"), QStringLiteral("secp256k1")},
    };
    QStringList expected;
    for (const auto& [openSsl, ours] : groups) {
        const QString out = sClient(o.port, {QStringLiteral("-tls1_2"), QStringLiteral("-cipher"),
                                             QStringLiteral("ECDHE"), QStringLiteral("-groups"), openSsl});
        if (out.contains(QLatin1String("New, TLSv1.2")))
            expected.append(ours);
    }
    QVERIFY(!expected.isEmpty());
    QCOMPARE(r.groups.value(QStringLiteral("TLSv1.2")), expected);
}

void TestTlsAuditPostfix::serverOrderAsOpenSslSays()
{
    // tls_preempt_cipherlist = yes: Postfix imposes its own order. The oracle is the way sslscan
    // and testssl.sh read it: s_client offers what is left, the server picks its favourite, which
    // is removed, again and again, by full OpenSSL handshakes outside the code under test.
    const ProbeOptions o = cipherOptions(QStringLiteral("SMTP_PREEMPT_PORT"));
    TlsAudit audit(o);
    runComplete(audit);
    if (QTest::currentTestFailed())
        return;
    const TlsAuditResult& r = audit.result();
    for (const QString& version : {QStringLiteral("TLSv1.0"), QStringLiteral("TLSv1.2")}) {
        QCOMPARE(r.cipherOrder.value(version), QStringLiteral("server"));
        const QStringList found = r.ciphers.value(version);
        QVERIFY2(found.size() >= 10, qPrintable(found.join(QLatin1Char(' '))));
        QStringList left = found;
        QStringList expected;
        const QString flag =
            version == QLatin1String("TLSv1.0") ? QStringLiteral("-tls1") : QStringLiteral("-tls1_2");
        while (!left.isEmpty()) {
            const QString out =
                sClient(o.port, {flag, QStringLiteral("-cipher"),
                                 left.join(QLatin1Char(':')) + QStringLiteral(":@SECLEVEL=0")});
            const QRegularExpressionMatch m =
                QRegularExpression(QStringLiteral("Cipher is ([A-Z0-9-]+)")).match(out);
            QVERIFY2(m.hasMatch() && left.contains(m.captured(1)), qPrintable(out));
            expected.append(m.captured(1));
            left.removeAll(m.captured(1));
        }
        QCOMPARE(found, expected);
    }
}

void TestTlsAuditPostfix::postfixDiscardsInjectedCommands()
{
    ProbeOptions o = options(QStringLiteral("SMTP_PORT"));
    o.audit.commandInjection = true;
    TlsAudit audit(o);
    audit.start();
    QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), 30000);
    QCOMPARE(audit.result().injection, QStringLiteral("not-vulnerable"));
    QVERIFY2(audit.result()
                 .injectionTranscript.join(QLatin1Char('\n'))
                 .contains(QLatin1String("C: STARTTLS + NOOP")),
             qPrintable(audit.result().injectionTranscript.join(QLatin1Char('\n'))));
}

void TestTlsAuditPostfix::dovecotDiscardsInjectedCommands_data()
{
    QTest::addColumn<QString>("portKey");
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("injected"); ///< how the probe's transcript shows STARTTLS + NOOP
    QTest::newRow("imap") << "IMAP_PORT" << Protocol::Imap << "STARTTLS + INJ";
    QTest::newRow("pop3") << "POP3_PORT" << Protocol::Pop3 << "C: STLS + NOOP";
}

void TestTlsAuditPostfix::dovecotDiscardsInjectedCommands()
{
    // Dovecot 2.3 never runs a command sent with STARTTLS: it feeds those bytes to its TLS layer
    // (its log: "SSL_accept() failed: wrong version number"), so the probe's handshake fails.
    QFETCH(QString, portKey);
    QFETCH(Protocol, protocol);
    QFETCH(QString, injected);
    ProbeOptions o = options(portKey);
    QVERIFY(o.port != 0);
    o.protocol = protocol;
    o.audit.commandInjection = true;
    TlsAudit audit(o);
    audit.start();
    QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), 30000);
    const QString transcript = audit.result().injectionTranscript.join(QLatin1Char('\n'));
    QVERIFY2(audit.result().injection == QLatin1String("not-vulnerable"),
             qPrintable(audit.result().injectionDetail + QLatin1Char('\n') + transcript));
    QVERIFY2(transcript.contains(injected), qPrintable(transcript));
    // Dovecot reads the injected bytes as the start of the TLS handshake, which then fails.
    QVERIFY2(audit.result().injectionDetail.contains(QLatin1String("TLS handshake failed")),
             qPrintable(audit.result().injectionDetail));
}

QTEST_GUILESS_MAIN(TestTlsAuditPostfix)
#include "TestTlsAuditPostfix.moc"
