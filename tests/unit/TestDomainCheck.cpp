// DomainCheck end to end on loopback: DNS answers from a StaticResolver (with the DNSSEC status a
// validating resolver would give), SMTP from the built-in demo server, MTA-STS policies from an
// HTTPS server in this process. Each case ends in its exact set of finding ids.

#include "demo/DemoDomain.h"
#include "demo/DemoServer.h"
#include "dns/StaticResolver.h"
#include "domain/DomainCheck.h"
#include "domain/DomainReportJson.h"
#include "TestPki.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSslServer>
#include <QTest>

namespace {

/// Answers every HTTPS request with one canned response, then closes.
class PolicyServer final : public QObject
{
public:
    explicit PolicyServer(const IssuedCertificate& cert, const QList<QSslCertificate>& chain)
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificateChain(QList<QSslCertificate> {cert.certificate} + chain);
        config.setPrivateKey(cert.key);
        m_server.setSslConfiguration(config);
        QObject::connect(&m_server, &QSslServer::pendingConnectionAvailable, this, [this] {
            while (auto* s = qobject_cast<QSslSocket*>(m_server.nextPendingConnection())) {
                QObject::connect(s, &QSslSocket::readyRead, s, [this, s] {
                    m_request += s->readAll();
                    if (m_request.contains("\r\n\r\n")) {
                        s->write(m_response);
                        s->disconnectFromHost();
                    }
                });
                QObject::connect(s, &QSslSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray m_response;
    QByteArray m_request;

private:
    QSslServer m_server;
};

QByteArray http(const QByteArray& status, const QByteArray& type, const QByteArray& body,
                const QByteArray& extra = {})
{
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n" + extra + "Connection: close\r\n\r\n" + body;
}

DnsAnswer records(DnsSecurity security = DnsSecurity::Insecure)
{
    DnsAnswer a;
    a.security = security;
    return a;
}

} // namespace

class TestDomainCheck final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cases_data();
    void cases();
    void jsonReport();
    void demoDomains_data();
    void demoDomains();

private:
    DomainReport check(StaticResolver& resolver, const QString& domain, quint16 httpsPort);
    /// The chain the demo server presents in its current scenario, read off the wire.
    QList<QSslCertificate> presentedChain();
    DemoServer m_demo;
    QByteArray m_leafSha256;
};

void TestDomainCheck::initTestCase()
{
    QVERIFY2(m_demo.start(), qPrintable(m_demo.errorString()));
    m_demo.setIdleTimeout(30000);
    // The certificate the demo's good scenario presents, read off the wire.
    QSslSocket probe;
    QSignalSpy ready(&probe, &QSslSocket::encrypted);
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(m_demo.caCertificates());
    probe.setSslConfiguration(config);
    probe.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_demo.port(Protocol::Smtp, TlsMode::Implicit),
                                 QStringLiteral("localhost"));
    QTRY_COMPARE(ready.size(), 1);
    m_leafSha256 = QCryptographicHash::hash(probe.peerCertificate().toDer(), QCryptographicHash::Sha256);
    QVERIFY(TestPki::instance().isValid());
}

QList<QSslCertificate> TestDomainCheck::presentedChain()
{
    QSslSocket probe;
    QSignalSpy ready(&probe, &QSslSocket::encrypted);
    // The self-signed and wrong-host scenarios' certificates are what is being read.
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setPeerVerifyMode(QSslSocket::VerifyNone);
    probe.setSslConfiguration(config);
    probe.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_demo.port(Protocol::Smtp, TlsMode::Implicit),
                                 QStringLiteral("localhost"));
    if (!ready.wait(10000))
        return {};
    return probe.peerCertificateChain();
}

DomainReport TestDomainCheck::check(StaticResolver& resolver, const QString& domain, quint16 httpsPort)
{
    DomainCheckOptions options;
    options.smtpPort = m_demo.port(Protocol::Smtp, TlsMode::StartTls);
    options.httpsPort = httpsPort;
    options.extraCaCertificates = m_demo.caCertificates() + TestPki::instance().caCertificates();
    options.stepTimeoutMs = 10000;
    DomainCheck check(domain, &resolver, options);
    QSignalSpy done(&check, &DomainCheck::finished);
    check.start();
    if (!done.wait(60000))
        return {};
    return check.report();
}

void TestDomainCheck::cases_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<QString>("verdict");
    const auto row = [](const char* name, const char* scenario, QStringList ids, const char* verdict) {
        QTest::newRow(name) << QString::fromLatin1(name) << QString::fromLatin1(scenario) << ids
                            << QString::fromLatin1(verdict);
    };
    row("dane-valid", "good", {}, "ok");
    row("dane-mismatch", "good", {"mail-unprotected", "tlsa-invalid"}, "critical");
    row("dane-pkix-only", "good", {"mail-unprotected", "tlsa-unusable"}, "warning");
    row("tlsa-insecure", "good", {"mail-unprotected", "tlsa-insecure"}, "warning");
    row("bogus-mx", "good", {"dnssec-invalid"}, "critical");
    row("bogus-tlsa", "good", {"dnssec-invalid", "mail-unprotected"}, "critical");
    row("null-mx", "good", {"null-mx"}, "ok");
    row("nxdomain", "good", {"domain-not-found"}, "critical");
    row("no-mx", "good", {"certificate-host-mismatch", "mail-unprotected", "mx-missing"}, "warning");
    row("mx-cname", "good", {"certificate-host-mismatch", "mail-unprotected", "mx-is-cname"}, "warning");
    // RFC 7672 s.2.2.2: TLSA at the alias' target first, at the original name only without.
    row("cname-tlsa-target", "good", {"mx-is-cname"}, "warning");
    row("cname-tlsa-both", "good", {"mx-is-cname"}, "warning");
    row("cname-tlsa-original", "good", {"mx-is-cname"}, "warning");
    row("cname-insecure", "good",
        {"certificate-host-mismatch", "mail-unprotected", "mx-is-cname", "tlsa-insecure"}, "warning");
    // RFC 7672 s.3.1: a certificate authenticated by DANE needs no PKIX trust (DANE-EE: nor
    // names); the same certificate without DANE is what an MTA-STS sender would refuse.
    row("dane-ee-self-signed", "self-signed", {}, "ok");
    row("self-signed", "self-signed", {"certificate-not-trusted", "mail-unprotected"}, "warning");
    // DANE-TA's name check accepts the alias' target name (RFC 7672 s.3.2.2).
    row("cname-dane-ta", "wrong-host", {"mx-is-cname"}, "warning");
    row("mx-no-address", "good", {"mail-unprotected", "mx-host-not-found"}, "critical");
    row("no-starttls", "no-starttls", {"mail-unprotected", "starttls-not-supported"}, "critical");
    row("no-tlsrpt", "good", {"mail-unprotected", "tlsrpt-missing"}, "warning");
    row("bad-tlsrpt", "good", {"mail-unprotected", "tlsrpt-invalid"}, "warning");
    row("sts-enforce", "good", {}, "ok");
    row("sts-testing", "good", {"mail-unprotected"}, "warning");
    row("sts-mx-mismatch", "good", {"sts-mx-mismatch"}, "critical");
    row("sts-404", "good", {"mail-unprotected", "sts-policy-fetch-error"}, "warning");
    row("sts-redirect", "good", {"mail-unprotected", "sts-policy-fetch-error"}, "warning");
    row("sts-oversize", "good", {"mail-unprotected", "sts-policy-fetch-error"}, "warning");
    row("sts-html", "good", {"mail-unprotected", "sts-policy-fetch-error"}, "warning");
    row("sts-invalid", "good", {"mail-unprotected", "sts-policy-invalid"}, "warning");
    row("sts-wrong-name", "good", {"mail-unprotected", "sts-webpki-invalid"}, "warning");
    row("sts-missing-txt", "good", {"mail-unprotected"}, "warning");
    row("sts-enforce-bad-cert", "wrong-host", {"certificate-host-mismatch"}, "critical");
    // RFC 7671 s.5.2.2: DANE-TA 2 1 0 with the demo CA's root key, which the server does not send.
    row("dane-ta-key-not-sent", "good", {}, "ok");
    // Two addresses, one of them not listening: each address carries its own verdict.
    row("second-address-down", "good", {"mail-unprotected", "mx-unreachable"}, "critical");
    row("dane-second-address-down", "good", {"mail-unprotected", "mx-unreachable"}, "critical");
}

