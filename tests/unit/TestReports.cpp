// The JSON report (schema 1) and the text report, rendered from hand-made runs.

#include "findings/FindingCatalogue.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "TestPrinters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

Run sampleRun()
{
    Run run;
    run.target = {QStringLiteral("mx.example.org"),
                  25,
                  Protocol::Smtp,
                  TlsMode::StartTls,
                  TlsPolicy::Enforce,
                  {QStringLiteral("192.0.2.1")},
                  QStringLiteral("192.0.2.1")};
    run.startedAt = QDateTime(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);
    run.durationMs = 321;
    run.steps = {{StepId::Resolve, StepStatus::Ok, 0, 5, QStringLiteral("Resolved")},
                 {StepId::StartTls, StepStatus::Warning, 10, 20, QStringLiteral("Go ahead")}};
    run.transcript = {{12, 'C', false, StepId::StartTls, 1, QStringLiteral("STARTTLS"), false},
                      {20, 'S', false, StepId::StartTls, 1, QStringLiteral("250 forged"), true}};
    run.capabilitiesPlain = {QStringLiteral("STARTTLS")};
    run.capabilitiesTls = {QStringLiteral("AUTH PLAIN")};
    TlsFacts facts;
    facts.protocol = QStringLiteral("TLSv1.3");
    facts.cipher = QStringLiteral("TLS_AES_128_GCM_SHA256");
    facts.keyExchange = QStringLiteral("ECDHE X25519");
    facts.verified = true;
    run.tls = facts;
    CertificateInfo cert;
    cert.subject = QStringLiteral("CN=mx.example.org");
    cert.sanDns = {QStringLiteral("mx.example.org")};
    cert.notBefore = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    cert.notAfter = QDateTime(QDate(2027, 1, 1), QTime(0, 0), Qt::UTC);
    cert.daysLeft = 33;
    cert.keyAlgorithm = QStringLiteral("EC");
    cert.keyBits = 256;
    run.certificates = {cert};
    run.findings = {
        FindingCatalogue::make(FindingIds::StartTlsResponseInjection, QStringLiteral("250 forged"))};
    return run;
}

} // namespace

class TestReports final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonHasEverySchemaField();
    void jsonValues();
    void verdicts_data();
    void verdicts();
    void textReportReadsWell();
    void catalogueIsComplete();
    void tlsAuditStaysWithinTheContract();
    void suitesInTextAndJson();
};

void TestReports::jsonHasEverySchemaField()
{
    const QJsonObject o = QJsonDocument::fromJson(ReportJson::toJson(sampleRun())).object();
    for (const char* key : {"schema_version", "tool", "target", "started_at", "duration_ms", "steps",
                            "transcript", "capabilities", "tls", "certificates", "tls_versions", "ciphers",
                            "findings", "message", "verdict"}) {
        QVERIFY2(o.contains(QLatin1String(key)), key);
    }
    for (const char* key : {"host", "port", "protocol", "tls", "policy", "addresses"})
        QVERIFY2(o.value(QLatin1String("target")).toObject().contains(QLatin1String(key)), key);
    for (const char* key : {"id", "status", "started_ms", "duration_ms", "summary"})
        QVERIFY2(o.value(QLatin1String("steps")).toArray().first().toObject().contains(QLatin1String(key)),
                 key);
    for (const char* key : {"t_ms", "dir", "tls", "step", "text"})
        QVERIFY2(
            o.value(QLatin1String("transcript")).toArray().first().toObject().contains(QLatin1String(key)),
            key);
    for (const char* key :
         {"protocol", "cipher", "key_exchange", "ephemeral_key", "verified", "errors", "ocsp_stapled"})
        QVERIFY2(o.value(QLatin1String("tls")).toObject().contains(QLatin1String(key)), key);
    for (const char* key :
         {"subject", "issuer", "san_dns", "san_ip", "not_before", "not_after", "days_left", "serial",
          "sha256", "sha1", "key_algorithm", "key_bits", "signature_algorithm", "pem"}) {
        QVERIFY2(
            o.value(QLatin1String("certificates")).toArray().first().toObject().contains(QLatin1String(key)),
            key);
    }
    for (const char* key : {"id", "severity", "title", "explanation", "reference"})
        QVERIFY2(o.value(QLatin1String("findings")).toArray().first().toObject().contains(QLatin1String(key)),
                 key);
}

