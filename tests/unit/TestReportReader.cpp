// ReportReader: a JSON report (schema 1) read back into a Run, and every way a file can be wrong.

#include "findings/FindingCatalogue.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"
#include "TestPki.h"
#include "TestPrinters.h"
#include "tls/CertificateInspector.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

namespace {

/// A run with every field of the report filled, as the engine would leave it.
Run fullRun()
{
    Run run;
    run.target = {QStringLiteral("localhost"),
                  2525,
                  Protocol::Imap,
                  TlsMode::StartTls,
                  TlsPolicy::Opportunistic,
                  {QStringLiteral("127.0.0.1"), QStringLiteral("::1")},
                  QString()};
    run.startedAt = QDateTime(QDate(2026, 11, 29), QTime(8, 0, 1, 234), Qt::UTC);
    run.durationMs = 4321;
    run.steps = {{StepId::Resolve, StepStatus::Ok, 0, 5, QStringLiteral("Resolved")},
                 {StepId::Connect, StepStatus::Ok, 5, 2, QStringLiteral("Connected")},
                 {StepId::Banner, StepStatus::Ok, 7, 3, QStringLiteral("Banner")},
                 {StepId::StartTls, StepStatus::Warning, 10, 20, QStringLiteral("Go ahead, with injection")},
                 {StepId::TlsHandshake, StepStatus::Ok, 30, 40, QStringLiteral("TLSv1.3")},
                 {StepId::Quit, StepStatus::Failed, 70, 5000, QStringLiteral("No reply")},
                 {StepId::Auth, StepStatus::Skipped, 5070, 0, QStringLiteral("Skipped")}};
    run.transcript = {{1, 'I', false, StepId::Resolve, 0, QStringLiteral("localhost -> 127.0.0.1"), false},
                      {8, 'S', false, StepId::Banner, 2, QStringLiteral("* OK ready"), false},
                      {12, 'C', false, StepId::StartTls, 3, QStringLiteral("A1 STARTTLS"), false},
                      {20, 'S', false, StepId::StartTls, 3, QStringLiteral("A1 OK go"), false},
                      {21, 'S', false, StepId::StartTls, 3, QStringLiteral("* forged \u00e9"), true},
                      {70, 'C', true, StepId::Quit, 5, QStringLiteral("A2 LOGOUT"), false}};
    run.capabilitiesPlain = {QStringLiteral("IMAP4rev1"), QStringLiteral("STARTTLS")};
    run.capabilitiesTls = {QStringLiteral("IMAP4rev1"), QStringLiteral("AUTH=PLAIN")};
    TlsFacts facts;
    facts.protocol = QStringLiteral("TLSv1.3");
    facts.cipher = QStringLiteral("TLS_AES_128_GCM_SHA256");
    facts.keyExchange = QStringLiteral("any");
    facts.ephemeralKey = QStringLiteral("EC 253 bits");
    facts.verified = false;
    facts.errors = {QStringLiteral("The certificate has expired")};
    facts.ocspStapled = false;
    facts.verificationOverridden = true;
    facts.trustedByProfile = true;
    run.tls = facts;
    const QList<QSslCertificate> chain = TestPki::instance().identity(TestPki::Kind::Good).chain;
    run.certificates = CertificateInspector::inspectChain(chain, {}, run.startedAt, run.target.host);
    run.certificates[1].errors = {QStringLiteral("an error on the intermediate")};
    run.tlsVersions = {{QStringLiteral("TLSv1.2"), QStringLiteral("accepted")},
                       {QStringLiteral("TLSv1.0"), QStringLiteral("unavailable-locally")},
                       {QStringLiteral("TLSv1.1"), QStringLiteral("error")}};
    run.ciphers = {{QStringLiteral("TLSv1.2"), {QStringLiteral("ECDHE-ECDSA-AES128-GCM-SHA256")}},
                   {QStringLiteral("TLSv1.3"), {QStringLiteral("TLS_AES_128_GCM_SHA256")}}};
    TlsAuditInfo audit;
    audit.versionDetails = {{QStringLiteral("TLSv1.1"), QStringLiteral("connection reset")}};
    audit.cipherOrder = {{QStringLiteral("TLSv1.2"), QStringLiteral("server")}};
    audit.weakCiphers = {{QStringLiteral("TLSv1.2"), {QStringLiteral("DES-CBC3-SHA (3DES)")}}};
    // Added with issue 11: the accepted suites (a DH size, a group, SSL 2.0's three-byte codes, a
    // code no registry knows) and the groups.
    audit.suites = {
        {QStringLiteral("TLSv1.2"),
         {{0xC02F, 0, QStringLiteral("x25519")}, {0x009E, 1024, {}}, {0x000A, 0, {}}, {0x5A5A, 0, {}}}},
        {QStringLiteral("SSLv2"), {{0x0700C0, 0, {}}}},
        {QStringLiteral("SSLv3"), {{0x0005, 0, {}}}}};
    audit.groups = {{QStringLiteral("TLSv1.2"), {QStringLiteral("x25519"), QStringLiteral("secp256r1")}},
                    {QStringLiteral("TLSv1.3"), {QStringLiteral("x25519")}}};
    audit.commandInjection = QStringLiteral("not-vulnerable");
    audit.commandInjectionDetail = QStringLiteral("no reply to the NOOP");
    audit.ocsp = QStringLiteral("none");
    audit.probeCount = 17;
    audit.untested = {QStringLiteral("TLSv1.1 version probe: Connection refused")};
    audit.unfinished = {QStringLiteral("OCSP stapling probe")};
    audit.retries = 4;
    audit.durationMs = 999;
    run.tlsAudit = audit;
    run.findings = {FindingCatalogue::make(FindingIds::StartTlsResponseInjection, QStringLiteral("* forged")),
                    FindingCatalogue::make(FindingIds::CertExpired, QString())};
    run.findings[0].step = StepId::StartTls;
    run.message = MessageInfo {QStringLiteral("<id@mailscope.invalid>"), QStringLiteral("250 2.0.0 queued")};
    run.suggestion = RunSuggestion {Protocol::Imap, TlsMode::Implicit,
                                    QStringLiteral("The server answered the STARTTLS probe with TLS.")};
    run.secretsShown = true;
    return run;
}

QByteArray withReplaced(const QByteArray& json, const QString& key, const QJsonValue& value)
{
    QJsonObject o = QJsonDocument::fromJson(json).object();
    o.insert(key, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestReportReader final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField();
    void abortedRunStaysUnknown();
    void minimalReport();
    void badReports_data();
    void badReports();
    void boundsAtAndPastTheLimit();
    void refusesFilesThatAreNotRegular();
    void readsAFile();
};

void TestReportReader::roundTripKeepsEveryField()
{
    const Run in = fullRun();
    QCOMPARE(in.certificates.size(), 2);
    const ReportReader::Result result = ReportReader::read(ReportJson::toJson(in));
    QVERIFY2(result.run, qPrintable(result.error));
    QCOMPARE(result.error, QString());
    const Run& out = *result.run;

    QCOMPARE(out.target.host, in.target.host);
    QCOMPARE(out.target.port, in.target.port);
    QCOMPARE(out.target.protocol, Protocol::Imap);
    QCOMPARE(out.target.tls, TlsMode::StartTls);
    QCOMPARE(out.target.policy, TlsPolicy::Opportunistic);
    QCOMPARE(out.target.addresses, in.target.addresses);
    QCOMPARE(out.startedAt, in.startedAt);
    QCOMPARE(out.durationMs, in.durationMs);

    QCOMPARE(out.steps.size(), in.steps.size());
    for (qsizetype i = 0; i < in.steps.size(); ++i) {
        QCOMPARE(out.steps[i].id, in.steps[i].id);
        QCOMPARE(out.steps[i].status, in.steps[i].status);
        QCOMPARE(out.steps[i].startedMs, in.steps[i].startedMs);
        QCOMPARE(out.steps[i].durationMs, in.steps[i].durationMs);
        QCOMPARE(out.steps[i].summary, in.steps[i].summary);
    }
    QCOMPARE(out.transcript.size(), in.transcript.size());
    for (qsizetype i = 0; i < in.transcript.size(); ++i) {
        QCOMPARE(out.transcript[i].tMs, in.transcript[i].tMs);
        QCOMPARE(out.transcript[i].dir, in.transcript[i].dir);
        QCOMPARE(out.transcript[i].tls, in.transcript[i].tls);
        QCOMPARE(out.transcript[i].step, in.transcript[i].step);
        QCOMPARE(out.transcript[i].stepIndex, in.transcript[i].stepIndex); // rebuilt from the steps
        QCOMPARE(out.transcript[i].text, in.transcript[i].text);
        QCOMPARE(out.transcript[i].discarded, in.transcript[i].discarded);
    }
    QCOMPARE(out.capabilitiesPlain, in.capabilitiesPlain);
    QCOMPARE(out.capabilitiesTls, in.capabilitiesTls);

    QVERIFY(out.tls);
    QCOMPARE(out.tls->protocol, in.tls->protocol);
    QCOMPARE(out.tls->cipher, in.tls->cipher);
    QCOMPARE(out.tls->keyExchange, in.tls->keyExchange);
    QCOMPARE(out.tls->ephemeralKey, in.tls->ephemeralKey);
    QCOMPARE(out.tls->verified, false);
    QCOMPARE(out.tls->errors, in.tls->errors);
    QCOMPARE(out.tls->ocspStapled, std::optional<bool>(false));
    QCOMPARE(out.tls->verificationOverridden, true);
    QCOMPARE(out.tls->trustedByProfile, true);

    QCOMPARE(out.certificates.size(), 2);
    for (qsizetype i = 0; i < in.certificates.size(); ++i) {
        const CertificateInfo& a = in.certificates[i];
        const CertificateInfo& b = out.certificates[i];
        QCOMPARE(b.subject, a.subject);
        QCOMPARE(b.issuer, a.issuer);
        QCOMPARE(b.sanDns, a.sanDns);
        QCOMPARE(b.sanIp, a.sanIp);
        QCOMPARE(b.matchedName, a.matchedName);
        QCOMPARE(b.notBefore, a.notBefore);
        QCOMPARE(b.notAfter, a.notAfter);
        QCOMPARE(b.daysLeft, a.daysLeft);
        QCOMPARE(b.serial, a.serial);
        QCOMPARE(b.sha256, a.sha256);
        QCOMPARE(b.sha1, a.sha1);
        QCOMPARE(b.keyAlgorithm, a.keyAlgorithm);
        QCOMPARE(b.keyBits, a.keyBits);
        QCOMPARE(b.signatureAlgorithm, a.signatureAlgorithm);
        QCOMPARE(b.errors, a.errors);
        QCOMPARE(b.pem, a.pem);
    }
    // Not in the report; rebuilt from the PEM. TestPki's leaf is CN=localhost, issued by the
    // intermediate (so not self-signed).
    QCOMPARE(out.certificates[0].commonName, QStringLiteral("localhost"));
    QCOMPARE(out.certificates[0].selfSigned, false);
    QCOMPARE(out.certificates[0].matchedName, QStringLiteral("localhost"));

    // Every version result, also the one schema 1's tls_versions leaves out ("error").
    QCOMPARE(out.tlsVersions, in.tlsVersions);
    QCOMPARE(out.ciphers, in.ciphers);
    QVERIFY(out.tlsAudit);
    QCOMPARE(out.tlsAudit->versionDetails, in.tlsAudit->versionDetails);
    QCOMPARE(out.tlsAudit->cipherOrder, in.tlsAudit->cipherOrder);
    QCOMPARE(out.tlsAudit->weakCiphers, in.tlsAudit->weakCiphers);
    QCOMPARE(out.tlsAudit->suites, in.tlsAudit->suites);
    QCOMPARE(out.tlsAudit->groups, in.tlsAudit->groups);
    QCOMPARE(out.tlsAudit->commandInjection, in.tlsAudit->commandInjection);
    QCOMPARE(out.tlsAudit->commandInjectionDetail, in.tlsAudit->commandInjectionDetail);
    QCOMPARE(out.tlsAudit->ocsp, in.tlsAudit->ocsp);
    QCOMPARE(out.tlsAudit->probeCount, 17);
    // Added with issue 11: what could not be tested, what was cut off, and the retries.
    QCOMPARE(out.tlsAudit->untested,
             QStringList {QStringLiteral("TLSv1.1 version probe: Connection refused")});
    QCOMPARE(out.tlsAudit->unfinished, QStringList {QStringLiteral("OCSP stapling probe")});
    QCOMPARE(out.tlsAudit->retries, 4);
    QCOMPARE(out.tlsAudit->durationMs, 999);

    QCOMPARE(out.findings.size(), 2);
    for (qsizetype i = 0; i < in.findings.size(); ++i) {
        QCOMPARE(out.findings[i].id, in.findings[i].id);
        QCOMPARE(out.findings[i].severity, in.findings[i].severity);
        QCOMPARE(out.findings[i].title, in.findings[i].title);
        QCOMPARE(out.findings[i].explanation, in.findings[i].explanation);
        QCOMPARE(out.findings[i].reference, in.findings[i].reference);
        QCOMPARE(out.findings[i].detail, in.findings[i].detail);
        QCOMPARE(out.findings[i].step, in.findings[i].step);
    }
    QVERIFY(out.message);
    QCOMPARE(out.message->messageId, in.message->messageId);
    QCOMPARE(out.message->queueReply, in.message->queueReply);
    QVERIFY(out.suggestion);
    QCOMPARE(out.suggestion->protocol, Protocol::Imap);
    QCOMPARE(out.suggestion->tls, TlsMode::Implicit);
    QCOMPARE(out.suggestion->reason, in.suggestion->reason);
    QCOMPARE(out.secretsShown, true);
    QCOMPARE(out.aborted, false);
    QCOMPARE(out.verdict(), Verdict::Critical);

    // And the report written from what was read is the report read.
    QCOMPARE(ReportJson::toJson(out), ReportJson::toJson(in));
}

void TestReportReader::abortedRunStaysUnknown()
{
    Run in;
    in.target.host = QStringLiteral("localhost");
    in.steps = {{StepId::Resolve, StepStatus::Ok, 0, 1, QStringLiteral("Resolved")}};
    in.aborted = true;
    QCOMPARE(in.verdict(), Verdict::Unknown);
    const ReportReader::Result result = ReportReader::read(ReportJson::toJson(in));
    QVERIFY2(result.run, qPrintable(result.error));
    QCOMPARE(result.run->aborted, true);
    QCOMPARE(result.run->verdict(), Verdict::Unknown);
}

void TestReportReader::minimalReport()
{
    // The keys schema 1 requires, nothing more (an older or foreign writer may omit the extensions).
    const QByteArray json = R"({"schema_version": 1,
        "target": {"host": "mx", "port": 25, "protocol": "smtp", "tls": "starttls", "policy": "enforce",
                   "addresses": []},
        "started_at": "", "duration_ms": 0, "steps": [], "transcript": [],
        "capabilities": {"plaintext": [], "tls": []}, "tls": null, "certificates": [],
        "tls_versions": {}, "ciphers": {}, "findings": [], "message": null, "verdict": "ok",
        "future_key": {"ignored": [1, 2, 3]}})";
    const ReportReader::Result result = ReportReader::read(json);
    QVERIFY2(result.run, qPrintable(result.error));
    QCOMPARE(result.run->target.host, QStringLiteral("mx"));
    QVERIFY(!result.run->startedAt.isValid());
    QVERIFY(!result.run->tls);
    QVERIFY(!result.run->tlsAudit);
    QVERIFY(!result.run->message);
    QCOMPARE(result.run->secretsShown, false);
    QCOMPARE(result.run->verdict(), Verdict::Ok);
}