void TestDomainCheck::cases()
{
    QFETCH(QString, setup);
    QFETCH(QString, scenario);
    QFETCH(QStringList, findings);
    QFETCH(QString, verdict);
    m_demo.setScenario(scenario);

    const QString domain = setup + QStringLiteral(".test");
    StaticResolver resolver;
    const DnsSecurity secure = DnsSecurity::Secure;
    DnsAnswer mx = records(secure);
    mx.mx = {{10, QStringLiteral("localhost")}};
    DnsAnswer localA = records(secure);
    localA.addresses = {QHostAddress(QStringLiteral("127.0.0.1"))};
    DnsAnswer rpt = records();
    rpt.txt = {"v=TLSRPTv1; rua=mailto:tlsrpt@example.test"};
    resolver.add(QStringLiteral("localhost"), DnsType::A, localA);
    resolver.add(QStringLiteral("localhost"), DnsType::Aaaa, records(secure));
    resolver.add(domain, DnsType::Mx, mx);
    resolver.add(QStringLiteral("_smtp._tls.") + domain, DnsType::Txt, rpt);
    DnsAnswer tlsa = records(secure);
    tlsa.tlsa = {{3, 0, 1, m_leafSha256}};

    const QByteArray enforce = "version: STSv1\r\nmode: enforce\r\nmx: localhost\r\nmax_age: 86400\r\n";
    std::unique_ptr<PolicyServer> policy;
    const auto sts = [&](bool rightName, const QByteArray& response, bool txt = true) {
        CertificateRequest request;
        request.commonName =
            rightName ? QStringLiteral("mta-sts.") + domain : QStringLiteral("mta-sts.elsewhere.test");
        request.dnsNames = {request.commonName};
        const IssuedCertificate cert = CertificateFactory::issue(request, TestPki::instance().intermediate());
        policy = std::make_unique<PolicyServer>(
            cert, QList<QSslCertificate> {TestPki::instance().intermediate().certificate});
        policy->m_response = response;
        if (txt) {
            DnsAnswer record = records();
            record.txt = {"v=STSv1; id=20261202"};
            resolver.add(QStringLiteral("_mta-sts.") + domain, DnsType::Txt, record);
        }
        resolver.add(QStringLiteral("mta-sts.") + domain, DnsType::A, localA);
    };

    if (setup == QLatin1String("dane-valid")) {
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("dane-mismatch")) {
        tlsa.tlsa = {{3, 0, 1, QByteArray(32, '\x11')}};
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("dane-pkix-only")) {
        tlsa.tlsa = {{1, 0, 1, m_leafSha256}};
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("tlsa-insecure")) {
        tlsa.security = DnsSecurity::Insecure;
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("bogus-mx")) {
        DnsAnswer bogus = records(DnsSecurity::Bogus);
        bogus.whyBogus = QStringLiteral("signature expired");
        resolver.add(domain, DnsType::Mx, bogus);
    } else if (setup == QLatin1String("bogus-tlsa")) {
        DnsAnswer bogus = records(DnsSecurity::Bogus);
        bogus.whyBogus = QStringLiteral("signature crypto failed");
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, bogus);
    } else if (setup == QLatin1String("null-mx")) {
        mx.mx = {{0, QString()}};
        resolver.add(domain, DnsType::Mx, mx);
    } else if (setup == QLatin1String("no-mx")) {
        resolver.add(domain, DnsType::Mx, records(secure));
        resolver.add(domain, DnsType::A, localA);
    } else if (setup == QLatin1String("mx-cname")) {
        mx.mx = {{10, QStringLiteral("alias.mx-cname.test")}};
        resolver.add(domain, DnsType::Mx, mx);
        DnsAnswer alias = localA;
        alias.canonicalName = QStringLiteral("localhost");
        resolver.add(QStringLiteral("alias.mx-cname.test"), DnsType::A, alias);
    } else if (setup == QLatin1String("dane-ta-key-not-sent")) {
        const QList<QSslCertificate> chain = presentedChain();
        QCOMPARE(chain.size(), 2);
        QCOMPARE(m_demo.caCertificates().size(), 1);
        const QSslCertificate root = m_demo.caCertificates().first();
        QVERIFY(!chain.contains(root));
        tlsa.tlsa = {{2, 1, 0, root.publicKey().toDer()}};
        QVERIFY(!tlsa.tlsa.first().data.isEmpty());
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup.endsWith(QLatin1String("second-address-down"))) {
        // Nothing listens on 127.0.0.2 (the demo server binds 127.0.0.1).
        localA.addresses.append(QHostAddress(QStringLiteral("127.0.0.2")));
        resolver.add(QStringLiteral("localhost"), DnsType::A, localA);
        if (setup.startsWith(QLatin1String("dane-")))
            resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("dane-ee-self-signed")) {
        const QList<QSslCertificate> chain = presentedChain();
        QCOMPARE(chain.size(), 1);
        tlsa.tlsa = {{3, 0, 1, QCryptographicHash::hash(chain.first().toDer(), QCryptographicHash::Sha256)}};
        resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("cname-dane-ta")) {
        const QList<QSslCertificate> chain = presentedChain();
        QCOMPARE(chain.size(), 2);
        const QString target = QStringLiteral("mail.wrong-host.invalid");
        QVERIFY(chain.first().subjectAlternativeNames().values(QSsl::DnsEntry).contains(target));
        mx.mx = {{10, QStringLiteral("alias.") + domain}};
        resolver.add(domain, DnsType::Mx, mx);
        DnsAnswer alias = localA;
        alias.canonicalName = target;
        resolver.add(QStringLiteral("alias.") + domain, DnsType::A, alias);
        resolver.add(QStringLiteral("alias.") + domain, DnsType::Aaaa, records(secure));
        tlsa.tlsa = {{2, 0, 1, QCryptographicHash::hash(chain.at(1).toDer(), QCryptographicHash::Sha256)}};
        resolver.add(QStringLiteral("_25._tcp.") + target, DnsType::Tlsa, tlsa);
    } else if (setup.startsWith(QLatin1String("cname-"))) {
        mx.mx = {{10, QStringLiteral("alias.") + domain}};
        resolver.add(domain, DnsType::Mx, mx);
        DnsAnswer alias = localA;
        alias.canonicalName = QStringLiteral("localhost");
        if (setup == QLatin1String("cname-insecure"))
            alias.security = DnsSecurity::Insecure;
        resolver.add(QStringLiteral("alias.") + domain, DnsType::A, alias);
        resolver.add(QStringLiteral("alias.") + domain, DnsType::Aaaa, records(alias.security));
        DnsAnswer wrong = tlsa;
        wrong.tlsa = {{3, 0, 1, QByteArray(32, '\x11')}};
        if (setup != QLatin1String("cname-tlsa-original"))
            resolver.add(QStringLiteral("_25._tcp.localhost"), DnsType::Tlsa, tlsa);
        if (setup == QLatin1String("cname-tlsa-both"))
            resolver.add(QStringLiteral("_25._tcp.alias.") + domain, DnsType::Tlsa, wrong);
        if (setup == QLatin1String("cname-tlsa-original") || setup == QLatin1String("cname-insecure"))
            resolver.add(QStringLiteral("_25._tcp.alias.") + domain, DnsType::Tlsa, tlsa);
    } else if (setup == QLatin1String("mx-no-address")) {
        mx.mx = {{10, QStringLiteral("gone.mx-no-address.test")}};
        resolver.add(domain, DnsType::Mx, mx);
    } else if (setup == QLatin1String("no-tlsrpt")) {
        resolver.add(QStringLiteral("_smtp._tls.") + domain, DnsType::Txt, records());
    } else if (setup == QLatin1String("bad-tlsrpt")) {
        rpt.txt = {"v=TLSRPTv1; rua=http://reports.example.test/"};
        resolver.add(QStringLiteral("_smtp._tls.") + domain, DnsType::Txt, rpt);
    } else if (setup == QLatin1String("sts-enforce") || setup == QLatin1String("sts-enforce-bad-cert")) {
        sts(true, http("200 OK", "text/plain", enforce));
    } else if (setup == QLatin1String("sts-testing")) {
        QByteArray testing = enforce;
        testing.replace("enforce", "testing");
        sts(true, http("200 OK", "text/plain; charset=utf-8", testing));
    } else if (setup == QLatin1String("sts-mx-mismatch")) {
        QByteArray other = enforce;
        other.replace("mx: localhost", "mx: *.elsewhere.test");
        sts(true, http("200 OK", "text/plain", other));
    } else if (setup == QLatin1String("sts-404")) {
        sts(true, http("404 Not Found", "text/html", "<h1>Not found</h1>"));
    } else if (setup == QLatin1String("sts-redirect")) {
        sts(true, http("301 Moved Permanently", "text/plain", "", "Location: https://elsewhere.test/\r\n"));
    } else if (setup == QLatin1String("sts-oversize")) {
        sts(true, http("200 OK", "text/plain", enforce + QByteArray(70 * 1024, '#')));
    } else if (setup == QLatin1String("sts-html")) {
        sts(true, http("200 OK", "text/html", enforce));
    } else if (setup == QLatin1String("sts-invalid")) {
        sts(true, http("200 OK", "text/plain", "version: STSv1\nmode: enforce\nmax_age: 1\n"));
    } else if (setup == QLatin1String("sts-wrong-name")) {
        sts(false, http("200 OK", "text/plain", enforce));
    } else if (setup == QLatin1String("sts-missing-txt")) {
        sts(true, http("200 OK", "text/plain", enforce), false);
    }
    if (setup == QLatin1String("nxdomain")) {
        StaticResolver empty;
        const DomainReport report = check(empty, domain, 443);
        QCOMPARE(report.findingIds(), findings);
        QCOMPARE(toKey(report.verdict()), verdict);
        return;
    }
    const DomainReport report = check(resolver, domain, policy ? policy->port() : 443);
    QCOMPARE(report.findingIds(), findings);
    QCOMPARE(toKey(report.verdict()), verdict);
    // Each address' verdict in the JSON is the domain check's; the MX host's is the worst of them.
    const QJsonArray mxJson = DomainReportJson::toObject(report)[QStringLiteral("mx")].toArray();
    QCOMPARE(mxJson.size(), report.mx.size());
    QStringList addressVerdicts;
    for (qsizetype i = 0; i < report.mx.size(); ++i) {
        const MxResult& m = report.mx.at(i);
        const QJsonArray runs = mxJson.at(i)[QStringLiteral("runs")].toArray();
        QCOMPARE(runs.size(), m.runs.size());
        // Findings give OK, WARNING or CRITICAL (no UNKNOWN): in that order.
        const QStringList order {QStringLiteral("ok"), QStringLiteral("warning"), QStringLiteral("critical")};
        qsizetype worst = 0;
        for (qsizetype r = 0; r < m.runs.size(); ++r) {
            QVERIFY(order.contains(toKey(m.runs.at(r).verdict)));
            worst = std::max(worst, order.indexOf(toKey(m.runs.at(r).verdict)));
            QCOMPARE(runs.at(r)[QStringLiteral("verdict")].toString(), toKey(m.runs.at(r).verdict));
            QCOMPARE(runs.at(r)[QStringLiteral("smtp_verdict")].toString(),
                     toKey(m.runs.at(r).run.verdict()));
            addressVerdicts.append(m.runs.at(r).address + QLatin1Char('=') + toKey(m.runs.at(r).verdict)
                                   + QLatin1Char('/') + toKey(m.runs.at(r).run.verdict()));
        }
        if (!m.runs.isEmpty())
            QCOMPARE(order.at(worst), toKey(m.verdict()));
    }
    // address=domain-check verdict/plain SMTP run verdict
    if (setup.endsWith(QLatin1String("second-address-down"))) {
        QCOMPARE(addressVerdicts.join(QLatin1Char(' ')),
                 QStringLiteral("127.0.0.1=ok/ok 127.0.0.2=critical/critical"));
        QCOMPARE(report.mx.first().dane, setup.startsWith(QLatin1String("dane-")) ? QStringLiteral("no-tls")
                                                                                  : QStringLiteral("none"));
    }
    if (setup == QLatin1String("dane-ee-self-signed"))
        QCOMPARE(addressVerdicts.join(QLatin1Char(' ')), QStringLiteral("127.0.0.1=ok/critical"));
    if (setup == QLatin1String("self-signed"))
        QCOMPARE(addressVerdicts.join(QLatin1Char(' ')), QStringLiteral("127.0.0.1=warning/critical"));
    if (setup == QLatin1String("dane-ta-key-not-sent")) {
        QCOMPARE(report.mx.first().dane, QStringLiteral("valid"));
        QCOMPARE(report.mx.first().runs.first().daneUsage, 2);
        QVERIFY2(report.mx.first().daneDetail.contains(QStringLiteral("does not send the anchor")),
                 qPrintable(report.mx.first().daneDetail));
    }
    if (setup == QLatin1String("dane-valid")) {
        QCOMPARE(report.mx.size(), 1);
        QCOMPARE(report.mx.first().dane, QStringLiteral("valid"));
        QCOMPARE(report.mx.first().runs.size(), 1);
        QVERIFY(report.mx.first().runs.first().run.tls.has_value());
    }
    if (setup == QLatin1String("dane-ee-self-signed") || setup == QLatin1String("self-signed")
        || setup == QLatin1String("cname-dane-ta")) {
        QCOMPARE(report.mx.size(), 1);
        QCOMPARE(report.mx.first().runs.size(), 1);
        const MxAddressRun& run = report.mx.first().runs.first();
        const int usage = setup == QLatin1String("dane-ee-self-signed") ? 3
                          : setup == QLatin1String("cname-dane-ta")     ? 2
                                                                        : -1;
        QCOMPARE(run.daneUsage, usage);
        QCOMPARE(run.certificateKey(), usage < 0 ? QStringLiteral("not-verified") : QStringLiteral("dane"));
        QCOMPARE(
            run.certificateText().endsWith(QStringLiteral(", authenticated by DANE (usage %1)").arg(usage)),
            usage >= 0);
        QVERIFY(!run.certificateText().endsWith(QStringLiteral("(not verified)")) || usage < 0);
        const QJsonObject json =
            DomainReportJson::toObject(report)[QStringLiteral("mx")].toArray().first().toObject();
        const QJsonObject runJson = json[QStringLiteral("runs")].toArray().first().toObject();
        QCOMPARE(runJson[QStringLiteral("certificate")].toString(), run.certificateKey());
        QCOMPARE(runJson[QStringLiteral("dane_usage")].toInt(-1), usage);
        QCOMPARE(DomainReportJson::toText(report).contains(QStringLiteral("authenticated by DANE (usage")),
                 usage >= 0);
    }
    if (setup.startsWith(QLatin1String("cname-")) && setup != QLatin1String("cname-dane-ta")) {
        QCOMPARE(report.mx.size(), 1);
        const MxResult& m = report.mx.first();
        QCOMPARE(m.cnameTarget, QStringLiteral("localhost"));
        const bool atTarget =
            setup == QLatin1String("cname-tlsa-target") || setup == QLatin1String("cname-tlsa-both");
        QCOMPARE(m.tlsaName, atTarget ? QStringLiteral("_25._tcp.localhost")
                                      : QStringLiteral("_25._tcp.alias.") + domain);
        QCOMPARE(m.dane, setup == QLatin1String("cname-insecure") ? QStringLiteral("ignored")
                                                                  : QStringLiteral("valid"));
    }
    if (setup == QLatin1String("sts-redirect")) {
        QCOMPARE(report.mtaSts.fetch, QStringLiteral("redirect"));
        QVERIFY(policy->m_request.startsWith("GET /.well-known/mta-sts.txt HTTP/1.1\r\n"));
    }
    if (setup == QLatin1String("sts-404"))
        QCOMPARE(report.mtaSts.fetch, QStringLiteral("http-status"));
    if (setup == QLatin1String("sts-oversize"))
        QCOMPARE(report.mtaSts.fetch, QStringLiteral("too-large"));
    if (setup == QLatin1String("sts-html"))
        QCOMPARE(report.mtaSts.fetch, QStringLiteral("content-type"));
    if (setup == QLatin1String("sts-enforce")) {
        QCOMPARE(report.mx.first().stsMatch, QStringLiteral("match"));
        QVERIFY(policy->m_request.contains("\r\nHost: mta-sts.sts-enforce.test\r\n"));
    }
}

