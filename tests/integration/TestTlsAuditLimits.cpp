// The TLS audit under a server's limits (issue 11): the real Postfix fixture behind a proxy that
// accepts at most N connections at a time and answers `421` beyond them, as an MTA with a
// per-client connection limit does (RFC 5321 s.4.2.3, s.3.8); and a silent server. Probes that
// get no TLS answer are tried again at lower concurrency, never counted as "rejected"; what
// still cannot be tested is listed, and the verdict is then UNKNOWN.

#include "audit/TlsAudit.h"
#include "check/CheckRunner.h"
#include "findings/FindingCatalogue.h"
#include "RealServers.h"
#include "RunHelpers.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace {
constexpr int AuditTimeoutMs = 60000;

/// Forwards connections to a backend while fewer than `limit` are open; beyond that it answers
/// `421` and closes, as Postfix does past smtpd_client_connection_count_limit.
class LimitProxy final : public QObject
{
public:
    LimitProxy(quint16 backend, int limit)
        : m_backend(backend)
        , m_limit(limit)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &LimitProxy::onNewConnection);
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }
    int refused() const { return m_refused; }
    int forwarded() const { return m_forwarded; }
    int mostOpen() const { return m_mostOpen; }

private:
    void onNewConnection()
    {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            if (m_open >= m_limit) {
                ++m_refused;
                client->write("421 4.7.0 Error: too many connections from 127.0.0.1\r\n");
                client->disconnectFromHost();
                connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
                continue;
            }
            ++m_open;
            ++m_forwarded;
            m_mostOpen = std::max(m_mostOpen, m_open);
            auto* upstream = new QTcpSocket(client);
            connect(client, &QTcpSocket::readyRead, upstream,
                    [client, upstream] { upstream->write(client->readAll()); });
            connect(upstream, &QTcpSocket::readyRead, client,
                    [client, upstream] { client->write(upstream->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(client, &QTcpSocket::disconnected, this, [this, client, upstream] {
                upstream->abort();
                --m_open;
                client->deleteLater();
            });
            upstream->connectToHost(QHostAddress::LocalHost, m_backend);
        }
    }

    QTcpServer m_server;
    quint16 m_backend;
    int m_limit;
    int m_open = 0;
    int m_refused = 0;
    int m_forwarded = 0;
    int m_mostOpen = 0;
};

/// Accepts connections and never says a word.
class SilentServer final : public QObject
{
public:
    SilentServer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
                s->setParent(this);
        });
        m_server.listen(QHostAddress::LocalHost);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
};

QStringList partNames(const QStringList& untested)
{
    QStringList names;
    for (const QString& u : untested)
        names.append(u.section(QLatin1Char(':'), 0, 0));
    names.sort();
    return names;
}
} // namespace

class TestTlsAuditLimits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_servers.load(&error), qPrintable(error));
    }

    void connectionLimitChangesNothing()
    {
        ProbeOptions o;
        o.host = QStringLiteral("localhost");
        o.port = m_servers.port(QStringLiteral("SMTP_PORT"));
        o.tls = TlsMode::StartTls;
        o.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
        o.stepTimeoutMs = 10000;
        o.audit.versions = true;
        o.audit.ciphers = true;

        TlsAudit direct(o);
        direct.start();
        QTRY_VERIFY_WITH_TIMEOUT(direct.isFinished(), AuditTimeoutMs);
        QCOMPARE(direct.result().untested, QStringList());

        LimitProxy proxy(o.port, 2);
        o.port = proxy.port();
        TlsAudit limited(o);
        limited.start();
        QTRY_VERIFY_WITH_TIMEOUT(limited.isFinished(), AuditTimeoutMs);
        const TlsAuditResult& r = limited.result();
        // The limit was really met, and the probes that met it were tried again.
        QVERIFY(proxy.refused() > 0);
        QVERIFY(r.retries > 0);
        // Nothing it says differs from the unlimited audit, and nothing is left untested.
        QCOMPARE(r.untested, QStringList());
        for (const QString& v : direct.result().versions.keys())
            QCOMPARE(r.versions.value(v).status, direct.result().versions.value(v).status);
        QCOMPARE(r.ciphers, direct.result().ciphers);
        qInfo("limit 2: %d probes, %d retries, %d connections refused with 421, %d forwarded", r.probes,
              r.retries, proxy.refused(), proxy.forwarded());
    }

    void mainCheckKeepsItsSlot()
    {
        // One connection at a time: the main check's conversation must get it, the audit waits.
        LimitProxy proxy(m_servers.port(QStringLiteral("SMTP_PORT")), 1);
        CheckOptions options;
        options.probe.host = QStringLiteral("localhost");
        options.probe.port = proxy.port();
        options.probe.tls = TlsMode::StartTls;
        options.probe.extraCaCertificates = m_servers.certificates(QStringLiteral("CA_FILE"));
        options.probe.stepTimeoutMs = 10000;
        options.probe.audit.versions = true;
        CheckRunner runner(options);
        runner.start();
        QTRY_VERIFY_WITH_TIMEOUT(runner.isFinished(), AuditTimeoutMs);
        const Run& run = runner.run();
        for (const StepRecord& s : run.steps)
            QVERIFY2(s.status != StepStatus::Failed, qPrintable(s.summary));
        QVERIFY(proxy.mostOpen() <= 1);
    }

    void silentServerStopsAtOnce()
    {
        SilentServer silent;
        ProbeOptions o;
        o.host = QStringLiteral("127.0.0.1");
        o.port = silent.port();
        o.tls = TlsMode::StartTls;
        o.stepTimeoutMs = 400;
        o.audit.versions = true;
        TlsAudit audit(o);
        audit.start();
        QTRY_VERIFY_WITH_TIMEOUT(audit.isFinished(), AuditTimeoutMs);
        const TlsAuditResult& r = audit.result();
        // Every part is listed as untested, and no probe was tried again: the first silent
        // banner ended the audit.
        QCOMPARE(
            partNames(r.untested),
            (QStringList {QStringLiteral("OCSP stapling probe"), QStringLiteral("SSLv2 version probe"),
                          QStringLiteral("SSLv3 version probe"), QStringLiteral("TLSv1.0 version probe"),
                          QStringLiteral("TLSv1.1 version probe"), QStringLiteral("TLSv1.2 version probe"),
                          QStringLiteral("TLSv1.3 version probe")}));
        QCOMPARE(r.retries, 0);
        for (const TlsVersionOutcome& v : r.versions)
            QVERIFY2(v.status != QLatin1String("rejected"), qPrintable(v.detail));
        Run run;
        audit.mergeInto(run);
        QCOMPARE(findingIds(run), ids({FindingIds::TlsAuditIncomplete}));
        QCOMPARE(run.verdict(), Verdict::Unknown);
    }

private:
    RealServers m_servers;
};

QTEST_GUILESS_MAIN(TestTlsAuditLimits)
#include "TestTlsAuditLimits.moc"