void TestReportReader::badReports_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");

    const QByteArray good = ReportJson::toJson(fullRun());
    QJsonObject o = QJsonDocument::fromJson(good).object();
    const auto with = [&o](const QString& key, const QJsonValue& value) {
        QJsonObject copy = o;
        copy.insert(key, value);
        return QJsonDocument(copy).toJson(QJsonDocument::Compact);
    };
    QJsonArray steps = o.value(QLatin1String("steps")).toArray();
    QJsonObject step = steps.at(1).toObject();
    step.insert(QStringLiteral("status"), QStringLiteral("great"));
    steps.replace(1, step);
    QJsonArray transcript = o.value(QLatin1String("transcript")).toArray();
    QJsonObject line = transcript.at(2).toObject();
    line.insert(QStringLiteral("dir"), QStringLiteral("X"));
    transcript.replace(2, line);
    QJsonObject target = o.value(QLatin1String("target")).toObject();
    target.insert(QStringLiteral("port"), 70000);
    QJsonObject noHost = target;
    noHost.insert(QStringLiteral("port"), 25);
    noHost.remove(QStringLiteral("host"));
    QJsonObject tls = o.value(QLatin1String("tls")).toObject();
    tls.insert(QStringLiteral("ocsp_stapled"), QStringLiteral("yes"));

    QTest::newRow("not json") << QByteArray("{\"schema_version\": 1,")
                              << QStringLiteral("Not valid JSON at byte 21: unterminated object");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("Not valid JSON at byte 0: illegal value");
    QTest::newRow("array") << QByteArray("[1]")
                           << QStringLiteral("Not a Mailscope report: the document is not a JSON object.");
    QTest::newRow("no version") << QByteArray("{}")
                                << QStringLiteral("Not a Mailscope report: it has no schema_version.");
    QTest::newRow("schema 2") << with(
        QStringLiteral("schema_version"),
        2) << QStringLiteral("The report has schema_version 2; this Mailscope reads schema_version 1.");
    QTest::newRow("schema string") << with(QStringLiteral("schema_version"), QStringLiteral("1"))
                                   << QStringLiteral("The report has schema_version \"1\"; this Mailscope "
                                                     "reads schema_version 1.");
    QTest::newRow("unknown status") << with(QStringLiteral("steps"), steps)
                                    << QStringLiteral(
                                           "Not a valid report: steps[1].status: unknown value \"great\"");
    QTest::newRow("bad direction")
        << with(QStringLiteral("transcript"), transcript)
        << QStringLiteral("Not a valid report: transcript[2].dir: expected \"C\", \"S\" or \"I\"");
    QTest::newRow("port out of range")
        << with(QStringLiteral("target"), target)
        << QStringLiteral("Not a valid report: target.port: expected a whole number from 0 to 65535");
    QTest::newRow("missing host") << with(QStringLiteral("target"), noHost)
                                  << QStringLiteral("Not a valid report: target.host: missing");
    QTest::newRow("steps not an array") << with(QStringLiteral("steps"), QStringLiteral("none"))
                                        << QStringLiteral("Not a valid report: steps: expected an array");
    QTest::newRow("fractional duration")
        << with(QStringLiteral("duration_ms"), 1.5)
        << QStringLiteral("Not a valid report: duration_ms: expected a whole "
                          "number from 0 to 9007199254740992");
    QTest::newRow("bad time") << with(QStringLiteral("started_at"), QStringLiteral("yesterday"))
                              << QStringLiteral(
                                     "Not a valid report: started_at: not an ISO 8601 time: \"yesterday\"");
    QTest::newRow("ocsp not bool") << with(
        QStringLiteral("tls"),
        tls) << QStringLiteral("Not a valid report: tls.ocsp_stapled: expected true, false or null");
    QTest::newRow("bad suggestion") << with(QStringLiteral("suggestion"),
                                            QJsonObject {{QStringLiteral("protocol"), QStringLiteral("smtp")},
                                                         {QStringLiteral("tls"), QStringLiteral("sometimes")},
                                                         {QStringLiteral("reason"), QStringLiteral("x")}})
                                    << QStringLiteral(
                                           "Not a valid report: suggestion.tls: unknown value \"sometimes\"");
    QJsonObject audit = o.value(QLatin1String("tls_audit")).toObject();
    QJsonObject suites = audit.value(QLatin1String("suites")).toObject();
    QJsonArray tls12 = suites.value(QLatin1String("TLSv1.2")).toArray();
    QJsonObject first = tls12.at(0).toObject();
    first.insert(QStringLiteral("code"), QStringLiteral("C02F"));
    tls12.replace(0, first);
    suites.insert(QStringLiteral("TLSv1.2"), tls12);
    audit.insert(QStringLiteral("suites"), suites);
    QTest::newRow("bad suite code")
        << with(QStringLiteral("tls_audit"), audit)
        << QStringLiteral(
               "Not a valid report: tls_audit.suites.TLSv1.2[0].code: expected a cipher suite code "
               "like \"0xC0,0x2F\"");
    // Two bytes for TLS, three for an SSL 2.0 cipher kind: a TLS code under SSLv2 is refused.
    suites = audit.value(QLatin1String("suites")).toObject();
    suites.insert(QStringLiteral("SSLv2"),
                  QJsonArray {QJsonObject {{QStringLiteral("code"), QStringLiteral("0xC0,0x2F")}}});
    audit.insert(QStringLiteral("suites"), suites);
    QTest::newRow("TLS code as SSLv2")
        << with(QStringLiteral("tls_audit"), audit)
        << QStringLiteral("Not a valid report: tls_audit.suites.SSLv2[0].code: expected a cipher suite code "
                          "like \"0xC0,0x2F\"");
    audit.insert(QStringLiteral("suites"), QJsonObject {{QStringLiteral("TLSv1.2"), QStringLiteral("all")}});
    QTest::newRow("suites not an array")
        << with(QStringLiteral("tls_audit"), audit)
        << QStringLiteral("Not a valid report: tls_audit.suites.TLSv1.2: expected "
                          "an array");
    QTest::newRow("unknown verdict") << with(QStringLiteral("verdict"), QStringLiteral("fine"))
                                     << QStringLiteral("Not a valid report: verdict: unknown value \"fine\"");
}