void TestDomainCheck::jsonReport()
{
    m_demo.setScenario(QStringLiteral("good"));
    StaticResolver resolver;
    DnsAnswer mx = records(DnsSecurity::Secure);
    mx.mx = {{20, QStringLiteral("localhost")}, {10, QStringLiteral("127.0.0.1")}};
    resolver.add(QStringLiteral("json.test"), DnsType::Mx, mx);
    DnsAnswer a = records(DnsSecurity::Secure);
    a.addresses = {QHostAddress(QStringLiteral("127.0.0.1"))};
    resolver.add(QStringLiteral("localhost"), DnsType::A, a);
    resolver.add(QStringLiteral("localhost"), DnsType::Aaaa, records(DnsSecurity::Secure));
    const DomainReport report = check(resolver, QStringLiteral("json.test"), 443);
    const QJsonObject o = DomainReportJson::toObject(report);
    QCOMPARE(o.value(QLatin1String("kind")).toString(), QStringLiteral("domain"));
    QCOMPARE(o.value(QLatin1String("domain")).toString(), QStringLiteral("json.test"));
    const QJsonArray list = o.value(QLatin1String("mx")).toArray();
    QCOMPARE(list.size(), 2);
    // By preference: the address literal (10) first, flagged.
    QCOMPARE(list.at(0).toObject().value(QLatin1String("host")).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(list.at(0).toObject().value(QLatin1String("address_literal")).toBool(), true);
    QCOMPARE(list.at(1).toObject().value(QLatin1String("dnssec")).toString(), QStringLiteral("secure"));
    const QJsonObject run = list.at(1).toObject().value(QLatin1String("runs")).toArray().at(0).toObject();
    QCOMPARE(run.value(QLatin1String("address")).toString(), QStringLiteral("127.0.0.1"));
    QCOMPARE(run.value(QLatin1String("report"))
                 .toObject()
                 .value(QLatin1String("target"))
                 .toObject()
                 .value(QLatin1String("host"))
                 .toString(),
             QStringLiteral("localhost"));
    // The demo certificate carries IP 127.0.0.1 as well as localhost: no name mismatch on either.
    QCOMPARE(report.findingIds(),
             (QStringList {QStringLiteral("mail-unprotected"), QStringLiteral("mx-is-address"),
                           QStringLiteral("tlsrpt-missing")}));
}

void TestDomainCheck::demoDomains_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<QString>("verdict");
    // The demo certificate is for localhost: only DANE-EE makes mx.demo.test's certificate fine.
    QTest::newRow("demo.test") << "demo.test" << QStringList {} << "ok";
    QTest::newRow("tlsa-mismatch") << "tlsa-mismatch.demo.test"
                                   << QStringList {"certificate-host-mismatch", "mail-unprotected",
                                                   "tlsa-invalid"}
                                   << "critical";
    QTest::newRow("unsigned") << "unsigned.demo.test"
                              << QStringList {"certificate-host-mismatch", "mail-unprotected",
                                              "tlsa-insecure", "tlsrpt-missing"}
                              << "warning";
    QTest::newRow("bogus") << "bogus.demo.test" << QStringList {"dnssec-invalid"} << "critical";
    QTest::newRow("nullmx") << "nullmx.demo.test" << QStringList {"null-mx"} << "ok";
    // The alias' target mx.demo.test has DANE-EE records: they apply (RFC 7672 s.2.2.2).
    QTest::newRow("cname") << "cname.demo.test" << QStringList {"mx-is-cname", "tlsrpt-missing"} << "warning";
}

void TestDomainCheck::demoDomains()
{
    QFETCH(QString, domain);
    QFETCH(QStringList, findings);
    QFETCH(QString, verdict);
    QVERIFY(DemoDomain::domains().contains(domain));
    m_demo.setScenario(QStringLiteral("good"));
    StaticResolver resolver;
    DemoDomain::populate(resolver, m_demo.goodCertificate());
    const DomainReport report = check(resolver, domain, 443);
    QCOMPARE(report.findingIds(), findings);
    QCOMPARE(toKey(report.verdict()), verdict);
}

QTEST_GUILESS_MAIN(TestDomainCheck)
#include "TestDomainCheck.moc"