void TestReports::jsonValues()
{
    const QJsonObject o = QJsonDocument::fromJson(ReportJson::toJson(sampleRun())).object();
    QCOMPARE(o.value(QLatin1String("schema_version")).toInt(), 1);
    QCOMPARE(o.value(QLatin1String("tool")).toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("mailscope"));
    QCOMPARE(o.value(QLatin1String("started_at")).toString(), QStringLiteral("2026-11-29T08:00:00.000Z"));
    QCOMPARE(o.value(QLatin1String("target")).toObject().value(QLatin1String("tls")).toString(),
             QStringLiteral("starttls"));
    const QJsonArray steps = o.value(QLatin1String("steps")).toArray();
    QCOMPARE(steps.at(1).toObject().value(QLatin1String("id")).toString(), QStringLiteral("starttls"));
    QCOMPARE(steps.at(1).toObject().value(QLatin1String("status")).toString(), QStringLiteral("warning"));
    const QJsonArray transcript = o.value(QLatin1String("transcript")).toArray();
    QCOMPARE(transcript.at(0).toObject().value(QLatin1String("dir")).toString(), QStringLiteral("C"));
    QVERIFY(!transcript.at(0).toObject().contains(QLatin1String("discarded")));
    QCOMPARE(transcript.at(1).toObject().value(QLatin1String("discarded")).toBool(), true);
    QVERIFY(o.value(QLatin1String("tls")).toObject().value(QLatin1String("ocsp_stapled")).isNull());
    QCOMPARE(o.value(QLatin1String("certificates"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QLatin1String("not_after"))
                 .toString(),
             QStringLiteral("2027-01-01T00:00:00.000Z"));
    QCOMPARE(o.value(QLatin1String("findings"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QLatin1String("severity"))
                 .toString(),
             QStringLiteral("critical"));
    QVERIFY(o.value(QLatin1String("message")).isNull());
    QCOMPARE(o.value(QLatin1String("verdict")).toString(), QStringLiteral("critical"));
    Run noTls = sampleRun();
    noTls.tls.reset();
    QVERIFY(QJsonDocument::fromJson(ReportJson::toJson(noTls)).object().value(QLatin1String("tls")).isNull());
}

void TestReports::verdicts_data()
{
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<bool>("failedStep");
    QTest::addColumn<bool>("aborted");
    QTest::addColumn<Verdict>("verdict");
    QTest::newRow("clean") << QStringList {} << false << false << Verdict::Ok;
    QTest::newRow("info only") << QStringList {QString(FindingIds::Tls13NotSupported)} << false << false
                               << Verdict::Ok;
    QTest::newRow("warning") << QStringList {QString(FindingIds::CertExpiresSoon)} << false << false
                             << Verdict::Warning;
    QTest::newRow("critical") << QStringList {QString(FindingIds::CertExpired)} << false << false
                              << Verdict::Critical;
    QTest::newRow("failed step") << QStringList {} << true << false << Verdict::Critical;
    QTest::newRow("cancelled") << QStringList {QString(FindingIds::RunCancelled)} << true << true
                               << Verdict::Unknown;
    QTest::newRow("cancelled after critical")
        << QStringList {QString(FindingIds::CertExpired)} << true << true << Verdict::Critical;
}

void TestReports::verdicts()
{
    QFETCH(QStringList, findings);
    QFETCH(bool, failedStep);
    QFETCH(bool, aborted);
    QFETCH(Verdict, verdict);
    Run run;
    run.aborted = aborted;
    run.steps = {{StepId::Connect, failedStep ? StepStatus::Failed : StepStatus::Ok, 0, 0, {}}};
    for (const QString& id : findings)
        run.findings.append(FindingCatalogue::make(id));
    QCOMPARE(run.verdict(), verdict);
}

void TestReports::textReportReadsWell()
{
    const QString text = ReportText::render(sampleRun());
    QVERIFY(text.contains(QLatin1String("SMTP check of mx.example.org:25")));
    QVERIFY(text.contains(QLatin1String("TLSv1.3")));
    QVERIFY(text.contains(QLatin1String("Plaintext was injected around the TLS upgrade")));
    QVERIFY(text.contains(QLatin1String("[discarded, never processed] 250 forged")));
    QVERIFY(text.contains(QLatin1String("Verdict: CRITICAL")));
    QVERIFY(!text.contains(QLatin1Char('\x1b'))); // no colour unless asked
    ReportText::Options colour;
    colour.color = true;
    QVERIFY(ReportText::render(sampleRun(), colour).contains(QLatin1Char('\x1b')));
}

void TestReports::catalogueIsComplete()
{
    // The catalogue holds exactly these ids (ARCHITECTURE.md's list plus the ones added since):
    // a new id must be added here on purpose, and one that disappears is noticed.
    QStringList expected {QStringLiteral("cert-trusted-by-profile"),
                          QStringLiteral("domain-not-found"),
                          QStringLiteral("dns-lookup-failed"),
                          QStringLiteral("dnssec-invalid"),
                          QStringLiteral("null-mx"),
                          QStringLiteral("mx-missing"),
                          QStringLiteral("mx-is-cname"),
                          QStringLiteral("mx-is-address"),
                          QStringLiteral("mx-host-not-found"),
                          QStringLiteral("mx-unreachable"),
                          QStringLiteral("starttls-not-supported"),
                          QStringLiteral("certificate-host-mismatch"),
                          QStringLiteral("certificate-expired"),
                          QStringLiteral("certificate-not-trusted"),
                          QStringLiteral("tlsa-invalid"),
                          QStringLiteral("tlsa-unusable"),
                          QStringLiteral("tlsa-insecure"),
                          QStringLiteral("sts-record-invalid"),
                          QStringLiteral("sts-policy-fetch-error"),
                          QStringLiteral("sts-policy-invalid"),
                          QStringLiteral("sts-webpki-invalid"),
                          QStringLiteral("sts-mx-mismatch"),
                          QStringLiteral("tlsrpt-invalid"),
                          QStringLiteral("tlsrpt-missing"),
                          QStringLiteral("mail-unprotected"),
                          QStringLiteral("implicit-tls-expected"),
                          QStringLiteral("reply-out-of-sequence"),
                          QStringLiteral("run-deadline-reached"),
                          QStringLiteral("starttls-expected"),
                          QStringLiteral("wrong-protocol"),
                          QStringLiteral("auth-failed"),
                          QStringLiteral("cert-chain-incomplete"),
                          QStringLiteral("cert-chain-order"),
                          QStringLiteral("cert-expired"),
                          QStringLiteral("cert-expires-soon"),
                          QStringLiteral("cert-hostname-mismatch"),
                          QStringLiteral("cert-not-yet-valid"),
                          QStringLiteral("cert-self-signed"),
                          QStringLiteral("cert-sha1-signature"),
                          QStringLiteral("cert-untrusted-chain"),
                          QStringLiteral("cert-verification-overridden"),
                          QStringLiteral("cert-weak-key"),
                          QStringLiteral("connection-refused"),
                          QStringLiteral("connection-timeout"),
                          QStringLiteral("credentials-sent-in-plaintext"),
                          QStringLiteral("greeting-rejected"),
                          QStringLiteral("host-not-found"),
                          QStringLiteral("imap-plaintext-alert"),
                          QStringLiteral("imap-preauth-before-tls"),
                          QStringLiteral("mail-rejected"),
                          QStringLiteral("ocsp-revoked"),
                          QStringLiteral("plaintext-auth-offered"),
                          QStringLiteral("plaintext-session"),
                          QStringLiteral("reply-malformed"),
                          QStringLiteral("reply-too-long"),
                          QStringLiteral("run-cancelled"),
                          QStringLiteral("server-closed-early"),
                          QStringLiteral("server-timeout"),
                          QStringLiteral("service-unavailable"),
                          QStringLiteral("starttls-command-injection"),
                          QStringLiteral("starttls-not-offered"),
                          QStringLiteral("starttls-rejected"),
                          QStringLiteral("starttls-response-injection"),
                          QStringLiteral("tls-audit-incomplete"),
                          QStringLiteral("tls-handshake-failed"),
                          QStringLiteral("tls-legacy-version-accepted"),
                          QStringLiteral("tls-weak-cipher"),
                          QStringLiteral("tls-sslv2-accepted"),
                          QStringLiteral("tls-sslv3-accepted"),
                          QStringLiteral("tls-cipher-null"),
                          QStringLiteral("tls-cipher-anonymous"),
                          QStringLiteral("tls-cipher-export"),
                          QStringLiteral("tls-cipher-rc4"),
                          QStringLiteral("tls-cipher-des"),
                          QStringLiteral("tls-cipher-64bit-block"),
                          QStringLiteral("tls-cipher-cbc-legacy-version"),
                          QStringLiteral("tls-cipher-no-forward-secrecy"),
                          QStringLiteral("tls-dh-insecure"),
                          QStringLiteral("tls-dh-weak"),
                          QStringLiteral("tls-group-weak"),
                          QStringLiteral("tls13-not-supported"),
                          QStringLiteral("message-invalid"),
                          QStringLiteral("smtputf8-not-offered"),
                          QStringLiteral("message-too-large"),
                          QStringLiteral("requiretls-not-offered"),
                          QStringLiteral("sender-refused"),
                          QStringLiteral("recipient-refused"),
                          QStringLiteral("recipient-relay-denied"),
                          QStringLiteral("recipient-unknown"),
                          QStringLiteral("recipient-greylisted"),
                          QStringLiteral("recipient-too-many"),
                          QStringLiteral("recipient-deferred"),
                          QStringLiteral("message-refused"),
                          QStringLiteral("delivery-unknown")};
    expected.sort();
    QStringList actual = FindingCatalogue::ids();
    actual.sort();
    QCOMPARE(actual, expected);
    // Every one of them, not a hand-picked few: an id, a default severity, a title, a
    // plain-language explanation and a reference (an RFC section, a CVE, a standard). These
    // describe the network, the user or a server's mood rather than a protocol rule, and carry
    // no reference yet; any other id without one fails, and one of these that gains a reference
    // must leave this list.
    const QStringList NoReference {QStringLiteral("cert-trusted-by-profile"),
                                   QStringLiteral("run-deadline-reached"),
                                   QStringLiteral("cert-verification-overridden"),
                                   QStringLiteral("connection-refused"),
                                   QStringLiteral("connection-timeout"),
                                   QStringLiteral("host-not-found"),
                                   QStringLiteral("run-cancelled"),
                                   QStringLiteral("server-closed-early"),
                                   QStringLiteral("server-timeout")};
    for (const QString& id : std::as_const(actual)) {
        QVERIFY2(FindingCatalogue::contains(id), qPrintable(id));
        const Finding f = FindingCatalogue::make(id, QStringLiteral("evidence"));
        QCOMPARE(f.id, id);
        QCOMPARE(f.severity, FindingCatalogue::defaultSeverity(id));
        QCOMPARE(f.detail, QStringLiteral("evidence"));
        QVERIFY2(!f.title.isEmpty(), qPrintable(id));
        QVERIFY2(f.explanation.size() > 40, qPrintable(id));
        QCOMPARE(f.reference.trimmed().isEmpty(), NoReference.contains(id));
    }
    QVERIFY(!FindingCatalogue::contains(QStringLiteral("no-such-finding")));
    QCOMPARE(FindingCatalogue::make(FindingIds::StartTlsNotOffered, {}, Severity::Warning).severity,
             Severity::Warning);
}

void TestReports::tlsAuditStaysWithinTheContract()
{
    Run run = sampleRun();
    QVERIFY(
        QJsonDocument::fromJson(ReportJson::toJson(run)).object().value(QLatin1String("tls_audit")).isNull());
    run.tlsVersions = {{QStringLiteral("TLSv1.0"), QStringLiteral("unavailable-locally")},
                       {QStringLiteral("TLSv1.2"), QStringLiteral("accepted")},
                       {QStringLiteral("TLSv1.3"), QStringLiteral("error")}};
    TlsAuditInfo audit;
    audit.versionDetails.insert(QStringLiteral("TLSv1.3"), QStringLiteral("Connection refused"));
    audit.commandInjection = QStringLiteral("not-vulnerable");
    audit.probeCount = 4;
    run.tlsAudit = audit;
    const QJsonObject o = QJsonDocument::fromJson(ReportJson::toJson(run)).object();
    const QJsonObject versions = o.value(QLatin1String("tls_versions")).toObject();
    QCOMPARE(versions.size(), 2); // "error" is not a schema-1 value: left out of tls_versions ...
    QCOMPARE(versions.value(QLatin1String("TLSv1.2")).toString(), QStringLiteral("accepted"));
    const QJsonObject details = o.value(QLatin1String("tls_audit")).toObject();
    // ... and explained in tls_audit.
    QCOMPARE(
        details.value(QLatin1String("version_status")).toObject().value(QLatin1String("TLSv1.3")).toString(),
        QStringLiteral("error"));
    QCOMPARE(
        details.value(QLatin1String("version_details")).toObject().value(QLatin1String("TLSv1.3")).toString(),
        QStringLiteral("Connection refused"));
    QCOMPARE(details.value(QLatin1String("command_injection")).toString(), QStringLiteral("not-vulnerable"));
    QCOMPARE(details.value(QLatin1String("probes")).toInt(), 4);
}

void TestReports::suitesInTextAndJson()
{
    Run run = sampleRun();
    run.tlsVersions = {{QStringLiteral("SSLv3"), QStringLiteral("accepted")},
                       {QStringLiteral("TLSv1.2"), QStringLiteral("accepted")}};
    run.ciphers = {{QStringLiteral("TLSv1.2"),
                    {QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"),
                     QStringLiteral("DHE-RSA-AES128-GCM-SHA256"), QStringLiteral("ECDHE-RSA-RC4-SHA")}},
                   {QStringLiteral("SSLv3"), {QStringLiteral("DES-CBC3-SHA")}}};
    TlsAuditInfo audit;
    audit.suites = {{QStringLiteral("TLSv1.2"),
                     {{0xC02F, 0, QStringLiteral("x25519")}, {0x009E, 1024, {}}, {0xC011, 0, {}}}},
                    {QStringLiteral("SSLv3"), {{0x000A, 0, {}}}}};
    audit.groups = {{QStringLiteral("TLSv1.2"), {QStringLiteral("x25519"), QStringLiteral("secp256r1")}}};
    run.tlsAudit = audit;

    // Text: one line per suite with its rating, DH size or group, and why when below acceptable.
    const QStringList lines = ReportText::render(run).split(QLatin1Char('\n'));
    for (const char* expected :
         {"  SSLv3    accepted   ",
          "     1 DES-CBC3-SHA                             INSECURE    SSL 3.0 (POODLE; RFC 7568); 64-bit "
          "block "
          "cipher (Sweet32, CVE-2016-2183); no forward secrecy",
          "     1 ECDHE-RSA-AES128-GCM-SHA256              recommended x25519",
          "     2 DHE-RSA-AES128-GCM-SHA256                WEAK        DH 1024 bits, 1024-bit DH group, "
          "under 2048 "
          "bits (Logjam)",
          "     3 ECDHE-RSA-RC4-SHA                        INSECURE    RC4, prohibited by RFC 7465"}) {
        QVERIFY2(lines.contains(QLatin1String(expected)), expected);
    }

    // JSON: the registry's facts and the rating per suite, next to the probe's own (code, DH size,
    // group); SSL 2.0/3.0 keyed like the other versions.
    const QJsonObject o = QJsonDocument::fromJson(ReportJson::toJson(run)).object();
    const QJsonObject suites =
        o.value(QLatin1String("tls_audit")).toObject().value(QLatin1String("suites")).toObject();
    QCOMPARE(suites.keys(), (QStringList {QStringLiteral("SSLv3"), QStringLiteral("TLSv1.2")}));
    const QJsonObject dhe = suites.value(QLatin1String("TLSv1.2")).toArray().at(1).toObject();
    const QJsonObject expected {
        {QStringLiteral("code"), QStringLiteral("0x00,0x9E")},
        {QStringLiteral("name"), QStringLiteral("DHE-RSA-AES128-GCM-SHA256")},
        {QStringLiteral("iana_name"), QStringLiteral("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")},
        {QStringLiteral("key_exchange"), QStringLiteral("DH")},
        {QStringLiteral("authentication"), QStringLiteral("RSA")},
        {QStringLiteral("encryption"), QStringLiteral("AESGCM")},
        {QStringLiteral("bits"), 128},
        {QStringLiteral("mac"), QStringLiteral("AEAD")},
        {QStringLiteral("rating"), QStringLiteral("weak")},
        {QStringLiteral("reasons"),
         QJsonArray {QStringLiteral("1024-bit DH group, under 2048 bits (Logjam)")}},
        {QStringLiteral("dh_bits"), 1024},
        {QStringLiteral("group"), QString()},
    };
    QCOMPARE(dhe, expected);
    QCOMPARE(o.value(QLatin1String("tls_audit")).toObject().value(QLatin1String("groups")).toObject(),
             (QJsonObject {{QStringLiteral("TLSv1.2"),
                            QJsonArray {QStringLiteral("x25519"), QStringLiteral("secp256r1")}}}));
    // Schema 1's tls_versions gains the SSLv3 row: an added key, not a changed value.
    QCOMPARE(o.value(QLatin1String("tls_versions")).toObject().value(QLatin1String("SSLv3")).toString(),
             QStringLiteral("accepted"));
}

QTEST_GUILESS_MAIN(TestReports)
#include "TestReports.moc"