void TestReportReader::badReports()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const ReportReader::Result result = ReportReader::read(json);
    QVERIFY(!result.run);
    QCOMPARE(result.error, error);
}

void TestReportReader::boundsAtAndPastTheLimit()
{
    const QByteArray good = ReportJson::toJson(fullRun());
    // Nesting: 16 levels in all (the report object is one) are read, 17 are refused unparsed.
    const auto nested = [&good](int levels) {
        return withReplaced(
            good, QStringLiteral("future_key"),
            QJsonDocument::fromJson(QByteArray(levels - 1, '[') + QByteArray(levels - 1, ']')).array());
    };
    QVERIFY2(ReportReader::read(nested(ReportReader::MaxDepth)).run,
             qPrintable(ReportReader::read(nested(ReportReader::MaxDepth)).error));
    const ReportReader::Result deep = ReportReader::read(nested(ReportReader::MaxDepth + 1));
    QVERIFY(!deep.run);
    QCOMPARE(deep.error, QStringLiteral("The report nests deeper than 16 levels."));
    // Brackets inside strings are text, not nesting.
    QVERIFY(
        ReportReader::read(withReplaced(good, QStringLiteral("future_key"), QString(100, QLatin1Char('['))))
            .run);

    // Array length: MaxItems transcript lines are read, one more is refused.
    const QJsonObject entry {{QStringLiteral("t_ms"), 0},
                             {QStringLiteral("dir"), QStringLiteral("S")},
                             {QStringLiteral("tls"), false},
                             {QStringLiteral("step"), QStringLiteral("banner")},
                             {QStringLiteral("text"), QString()}};
    QJsonArray lines;
    for (qsizetype i = 0; i < ReportReader::MaxItems; ++i)
        lines.append(entry);
    const ReportReader::Result atLimit =
        ReportReader::read(withReplaced(good, QStringLiteral("transcript"), lines));
    QVERIFY2(atLimit.run, qPrintable(atLimit.error));
    QCOMPARE(atLimit.run->transcript.size(), ReportReader::MaxItems);
    QCOMPARE(atLimit.run->transcript.first().stepIndex, 2); // the banner step of fullRun()
    lines.append(entry);
    const ReportReader::Result past =
        ReportReader::read(withReplaced(good, QStringLiteral("transcript"), lines));
    QVERIFY(!past.run);
    QCOMPARE(past.error, QStringLiteral("Not a valid report: transcript: more than 100000 entries"));

    // Size: a document past MaxFileBytes is refused before it is parsed.
    QByteArray huge = good;
    huge.append(QByteArray(ReportReader::MaxFileBytes - huge.size() + 1, ' '));
    const ReportReader::Result tooBig = ReportReader::read(huge);
    QVERIFY(!tooBig.run);
    QCOMPARE(tooBig.error, QStringLiteral("The report is larger than 32 MB."));
    huge.chop(1); // exactly at the limit: whitespace after the object is valid JSON
    QVERIFY2(ReportReader::read(huge).run, qPrintable(ReportReader::read(huge).error));
}

void TestReportReader::refusesFilesThatAreNotRegular()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString fifo = dir.filePath(QStringLiteral("report.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    // Opening a FIFO without a writer would block: the reader must refuse it before opening.
    const ReportReader::Result fromFifo = ReportReader::readFile(fifo);
    QVERIFY(!fromFifo.run);
    QCOMPARE(fromFifo.error, QStringLiteral("Cannot read %1: not a regular file.").arg(fifo));

    const ReportReader::Result fromDir = ReportReader::readFile(dir.path());
    QCOMPARE(fromDir.error, QStringLiteral("Cannot read %1: not a regular file.").arg(dir.path()));

    const QString missing = dir.filePath(QStringLiteral("missing.json"));
    QCOMPARE(ReportReader::readFile(missing).error,
             QStringLiteral("Cannot read %1: no such file.").arg(missing));

    // A sparse file one byte past the limit is refused by its size, without reading it.
    const QString big = dir.filePath(QStringLiteral("big.json"));
    QFile file(big);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(ReportReader::MaxFileBytes + 1));
    file.close();
    QCOMPARE(ReportReader::readFile(big).error,
             QStringLiteral("Cannot read %1: larger than 32 MB.").arg(big));
}

void TestReportReader::readsAFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(ReportJson::toJson(fullRun()));
    file.close();
    const ReportReader::Result result = ReportReader::readFile(path);
    QVERIFY2(result.run, qPrintable(result.error));
    QCOMPARE(result.run->transcript.size(), fullRun().transcript.size());

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("{\"schema_version\": 3}");
    file.close();
    QCOMPARE(ReportReader::readFile(path).error,
             QStringLiteral("%1: The report has schema_version 3; this Mailscope reads schema_version 1.")
                 .arg(path));
}

QTEST_GUILESS_MAIN(TestReportReader)
#include "TestReportReader.moc"
